import { request as httpGet } from 'node:http';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBatch } from '../ingest/batch-decoder.js';
import { replayChunkPath } from '../protocol/replay-chunk-url.js';
import { HttpClient } from '../testing/http-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

/** Issue 20: a recording chunk is cached by its versioned URL, re-checked by ETag, and never outlives access. */

let server: TestServer;
let owner: HttpClient;
let appId: string;

beforeAll(async () => {
  server = await startTestServer();
  owner = new HttpClient(server.url);
  await owner.signIn();
  const apps = await owner.request('GET', '/api/apps');
  appId = apps.json.data.apps.find((app: { demo: boolean }) => app.demo).id;
});
afterAll(async () => {
  await server?.close();
});

/** A completed session of one stored chunk; its manifest header as the console sees it. */
async function storedChunk(): Promise<{ sessionId: string; chunk: { seq: number; bytes: number }; data: Buffer }> {
  const events = [
    { type: 4, timestamp: 1000, data: { href: 'http://x/', width: 800, height: 600 } },
    { type: 2, timestamp: 1001, data: { node: { type: 0, childNodes: [], id: 1 }, initialOffset: { top: 0, left: 0 } } },
  ];
  // Level 1, as a browser's CompressionStream is not zlib's default: compaction's re-gzip gives other bytes.
  const data = gzipSync(Buffer.from(JSON.stringify(events)), { level: 1 });
  const session = await server.db.repos.sessions.create({ appId, visitorId: `v-${Math.random()}`, startedAt: new Date(1000), landingUrl: 'http://x/', userAgent: 'T', viewport: { width: 800, height: 600 } });
  const header = await decodeBatch(data);
  await server.db.repos.recordings.insertChunk({ ...header, seq: 1, sessionId: session.id, appId, data, storedAt: new Date() });
  await server.db.repos.recordings.addToSession(session.id, { seq: 1, events: header.eventCount, bytes: header.bytes, at: new Date(1001) });
  await server.db.repos.sessions.complete(session.id, new Date(1001), 'visitor-ended');
  const manifest = await owner.request('GET', `/api/apps/${appId}/sessions/${session.id}/replay`);
  expect(manifest.headers.get('cache-control')).toBe('no-store');
  return { sessionId: session.id, chunk: manifest.json.data.chunks[0], data };
}

/**
 * A conditional GET as a browser revalidating its cache sends it. Not through fetch(): a fetch with
 * If-None-Match adds `Cache-Control: no-cache` (the Fetch standard's no-store mode), which asks for a 200.
 */
function conditionalGet(client: HttpClient, path: string, etag: string): Promise<{ status: number; body: string; etag: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = httpGet(client.baseUrl + path, { headers: { cookie: client.cookie, origin: new URL(client.baseUrl).origin, 'if-none-match': etag } }, (res) => {
      let body = '';
      res.setEncoding('latin1').on('data', (part: string) => (body += part));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, etag: res.headers.etag }));
    });
    req.on('error', reject).end();
  });
}

describe('recording chunk caching', () => {
  it('keeps a chunk for good under the URL naming its version, and re-checks any other URL of it', async () => {
    const { sessionId, chunk, data } = await storedChunk();
    const cached = await owner.request('GET', replayChunkPath(appId, sessionId, chunk));
    expect(cached.status).toBe(200);
    expect(cached.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
    const etag = cached.headers.get('etag');
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);

    // A bare URL (a heatmap's, the console's early request): the same bytes, but only until the ETag says otherwise.
    for (const bare of [`/api/apps/${appId}/sessions/${sessionId}/replay/chunks/1`, `/api/apps/${appId}/sessions/${sessionId}/replay/chunks/1?v=x`]) {
      const response = await owner.request('GET', bare);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('private, no-cache');
      expect(response.headers.get('etag')).toBe(etag);
    }
  });

  it('keeps a compacted chunk for good under the URL the manifest gives: the same events as other bytes', async () => {
    const { sessionId, chunk, data } = await storedChunk();
    expect(await server.app.compaction.compact(sessionId)).toBe('compacted');
    const manifest = await owner.request('GET', `/api/apps/${appId}/sessions/${sessionId}/replay`);
    const path = replayChunkPath(appId, sessionId, manifest.json.data.chunks[0]);
    expect(path).toBe(replayChunkPath(appId, sessionId, chunk));
    const response = await fetch(owner.baseUrl + path, { headers: { cookie: owner.cookie, origin: new URL(owner.baseUrl).origin } });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
    expect(gunzipSync(Buffer.from(await response.arrayBuffer())).toString()).toBe(gunzipSync(data).toString());
  });

  it('answers a conditional request with 304 and no body, and a changed ETag with the blob', async () => {
    const { sessionId, chunk } = await storedChunk();
    const path = replayChunkPath(appId, sessionId, chunk);
    const etag = (await owner.request('GET', path)).headers.get('etag')!;
    const again = await conditionalGet(owner, path, etag);
    expect(again).toEqual({ status: 304, body: '', etag });
    const other = await conditionalGet(owner, path, '"not-this-one"');
    expect(other.status).toBe(200);
    expect(other.body.length).toBeGreaterThan(0);
    expect(other.etag).toBe(etag);
  });

  it('refuses a member removed from the application at once, a conditional request too', async () => {
    const { sessionId, chunk } = await storedChunk();
    const invite = await owner.request('POST', '/api/team', { email: `agent-${Date.now()}@test.local`, appIds: [appId] });
    const { member, password } = invite.json.data;
    const agent = new HttpClient(server.url);
    await agent.signIn(member.email, password);
    const path = replayChunkPath(appId, sessionId, chunk);
    const seen = await agent.request('GET', path);
    expect(seen.status).toBe(200);

    expect((await owner.request('DELETE', `/api/team/${member.id}/apps/${appId}`)).status).toBe(200);
    const conditional = await conditionalGet(agent, path, seen.headers.get('etag')!);
    expect(conditional.status).toBe(404);
    expect(conditional.etag).not.toBe(seen.headers.get('etag'));
    expect((await agent.request('GET', path)).status).toBe(404);
    expect((await agent.request('GET', `/api/apps/${appId}/sessions/${sessionId}/replay`)).status).toBe(404);
  });

  it('answers 404 for a chunk of another application’s session, whatever version its URL names', async () => {
    const { sessionId, chunk } = await storedChunk();
    const other = await owner.request('POST', '/api/apps', { name: `Other ${Date.now()}`, allowedOrigins: [] });
    const response = await owner.request('GET', replayChunkPath(other.json.data.app.id, sessionId, chunk));
    expect(response.status).toBe(404);
    expect(response.headers.get('cache-control') ?? '').not.toContain('immutable');
  });
});
