import { io, type Socket } from 'socket.io-client';
import { syntheticBatch } from './fixtures/synthetic-batch.js';

/**
 * One load-generator process: opens `count` visitor connections to the server (real socket.io-client),
 * starts a session and a recording on each, then sends one compressed batch every BATCH_INTERVAL_MS
 * and reports acknowledgement latencies to the parent over IPC.
 */
const BATCH_INTERVAL_MS = 2_000;
const [url, key, countText, prefix] = process.argv.slice(2);
const count = Number(countText);
const latencies: number[] = [];
/** How long a visitor waits for the server's greeting after connecting. */
const READY_TIMEOUT_MS = 30_000;
let errors = 0;
/** Error responses by code (`timeout`: no acknowledgement within 10 s), so a failed step says why. */
let errorCodes: Record<string, number> = {};
const sockets: Socket[] = [];

/** A documentation-range address (198.18.0.0/15, for benchmarks) per worker and visitor. */
function benchAddress(index: number): string {
  let hash = 0;
  for (const char of prefix) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `198.${18 + (hash & 1)}.${(hash >>> 1) & 255}.${index & 255}`;
}

async function visitor(index: number): Promise<void> {
  const socket = io(`${url}/visitor`, {
    auth: { key },
    transports: ['websocket'],
    // Each visitor comes from its own address through the (loopback) proxy, as real visitors do: the
    // server's per-address limits would otherwise count the whole load as one client.
    extraHeaders: { origin: url, 'x-forwarded-for': benchAddress(index) },
    reconnection: false,
  });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    // A server too busy to greet the visitor must fail the step, not hang the ramp (a two-node ramp
    // waited forever at 2,000 visitors).
    const timer = setTimeout(() => reject(new Error('no widget:ready within 30 s')), READY_TIMEOUT_MS);
    socket.once('widget:ready', () => (clearTimeout(timer), resolve()));
    socket.once('connect_error', (error) => (clearTimeout(timer), reject(error)));
  });
  const started = (await socket.timeout(30_000).emitWithAck('session:start', { url: `${url}/demo/`, viewport: { width: 1280, height: 800 } })) as {
    data: { session: { id: string } };
  };
  if (!started.data) throw new Error(`session:start ${(started as { error?: { code?: string } }).error?.code}`);
  const sessionId = started.data.session.id;
  const opened = (await socket.timeout(30_000).emitWithAck('recording:start', { sessionId })) as { data: { nextSeq: number } };
  if (!opened.data) throw new Error(`recording:start ${(opened as { error?: { code?: string } }).error?.code}`);
  let seq = opened.data.nextSeq;
  // Spread the visitors over the interval, as real ones are.
  await new Promise((resolve) => setTimeout(resolve, Math.random() * BATCH_INTERVAL_MS));
  const timer = setInterval(async () => {
    const sentAt = performance.now();
    try {
      const response = (await socket.timeout(10_000).emitWithAck('recording:batch', { sessionId, seq, data: syntheticBatch(Date.now(), seq) })) as {
        error?: unknown;
      };
      if (response.error) {
        errors += 1;
        const code = String((response.error as { code?: string }).code ?? 'unknown');
        errorCodes[code] = (errorCodes[code] ?? 0) + 1;
      }
      else latencies.push(performance.now() - sentAt);
      seq += 1;
    } catch {
      errors += 1;
      errorCodes.timeout = (errorCodes.timeout ?? 0) + 1;
    }
  }, BATCH_INTERVAL_MS);
  socket.on('disconnect', () => clearInterval(timer));
}

let connected = 0;
let failed = 0;
/** Why visitors could not connect, start a session or start recording (so a failed step says why). */
const failedReasons: Record<string, number> = {};
const CONNECT_CONCURRENCY = 50;
for (let start = 0; start < count; start += CONNECT_CONCURRENCY) {
  const results = await Promise.allSettled(Array.from({ length: Math.min(CONNECT_CONCURRENCY, count - start) }, (_, i) => visitor(start + i)));
  connected += results.filter((r) => r.status === 'fulfilled').length;
  for (const result of results) {
    if (result.status === 'fulfilled') continue;
    failed += 1;
    const reason = String((result.reason as Error)?.message ?? result.reason).slice(0, 80);
    failedReasons[reason] = (failedReasons[reason] ?? 0) + 1;
  }
}
process.send!({ type: 'connected', connected, failed, failedReasons });

setInterval(() => {
  process.send!({ type: 'latencies', latencies: latencies.splice(0), errors, errorCodes });
  errors = 0;
  errorCodes = {};
}, 1_000);

process.on('message', (message: { type: string }) => {
  if (message.type === 'stop') {
    for (const socket of sockets) socket.close();
    process.exit(0);
  }
});
