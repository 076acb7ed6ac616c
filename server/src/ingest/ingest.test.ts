import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_HTTP_PER_SESSION_PER_MINUTE, MAX_BATCH_BYTES, MAX_SOCKET_MESSAGE_BYTES } from '../protocol/limits.js';
import { HttpClient } from '../testing/http-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { command, connectVisitor, handshake, type VisitorTestSocket } from '../testing/visitor-client.js';

let server: TestServer;
let key: string;
const SHOP = 'https://shop.example';

const batch = (events: unknown[]) => gzipSync(Buffer.from(JSON.stringify(events)));
const events = (n: number, from = 1000) =>
  Array.from({ length: n }, (_, i) => ({ type: 3, timestamp: from + i, data: { source: 1, positions: [{ x: i, y: i, id: 1, timeOffset: 0 }] } }));

async function visitorWithSession(visitorId: string): Promise<{ socket: VisitorTestSocket; sessionId: string }> {
  const socket = connectVisitor(server.url, { key, visitorId }, SHOP);
  await handshake(socket);
  const started = await command<any>(socket, 'session:start', { url: `${SHOP}/`, viewport: { width: 800, height: 600 } });
  return { socket, sessionId: started.data.session.id };
}

const send = (socket: VisitorTestSocket, sessionId: string, seq: number, data: unknown) =>
  command<any>(socket, 'recording:batch', { sessionId, seq, data });
const chunkCount = async (sessionId: string) => (await server.db.repos.recordings.listChunks(sessionId, 0, 10_000)).length;

beforeAll(async () => {
  server = await startTestServer();
  const owner = new HttpClient(server.url);
  await owner.signIn();
  const created = await owner.request('POST', '/api/apps', { name: 'Shop', allowedOrigins: [SHOP] });
  key = created.json.data.app.publicKey;
});
afterAll(() => server?.close());

