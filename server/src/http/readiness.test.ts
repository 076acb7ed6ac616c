import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slowChunkWrites } from '../storage/test-seams.js';
import { createSiteApp } from '../testing/site-app.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { command, startVisitorSession } from '../testing/visitor-client.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const SHOP = 'https://shop.example';
const batch = (from: number) => gzipSync(JSON.stringify([{ type: 3, timestamp: from, data: { source: 1, positions: [{ x: 1, y: 1, id: 1, timeOffset: 0 }] } }]));

describe('readiness for a balancer', () => {
  it('answers /readyz 200 while the node takes clients, 503 once it drains, while /healthz (liveness) stays 200', async () => {
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true });
    server.app.drain();
    const draining = await fetch(`${server.url}/readyz`);
    expect(draining.status).toBe(503);
    expect(await draining.json()).toEqual({ ready: false, reason: 'draining' });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});

describe('closing a node (the end of a drain)', () => {
  it('answers the commands under way before its sockets close: a batch being stored is acknowledged by this node', async () => {
    const closing = await startTestServer();
    const { key } = await createSiteApp(closing, [SHOP]);
    const { socket, sessionId } = await startVisitorSession(closing.url, { key }, SHOP);
    // A slowed database: the batch is still being written when the node is told to close.
    slowChunkWrites(closing.db, 600);
    const gone = new Promise((resolve) => socket.once('disconnect', () => resolve('disconnected first')));
    const ack = command<any>(socket, 'recording:batch', { sessionId, seq: 1, data: batch(Date.now()) });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closed = closing.close();
    const answer = await Promise.race([ack, gone]);
    expect(answer).toMatchObject({ data: { seq: 1, stored: true } });
    await closed;
    expect(await gone).toBe('disconnected first');
    socket.close();
  });
});
