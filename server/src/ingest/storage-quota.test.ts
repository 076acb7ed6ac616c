import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SESSION_STORED_BYTES } from '../protocol/limits.js';
import { STOPPED_TAG } from '../protocol/recording-events.js';
import { newClientId } from '../testing/chat-test-kit.js';
import { createSiteApp } from '../testing/site-app.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { command, startVisitorSession } from '../testing/visitor-client.js';
import { pretendStored } from '../storage/test-seams.js';

let server: TestServer;
const SHOP = 'https://shop.example';
const batch = (ts: number) => gzipSync(JSON.stringify([{ type: 3, timestamp: ts, data: { source: 1, positions: [{ x: ts % 500, y: 1, id: 1, timeOffset: 0 }] } }]));
const send = (socket: Parameters<typeof command>[0], sessionId: string, seq: number) =>
  command<any>(socket, 'recording:batch', { sessionId, seq, data: batch(1_000 + seq) });
const storedSeqs = async (sessionId: string) => (await server.db.repos.recordings.listChunks(sessionId, 0, 100)).map((chunk) => chunk.seq);

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe('storage quotas', () => {
  it('stops the recording of a session past its quota with one stopped marker; the chat goes on', async () => {
    const { key } = await createSiteApp(server, [SHOP]);
    const { socket, sessionId } = await startVisitorSession(server.url, { key }, SHOP);
    expect((await send(socket, sessionId, 1)).data.stored).toBe(true);
    // As if the session had stored nearly 200 MB already (the per-minute byte limit makes that take minutes).
    await pretendStored(server.db, { sessionId }, MAX_SESSION_STORED_BYTES - 100);

    const refused = await send(socket, sessionId, 2);
    expect(refused.error).toMatchObject({ code: 'E_QUOTA_EXCEEDED', details: { scope: 'session' } });
    expect(await storedSeqs(sessionId)).toEqual([1, 2]);
    const marker = JSON.parse(gunzipSync((await server.db.repos.recordings.chunkData(sessionId, 2))!).toString());
    expect(marker).toEqual([{ type: 5, timestamp: 1_002, data: { tag: STOPPED_TAG, payload: { reason: 'session-quota' } } }]);

    // Nothing more is taken, and no second marker is written.
    expect((await send(socket, sessionId, 3)).error.code).toBe('E_QUOTA_EXCEEDED');
    expect((await command<any>(socket, 'recording:start', { sessionId })).error.code).toBe('E_QUOTA_EXCEEDED');
    expect(await storedSeqs(sessionId)).toEqual([1, 2]);
    expect((await command<any>(socket, 'chat:send', { text: 'Still there?', clientId: newClientId() })).data.message.text).toBe('Still there?');
    socket.close();
  });

  it("stops recording in an application past its quota (its setting), for every session", async () => {
    const { key, appId, owner } = await createSiteApp(server, [SHOP], 'Full shop');
    expect((await owner.request('PATCH', `/api/apps/${appId}`, { settings: { storageQuotaGb: 1 } })).status).toBe(200);
    // As if the application's sessions stored nearly 1 GB.
    await pretendStored(server.db, { appId }, 999_999_950);
    expect((await owner.request('GET', `/api/apps/${appId}/storage`)).json.data.storage).toEqual({ usedBytes: 999_999_950, quotaBytes: 1_000_000_000 });

    const first = await startVisitorSession(server.url, { key }, SHOP);
    expect((await send(first.socket, first.sessionId, 1)).error).toMatchObject({ code: 'E_QUOTA_EXCEEDED', details: { scope: 'app' } });
    const stopped = JSON.parse(gunzipSync((await server.db.repos.recordings.chunkData(first.sessionId, 1))!).toString());
    expect(stopped[0].data).toEqual({ tag: STOPPED_TAG, payload: { reason: 'app-quota' } });
    const second = await startVisitorSession(server.url, { key }, SHOP);
    expect((await command<any>(second.socket, 'recording:start', { sessionId: second.sessionId })).error).toMatchObject({
      code: 'E_QUOTA_EXCEEDED',
      details: { scope: 'app' },
    });
    first.socket.close();
    second.socket.close();
  });

  it('counts stored bytes per application in the database, and erasure gives them back', async () => {
    const { key, appId, owner } = await createSiteApp(server, [SHOP], 'Counted shop');
    const alice = await startVisitorSession(server.url, { key }, SHOP);
    const bob = await startVisitorSession(server.url, { key }, SHOP);
    for (let seq = 1; seq <= 3; seq += 1) {
      await send(alice.socket, alice.sessionId, seq);
      await send(bob.socket, bob.sessionId, seq);
    }
    const bytesOf = async (sessionId: string) => (await server.db.repos.sessions.findById(sessionId))!.bytes;
    const aliceBytes = await bytesOf(alice.sessionId);
    const bobBytes = await bytesOf(bob.sessionId);
    expect(aliceBytes).toBeGreaterThan(0);
    expect(await server.db.repos.recordings.storedBytes(appId)).toBe(aliceBytes + bobBytes);

    const erased = await owner.request('DELETE', `/api/apps/${appId}/visitors/${alice.ready.visitorId}`);
    expect(erased.json.data.sessions).toBe(1);
    expect((await owner.request('GET', `/api/apps/${appId}/storage`)).json.data.storage.usedBytes).toBe(bobBytes);
    alice.socket.close();
    bob.socket.close();
  });
});