describe('recording ingest over the socket', () => {
  it('stores a duplicate batch once and counts it into the session once', async () => {
    const { socket, sessionId } = await visitorWithSession('visitor-dup-1');
    const data = batch([{ type: 4, timestamp: 1, data: { href: SHOP, width: 800, height: 600 } }, { type: 2, timestamp: 2, data: {} }]);
    const first = await send(socket, sessionId, 1, data);
    const again = await send(socket, sessionId, 1, data);
    expect(first.data).toEqual({ seq: 1, stored: true, ackedThrough: 1 });
    expect(again.data).toEqual({ seq: 1, stored: false, ackedThrough: 1 });
    expect(await chunkCount(sessionId)).toBe(1);
    const [header] = await server.db.repos.recordings.listChunks(sessionId, 0, 10);
    expect(header).toEqual({ seq: 1, firstTs: 1, lastTs: 2, eventCount: 2, hasFullSnapshot: true, bytes: data.length });
    expect((await server.db.repos.recordings.chunkData(sessionId, 1))!.equals(data)).toBe(true);
    const session = await server.db.repos.sessions.findById(sessionId);
    expect(session).toMatchObject({ chunkCount: 1, eventCount: 2, bytes: data.length });
    socket.close();
  });

  it('acknowledges the highest contiguous seq when batches arrive out of order', async () => {
    const { socket, sessionId } = await visitorWithSession('visitor-order-1');
    expect((await send(socket, sessionId, 3, batch(events(2, 30)))).data).toEqual({ seq: 3, stored: true, ackedThrough: 0 });
    expect((await send(socket, sessionId, 1, batch(events(2, 10)))).data).toEqual({ seq: 1, stored: true, ackedThrough: 1 });
    expect((await send(socket, sessionId, 2, batch(events(2, 20)))).data).toEqual({ seq: 2, stored: true, ackedThrough: 3 });
    expect(await chunkCount(sessionId)).toBe(3);
    // The next page continues after the highest stored seq.
    expect((await command<any>(socket, 'recording:start', { sessionId })).data.nextSeq).toBe(4);
    socket.close();
  });

  it('refuses an oversize batch with E_TOO_LARGE while the socket and other sessions carry on', async () => {
    const heavy = await visitorWithSession('visitor-heavy-1');
    const other = await visitorWithSession('visitor-other-1');
    const oversize = await send(heavy.socket, heavy.sessionId, 1, randomBytes(MAX_BATCH_BYTES + 1));
    expect(oversize.error.code).toBe('E_TOO_LARGE');
    // A compression bomb: small on the wire, huge once inflated.
    const bomb = await send(heavy.socket, heavy.sessionId, 1, gzipSync(Buffer.alloc(50_000_000, 32)));
    expect(bomb.error.code).toBe('E_TOO_LARGE');
    expect((await send(heavy.socket, heavy.sessionId, 1, batch(events(3)))).data.stored).toBe(true);
    expect((await send(other.socket, other.sessionId, 1, batch(events(3)))).data.stored).toBe(true);

    // Past Socket.IO's maxHttpBufferSize the transport drops that one connection, nobody else.
    const dropped = new Promise((resolve) => heavy.socket.once('disconnect', resolve));
    (heavy.socket.emit as (...a: unknown[]) => void)('recording:batch', { sessionId: heavy.sessionId, seq: 2, data: randomBytes(MAX_SOCKET_MESSAGE_BYTES + 10) });
    await dropped;
    expect((await send(other.socket, other.sessionId, 2, batch(events(3)))).data).toMatchObject({ stored: true, ackedThrough: 2 });
    expect(await chunkCount(heavy.sessionId)).toBe(1);
    other.socket.close();
  });

  it('refuses malformed batches with E_INVALID_PAYLOAD and stores nothing', async () => {
    const { socket, sessionId } = await visitorWithSession('visitor-bad-1');
    const cases: unknown[] = [
      Buffer.from('not gzip'),
      gzipSync('{"not":"an array"}'),
      gzipSync('[]'),
      gzipSync('[{"type":99,"timestamp":1}]'),
      gzipSync('[{"type":3}]'),
      gzipSync('[not json'),
      'a string',
      { fake: 'buffer' },
    ];
    for (const data of cases) expect((await send(socket, sessionId, 1, data)).error.code).toBe('E_INVALID_PAYLOAD');
    for (const seq of [0, -1, 1.5, '1', null]) expect((await send(socket, sessionId, seq as number, batch(events(1)))).error.code).toBe('E_INVALID_PAYLOAD');
    expect(await chunkCount(sessionId)).toBe(0);
    socket.close();
  });

  it('lets a socket write only to its own session', async () => {
    const mine = await visitorWithSession('visitor-mine-1');
    const theirs = await visitorWithSession('visitor-theirs-1');
    expect((await send(mine.socket, theirs.sessionId, 1, batch(events(1)))).error.code).toBe('E_SESSION_MISMATCH');
    expect((await command<any>(mine.socket, 'recording:start', { sessionId: theirs.sessionId })).error.code).toBe('E_SESSION_MISMATCH');
    // A socket that never started a session cannot write at all.
    const idle = connectVisitor(server.url, { key, visitorId: 'visitor-theirs-1' }, SHOP);
    await handshake(idle);
    expect((await send(idle, theirs.sessionId, 1, batch(events(1)))).error.code).toBe('E_SESSION_MISMATCH');
    expect(await chunkCount(theirs.sessionId)).toBe(0);
    for (const socket of [mine.socket, theirs.socket, idle]) socket.close();
  });

  it('survives 1,000 random malformed frames and keeps serving', async () => {
    const { socket, sessionId } = await visitorWithSession('visitor-fuzz-1');
    const randomValue = (depth = 0): unknown => {
      const pick = Math.floor(Math.random() * (depth > 2 ? 6 : 9));
      return [
        () => null,
        () => Math.random() * 1e12 - 5e11,
        () => randomBytes(Math.floor(Math.random() * 64)).toString('latin1'),
        () => randomBytes(Math.floor(Math.random() * 4096)),
        () => gzipSync(randomBytes(Math.floor(Math.random() * 512))),
        () => Math.random() < 0.5,
        () => Array.from({ length: Math.floor(Math.random() * 5) }, () => randomValue(depth + 1)),
        () => ({ sessionId: Math.random() < 0.5 ? sessionId : randomValue(depth + 1), seq: randomValue(depth + 1), data: randomValue(depth + 1) }),
        () => ({ ['__proto__']: randomValue(depth + 1), constructor: randomValue(depth + 1) }),
      ][pick]();
    };
    const names = ['recording:batch', 'recording:start', 'session:start', 'session:end', 'widget:ping', 'nonsense'];
    let fuzz = socket;
    for (let i = 0; i < 1000; i += 1) {
      if (!fuzz.connected) {
        fuzz = connectVisitor(server.url, { key, visitorId: 'visitor-fuzz-1' }, SHOP);
        await handshake(fuzz);
      }
      const event = names[i % names.length];
      const args = Array.from({ length: Math.floor(Math.random() * 3) }, () => randomValue());
      if (i % 50 === 49) {
        // A raw Engine.IO frame that is no valid Socket.IO packet at all (the server drops that connection).
        (fuzz.io.engine as unknown as { write(data: string | Buffer): void }).write(
          Math.random() < 0.5 ? `4${randomBytes(24).toString('latin1')}` : randomBytes(32),
        );
        await new Promise((resolve) => setTimeout(resolve, 50));
      } else if (i % 10 === 0) {
        // Now and then wait for an answer, so the frames do not just pile up in a buffer.
        await Promise.race([
          new Promise((resolve) => (fuzz.emit as (...a: unknown[]) => void)(event, ...args, resolve)),
          new Promise((resolve) => setTimeout(resolve, 100)),
        ]);
      } else {
        (fuzz.emit as (...a: unknown[]) => void)(event, ...args, () => {});
      }
    }
    fuzz.close();
    expect(await chunkCount(sessionId)).toBe(0);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const after = await visitorWithSession('visitor-after-fuzz-1');
    expect((await send(after.socket, after.sessionId, 1, batch(events(2)))).data).toMatchObject({ stored: true, ackedThrough: 1 });
    after.socket.close();
  }, 120_000);
});

