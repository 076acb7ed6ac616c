import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEQ_AHEAD_WINDOW } from '../protocol/limits.js';
import { createSiteApp } from '../testing/site-app.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { command, startVisitorSession } from '../testing/visitor-client.js';

let server: TestServer;
let key: string;
const SHOP = 'https://shop.example';
const batch = (ts: number) => gzipSync(JSON.stringify([{ type: 3, timestamp: ts, data: { source: 1, positions: [] } }]));

beforeAll(async () => {
  server = await startTestServer();
  ({ key } = await createSiteApp(server, [SHOP]));
});
afterAll(() => server?.close());

describe('seqs far beyond what a session stored', () => {
  it('are refused with E_SEQ_OUT_OF_RANGE on the socket, while seqs within the window are stored', async () => {
    const { socket, sessionId } = await startVisitorSession(server.url, { key }, SHOP);
    const send = (seq: number) => command<any>(socket, 'recording:batch', { sessionId, seq, data: batch(seq) });

    const huge = await send(999_999_999);
    expect(huge.error).toMatchObject({ code: 'E_SEQ_OUT_OF_RANGE', details: { maxSeq: 0 } });
    expect((await send(SEQ_AHEAD_WINDOW + 1)).error.code).toBe('E_SEQ_OUT_OF_RANGE');
    // The widget's own pattern: batches in order, a few in flight, a page after a lost queue.
    expect((await send(1)).data).toMatchObject({ stored: true, ackedThrough: 1 });
    expect((await send(4)).data).toMatchObject({ stored: true });
    expect((await send(4 + SEQ_AHEAD_WINDOW)).data).toMatchObject({ stored: true });
    expect((await send(4 + 2 * SEQ_AHEAD_WINDOW + 1)).error.code).toBe('E_SEQ_OUT_OF_RANGE');

    expect(await server.db.repos.recordings.maxSeq(sessionId)).toBe(4 + SEQ_AHEAD_WINDOW);
    expect((await server.db.repos.recordings.listChunks(sessionId, 0, 100)).map((c) => c.seq)).toEqual([1, 4, 4 + SEQ_AHEAD_WINDOW]);
    socket.close();
  });

  it('are refused the same way on POST /ingest', async () => {
    const { socket, sessionId } = await startVisitorSession(server.url, { key }, SHOP);
    const { token } = (await command<any>(socket, 'recording:start', { sessionId })).data;
    const post = (seq: string) =>
      fetch(`${server.url}/ingest?${new URLSearchParams({ sessionId, seq, token })}`, {
        method: 'POST',
        headers: { origin: SHOP, 'content-type': 'text/plain' },
        body: batch(1),
      });
    const refused = await post('999999999');
    expect(refused.status).toBe(409);
    expect((await refused.json()).error.code).toBe('E_SEQ_OUT_OF_RANGE');
    expect((await post(String(SEQ_AHEAD_WINDOW))).status).toBe(200);
    expect(await server.db.repos.recordings.maxSeq(sessionId)).toBe(SEQ_AHEAD_WINDOW);
    socket.close();
  });
});
