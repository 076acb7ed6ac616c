import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { HOSTILE_KINDS, hostileBatch, type HostileKind } from './fixtures/hostile-batches.js';

/**
 * One attacking process of the hostile-soak benchmark: `count` visitors with only the public widget
 * key, each from its own loopback address (127.0.1.x, as separate machines would be), sending the worst
 * recordings of issue #14 in a loop — and flooding session starts, garbage /ingest bodies and sign-ins
 * with made-up emails — until the parent says stop. Reports what the server answered, by code.
 */
const [url, key, countText, firstAddressText] = process.argv.slice(2);
const count = Number(countText);
const firstAddress = Number(firstAddressText);
const { port } = new URL(url);
const answers: Record<string, number> = {};
let stopping = false;
const count1 = (code: string) => (answers[code] = (answers[code] ?? 0) + 1);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)];
// Made once: compressing the 8 MB ones costs the attacker ~0.1 s each, CPU this machine shares with the server.
const batches = new Map(HOSTILE_KINDS.map((kind) => [kind, hostileBatch(kind, Date.now())]));

type Ack = { data?: Record<string, unknown>; error?: { code: string } };
const ask = (socket: Socket, event: string, payload?: unknown): Promise<Ack> =>
  (payload === undefined ? socket.timeout(15_000).emitWithAck(event) : socket.timeout(15_000).emitWithAck(event, payload)).then(
    (ack: Ack) => {
      count1(ack.error?.code ?? `${event}:ok`);
      return ack;
    },
    () => {
      count1(`${event}:timeout`);
      return {};
    },
  );

function connect(localAddress: string): Promise<Socket | null> {
  const socket = io(`${url}/visitor`, { auth: { key }, transports: ['websocket'], extraHeaders: { origin: url }, reconnection: false, forceNew: true, localAddress } as never);
  return new Promise((resolve) => {
    socket.once('widget:ready', () => resolve(socket));
    socket.once('connect_error', (error: Error & { data?: { code?: string } }) => {
      count1(`connect:${error.data?.code ?? 'network'}`);
      socket.close();
      resolve(null);
    });
  });
}

/** A visitor recording hostile batches, then ending the session (which starts its insights). */
async function recordHostile(localAddress: string): Promise<void> {
  const socket = await connect(localAddress);
  if (!socket) {
    await pause(1_000);
    return;
  }
  try {
    const started = await ask(socket, 'session:start', { url: `${url}/demo/`, viewport: { width: 1280, height: 800 } });
    const sessionId = (started.data?.session as { id?: string } | undefined)?.id;
    if (!sessionId) return;
    const opened = await ask(socket, 'recording:start', { sessionId });
    let seq = Number(opened.data?.nextSeq ?? 1);
    for (let i = 0; i < 4 && !stopping; i++) {
      const kind: HostileKind = pick(HOSTILE_KINDS);
      await ask(socket, 'recording:batch', { sessionId, seq: seq++, data: batches.get(kind) });
    }
    // A batch far past anything stored; then a flood of session starts on the same connection.
    await ask(socket, 'recording:batch', { sessionId, seq: 999_999_999, data: batches.get('parent-cycle') });
    for (let i = 0; i < 20 && !stopping; i++) await ask(socket, 'session:start', { url: `${url}/demo/p${i}`, viewport: { width: 1e5, height: 1e5 } });
    await ask(socket, 'session:end');
  } finally {
    socket.close();
  }
}

function post(localAddress: string, path: string, body: Buffer | string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const request = http.request({ host: '127.0.0.1', port, path, method: 'POST', localAddress, headers: { origin: url, ...headers } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', () => resolve(0));
    request.end(body);
  });
}

/** Garbage for /ingest and sign-ins with made-up emails. */
async function floodHttp(localAddress: string): Promise<void> {
  const garbage = randomBytes(2_000);
  count1(`ingest:${await post(localAddress, `/ingest?sessionId=${randomBytes(12).toString('hex')}&seq=1e9&token=x`, garbage, { 'content-encoding': 'gzip', 'content-type': 'application/octet-stream' })}`);
  const email = `${randomBytes(6).toString('hex')}@attacker.example`;
  count1(`login:${await post(localAddress, '/api/auth/login', JSON.stringify({ email, password: 'not-the-password' }), { 'content-type': 'application/json' })}`);
}

async function attacker(index: number): Promise<void> {
  const localAddress = `127.0.1.${firstAddress + index}`;
  while (!stopping) {
    await (Math.random() < 0.8 ? recordHostile(localAddress) : floodHttp(localAddress)).catch(() => count1('client-error'));
  }
}

const running = Array.from({ length: count }, (_, i) => attacker(i));
setInterval(() => process.send!({ type: 'answers', answers }), 1_000);
process.on('message', async (message: { type: string }) => {
  if (message.type !== 'stop') return;
  stopping = true;
  await Promise.race([Promise.all(running), pause(5_000)]);
  process.send!({ type: 'answers', answers }, () => process.exit(0));
});
