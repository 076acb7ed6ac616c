/**
 * Polls `/healthz` while hostile work runs and keeps every answer's time: a server whose event loop is
 * stalled answers late or not at all (an unanswered probe counts as its time limit).
 */
export interface HealthProbe {
  /** Stops polling and resolves with how many answers came and the slowest one (ms). */
  stop(): Promise<{ count: number; maxMs: number; failures: number }>;
}

export function probeHealth(baseUrl: string, options: { intervalMs?: number; timeoutMs?: number } = {}): HealthProbe {
  const intervalMs = options.intervalMs ?? 50;
  const timeoutMs = options.timeoutMs ?? 2_000;
  let running = true;
  let count = 0;
  let failures = 0;
  let maxMs = 0;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const ok = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(timeoutMs) }).then(
        async (response) => (await response.arrayBuffer(), response.ok),
        () => false,
      );
      const ms = ok ? performance.now() - started : timeoutMs;
      count += 1;
      if (!ok) failures += 1;
      maxMs = Math.max(maxMs, ms);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { count, maxMs, failures };
    },
  };
}
