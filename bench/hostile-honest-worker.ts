import { randomBytes } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { syntheticBatch } from './fixtures/synthetic-batch.js';

/**
 * The honest visitors of the hostile-soak benchmark: `count` visitors from 127.0.0.1 recording a batch
 * every 2 s and chatting every 10 s, as the widget does (a refused or unanswered batch is kept and sent
 * again, like the widget's outbox). On stop they end their sessions and report what the server
 * acknowledged, so the parent can check that every acknowledged batch and message was stored.
 */
const BATCH_INTERVAL_MS = 2_000;
const CHAT_INTERVAL_MS = 10_000;
const RETRY_MS = 1_000;
const [url, key, countText] = process.argv.slice(2);
const count = Number(countText);
let latencies: number[] = [];
let refusals: Record<string, number> = {};

type Ack = { data?: Record<string, unknown>; error?: { code: string } };
interface Visitor {
  socket: Socket;
  sessionId: string;
  ackedSeqs: number[];
  sentClientIds: string[];
  stop: () => void;
}

async function visitor(index: number): Promise<Visitor> {
  const socket = io(`${url}/visitor`, { auth: { key }, transports: ['websocket'], extraHeaders: { origin: url }, reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('widget:ready', () => resolve());
    socket.once('connect_error', reject);
  });
  const started = (await socket.timeout(30_000).emitWithAck('session:start', { url: `${url}/demo/honest-${index}`, viewport: { width: 1280, height: 800 } })) as Ack;
  const sessionId = String((started.data!.session as { id: string }).id);
  const opened = (await socket.timeout(30_000).emitWithAck('recording:start', { sessionId })) as Ack;
  const state: Visitor = { socket, sessionId, ackedSeqs: [], sentClientIds: [], stop: () => {} };
  let seq = Number(opened.data!.nextSeq);
  let stopped = false;

  const sendBatch = async () => {
    const data = syntheticBatch(Date.now(), seq);
    // Like the widget: the same seq until the server says it is stored.
    while (!stopped) {
      const sentAt = performance.now();
      const ack = (await socket.timeout(10_000).emitWithAck('recording:batch', { sessionId, seq, data }).catch(() => ({ error: { code: 'timeout' } }))) as Ack;
      if (!ack.error) {
        latencies.push(performance.now() - sentAt);
        state.ackedSeqs.push(seq++);
        return;
      }
      refusals[ack.error.code] = (refusals[ack.error.code] ?? 0) + 1;
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  };
  const sendMessage = async () => {
    const clientId = randomBytes(9).toString('base64url');
    while (!stopped) {
      const ack = (await socket.timeout(10_000).emitWithAck('chat:send', { text: `Honest question ${state.sentClientIds.length + 1}`, clientId }).catch(() => ({ error: { code: 'timeout' } }))) as Ack;
      if (!ack.error) return void state.sentClientIds.push(clientId);
      refusals[`chat:${ack.error.code}`] = (refusals[`chat:${ack.error.code}`] ?? 0) + 1;
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  };
  // One batch at a time per visitor, as the widget's outbox sends them; spread over the interval.
  let busy = false;
  await new Promise((resolve) => setTimeout(resolve, Math.random() * BATCH_INTERVAL_MS));
  const batchTimer = setInterval(() => {
    if (busy) return;
    busy = true;
    void sendBatch().finally(() => (busy = false));
  }, BATCH_INTERVAL_MS);
  const chatTimer = setInterval(() => void sendMessage(), CHAT_INTERVAL_MS);
  state.stop = () => {
    stopped = true;
    clearInterval(batchTimer);
    clearInterval(chatTimer);
  };
  return state;
}

const visitors = await Promise.all(Array.from({ length: count }, (_, i) => visitor(i)));
process.send!({ type: 'connected', sessions: visitors.map((v) => v.sessionId) });
setInterval(() => {
  process.send!({ type: 'latencies', latencies, refusals });
  latencies = [];
  refusals = {};
}, 1_000);
process.on('message', async (message: { type: string }) => {
  if (message.type !== 'stop') return;
  for (const v of visitors) v.stop();
  // Let sends under way finish, then end each session as the visitor would.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  await Promise.all(visitors.map((v) => v.socket.timeout(15_000).emitWithAck('session:end').catch(() => undefined)));
  const report = visitors.map((v) => ({ sessionId: v.sessionId, ackedSeqs: v.ackedSeqs, sentClientIds: v.sentClientIds }));
  process.send!({ type: 'latencies', latencies, refusals });
  process.send!({ type: 'done', report }, () => process.exit(0));
});
