import { spawn, type ChildProcess } from 'node:child_process';

/** A helper service run by tests and benchmarks (redis-server, haproxy): started, waited for, stopped. */
export interface HelperProcess {
  pid: number;
  output(): string;
  stop(): Promise<void>;
}

const STOP_TIMEOUT_MS = 5_000;

/** Spawns `command` and resolves once `ready()` answers true (polled), or fails with its output. */
export async function startHelper(
  name: string,
  command: string,
  args: string[],
  ready: () => Promise<boolean>,
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<HelperProcess> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
  let output = '';
  child.stdout!.on('data', (chunk) => (output = (output + chunk).slice(-8000)));
  child.stderr!.on('data', (chunk) => (output = (output + chunk).slice(-8000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const failed = await Promise.race([spawnError, new Promise<null>((resolve) => setTimeout(() => resolve(null), 100))]);
    if (failed) throw new Error(`${name} could not be started (${command}): ${failed.message}`);
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output}`);
    if (await ready().catch(() => false)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} was not ready within ${timeoutMs} ms:\n${output}`);
    }
  }
  return { pid: child.pid!, output: () => output, stop };
}
