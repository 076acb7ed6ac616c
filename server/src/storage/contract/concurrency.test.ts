import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { newClientId } from '../../testing/chat-test-kit.js';
import { HttpClient } from '../../testing/http-client.js';
import { startServerProcess, type ServerProcess } from '../../testing/server-process.js';
import { command, connectVisitor, handshake, type VisitorTestSocket } from '../../testing/visitor-client.js';
import { CONTRACT_ENGINES, openContractDatabase, type RunningEngine } from './contract-engines.js';
import { readModelDifferences } from './read-model-recount.js';
import { portAnswers as answers, rawRecount as recount } from './port-recount.js';

/**
 * The storage contract with several writers: two server processes sharing one database, 40 visitors
 * at once. Afterwards every list, counter, set and session document the port answers equals a
 * brute-force recount from the raw documents — on each engine with the implementation it gets (the
 * embedded read model on FerretDB, MongoDB-native on MongoDB semantics). On the embedded read model
 * its own documents must also equal a rebuild from raw data, trigram and signal lists included.
 */
const SESSIONS = 40;
const BATCHES_PER_SESSION = 3;
const EVENTS_PER_BATCH = 5;
const SHOP = 'https://shop.example';
/** Longer than the deferred search lists wait before they are written (250 ms). */
const SETTLE_MS = 1_000;

const batch = (seq: number) =>
  gzipSync(Buffer.from(JSON.stringify(Array.from({ length: EVENTS_PER_BATCH }, (_, i) => ({ type: 3, timestamp: seq * 1000 + i, data: { source: 1, positions: [] } })))));

/** One visitor: a session, its batches and a prompt, at once with everyone else; every other one ends it. */
async function visit(server: ServerProcess, key: string, n: number, sockets: VisitorTestSocket[]): Promise<string> {
  const socket = connectVisitor(server.url, { key, visitorId: `visitor-${n}` }, SHOP);
  sockets.push(socket);
  const ready = await handshake(socket);
  if (!ready.ok) throw new Error(ready.error.code);
  const started = await command<any>(socket, 'session:start', { url: `${SHOP}/page-${n}?q=1`, viewport: { width: 800, height: 600 } });
  const sessionId: string = started.data.session.id;
  const acks = await Promise.all([
    ...Array.from({ length: BATCHES_PER_SESSION }, (_, i) => command<any>(socket, 'recording:batch', { sessionId, seq: i + 1, data: batch(i + 1) })),
    command<any>(socket, 'chat:send', { text: `question ${n}`, clientId: newClientId() }),
  ]);
  for (const ack of acks) if (!ack.data) throw new Error(JSON.stringify(ack.error));
  if (n % 2 === 0) await command<any>(socket, 'session:end');
  return sessionId;
}

/** Each engine with the implementation a server gets on it. */
const SERVED = CONTRACT_ENGINES.map((engine, i) => ({ engine, name: `${i === 0 ? 'the embedded read model' : 'MongoDB-native'} on ${engine.name}` }));

describe.each(SERVED)('two server processes sharing one database: $name', ({ engine: contractEngine }) => {
  let engine: RunningEngine | undefined;
  const servers: ServerProcess[] = [];
  const sockets: VisitorTestSocket[] = [];
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    for (const server of servers) await server.dispose();
    await engine?.stop();
  });

  it(`${SESSIONS} sessions started at once: every list, counter, set and session document equals a brute-force recount`, { timeout: 180_000 }, async () => {
    engine = await contractEngine.start();
    const dbName = 'chatreel_concurrency';
    const uri = `${engine.uri.replace(/\/$/, '')}/${dbName}`;
    // One after the other, so only one of them installs the owner and the demo application.
    servers.push(await startServerProcess({ MONGODB_URI: uri }));
    servers.push(await startServerProcess({ MONGODB_URI: uri }));
    const owner = new HttpClient(servers[0].url);
    await owner.signIn();
    const app = (await owner.request('POST', '/api/apps', { name: 'Shared shop', allowedOrigins: [SHOP] })).json.data.app;

    const day = new Date();
    const sessionIds = await Promise.all(Array.from({ length: SESSIONS }, (_, n) => visit(servers[n % servers.length], app.publicKey, n, sockets)));
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    for (const socket of sockets) socket.close();
    // A clean stop writes what each process still holds in memory (the deferred search lists).
    for (const server of servers) await server.stop();

    const db = await openContractDatabase(engine, dbName);
    try {
      expect(new Set(sessionIds).size).toBe(SESSIONS);
      const live = await answers(db, app.id, sessionIds, day);
      expect(live).toEqual(await recount(db, app.id, sessionIds, day));
      expect(await readModelDifferences(db, app.id)).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