describe('POST /ingest (pagehide flush)', () => {
  const post = (query: Record<string, string>, body: Buffer | string, origin = SHOP) =>
    fetch(`${server.url}/ingest?${new URLSearchParams(query)}`, { method: 'POST', headers: { origin, 'content-type': 'text/plain' }, body: body as BodyInit });

  it('limits uploads per session and address, without holding back other sessions', async () => {
    const { sessionId: other } = await visitorWithSession('visitor-beacon-limit');
    const answers = [];
    for (let i = 0; i < INGEST_HTTP_PER_SESSION_PER_MINUTE; i++) answers.push((await post({ sessionId: 'a'.repeat(24), seq: '1', token: 'guess' }, '[]')).status);
    expect(answers).toEqual(Array(INGEST_HTTP_PER_SESSION_PER_MINUTE).fill(403));
    const limited = await post({ sessionId: 'a'.repeat(24), seq: '1', token: 'guess' }, '[]');
    expect(limited.status).toBe(429);
    expect((await limited.json()).error.code).toBe('E_RATE_LIMITED');
    // Another session from the same address is still heard (and refused only for its wrong token).
    const elsewhere = await post({ sessionId: other, seq: '1', token: 'guess' }, '[]');
    expect((await elsewhere.json()).error.code).toBe('E_SESSION_MISMATCH');
  });

  it('stores the tail with the same seqs as the socket, once', async () => {
    const { socket, sessionId } = await visitorWithSession('visitor-beacon-1');
    const { token, nextSeq } = (await command<any>(socket, 'recording:start', { sessionId })).data;
    expect(nextSeq).toBe(1);
    const data = batch(events(2));
    expect((await send(socket, sessionId, 1, data)).data.stored).toBe(true);
    const duplicate = await post({ sessionId, seq: '1', token }, data);
    expect(await duplicate.json()).toEqual({ data: { seq: 1, stored: false, ackedThrough: 1 } });
    // A page being unloaded sends raw JSON; the server compresses it.
    const raw = await post({ sessionId, seq: '2', token, encoding: 'json' }, JSON.stringify(events(1, 5000)));
    expect(await raw.json()).toEqual({ data: { seq: 2, stored: true, ackedThrough: 2 } });
    expect(await chunkCount(sessionId)).toBe(2);
    socket.close();
  });

  it('refuses a wrong token, a foreign origin, malformed and oversize bodies with their codes', async () => {
    const { socket, sessionId } = await visitorWithSession('visitor-beacon-2');
    const { token } = (await command<any>(socket, 'recording:start', { sessionId })).data;
    const other = await visitorWithSession('visitor-beacon-3');
    const refused = async (response: Response) => [response.status, ((await response.json()) as any).error.code];
    expect(await refused(await post({ sessionId: other.sessionId, seq: '1', token }, batch(events(1))))).toEqual([403, 'E_SESSION_MISMATCH']);
    expect(await refused(await post({ sessionId, seq: '1', token }, batch(events(1)), 'https://evil.example'))).toEqual([403, 'E_ORIGIN_NOT_ALLOWED']);
    expect(await refused(await post({ sessionId, seq: '1', token }, 'garbage'))).toEqual([400, 'E_INVALID_PAYLOAD']);
    expect(await refused(await post({ sessionId, seq: 'x', token }, batch(events(1))))).toEqual([400, 'E_INVALID_PAYLOAD']);
    expect(await refused(await post({ sessionId, seq: '1', token }, randomBytes(MAX_BATCH_BYTES + 1)))).toEqual([413, 'E_TOO_LARGE']);
    expect(await chunkCount(sessionId)).toBe(0);
    expect(await chunkCount(other.sessionId)).toBe(0);
    socket.close();
    other.socket.close();
  });
});
