import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CONSENT_NOTICE_CHARS } from '../protocol/limits.js';
import { HttpClient } from '../testing/http-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { io } from 'socket.io-client';
import { command, handshake, startVisitorSession, type StartedVisitor } from '../testing/visitor-client.js';

const SHOP = 'https://consent.example';
let server: TestServer;
let owner: HttpClient;
const sockets: StartedVisitor['socket'][] = [];

const batch = () => gzipSync(Buffer.from(JSON.stringify([{ type: 4, timestamp: 1, data: { href: SHOP, width: 800, height: 600 } }, { type: 2, timestamp: 2, data: {} }])));
const send = (visitor: StartedVisitor, seq = 1) => command<any>(visitor.socket, 'recording:batch', { sessionId: visitor.sessionId, seq, data: batch() });
const chunkCount = async (sessionId: string) => (await server.db.repos.recordings.listChunks(sessionId, 0, 100)).length;

async function createApp(name: string, consent?: Record<string, unknown>) {
  const app = (await owner.request('POST', '/api/apps', { name, allowedOrigins: [SHOP] })).json.data.app as { id: string; publicKey: string };
  if (consent) expect((await owner.request('PATCH', `/api/apps/${app.id}`, { settings: { consent } })).status).toBe(200);
  return app;
}
async function visitor(key: string, auth: { consent?: boolean; privacySignal?: boolean } = {}) {
  const started = await startVisitorSession(server.url, { key, ...auth }, SHOP);
  sockets.push(started.socket);
  return started;
}

beforeAll(async () => {
  server = await startTestServer();
  owner = new HttpClient(server.url);
  await owner.signIn();
});
afterAll(async () => {
  for (const socket of sockets) socket.close();
  await server?.close();
});

describe('consent mode: the server stores recordings only of visitors who consented', () => {
  it('refuses batches and the recorder of a connection that declared no consent, and stores nothing', async () => {
    const app = await createApp('Consent required', { required: true });
    const v = await visitor(app.publicKey);
    expect(v.ready.settings.consent).toEqual({ required: true, respectPrivacySignals: false, notice: 'This chat may be recorded to help us support you.' });
    expect((await command<any>(v.socket, 'recording:start', { sessionId: v.sessionId })).error.code).toBe('E_CONSENT_REQUIRED');
    const refused = await send(v);
    expect(refused.error.code).toBe('E_CONSENT_REQUIRED');
    expect(await chunkCount(v.sessionId)).toBe(0);
    // Struggle spotted live tells what the visitor does: not reported without consent either.
    const struggle = await command<any>(v.socket, 'struggle:report', { type: 'rage_click', label: '4 rapid clicks on “Pay”', canOfferHelp: false });
    expect(struggle.error.code).toBe('E_CONSENT_REQUIRED');
    // Nor are the page's fonts taken (they go with the recording).
    const fonts = await command<any>(v.socket, 'fonts:missing', { sessionId: v.sessionId, hashes: ['a'.repeat(64)] });
    expect(fonts.error.code).toBe('E_CONSENT_REQUIRED');
    // The chat itself works without consent.
    expect((await command<any>(v.socket, 'chat:send', { clientId: 'consent-client-1', text: 'hello' })).data).toBeDefined();

    // Consent given on the page: the same connection records from then on.
    expect((await command<any>(v.socket, 'consent:set', { consent: true })).data).toEqual({ erased: false });
    expect((await send(v)).data).toMatchObject({ seq: 1, stored: true });
    expect(await chunkCount(v.sessionId)).toBe(1);
  });

  it('records a connection whose handshake declared consent, and stops at a revocation', async () => {
    const app = await createApp('Consent in handshake', { required: true });
    const v = await visitor(app.publicKey, { consent: true });
    expect((await command<any>(v.socket, 'recording:start', { sessionId: v.sessionId })).data.nextSeq).toBe(1);
    expect((await send(v, 1)).data.stored).toBe(true);
    expect((await command<any>(v.socket, 'consent:set', { consent: false })).data).toEqual({ erased: false });
    expect((await send(v, 2)).error.code).toBe('E_CONSENT_REQUIRED');
    expect(await chunkCount(v.sessionId)).toBe(1);
  });

  it('without consent mode records as before, and a revocation still stops it', async () => {
    const app = await createApp('No consent mode');
    const v = await visitor(app.publicKey);
    expect((await send(v, 1)).data.stored).toBe(true);
    await command<any>(v.socket, 'consent:set', { consent: false });
    expect((await send(v, 2)).error.code).toBe('E_CONSENT_REQUIRED');
  });

  it('respects Global Privacy Control / Do Not Track when the application says so, consent or not', async () => {
    const respecting = await createApp('Respects GPC', { respectPrivacySignals: true });
    const signalled = await visitor(respecting.publicKey, { consent: true, privacySignal: true });
    expect((await send(signalled)).error.code).toBe('E_PRIVACY_SIGNAL');
    expect(await chunkCount(signalled.sessionId)).toBe(0);
    // The same signal where the application does not respect it: recorded.
    const other = await createApp('Ignores GPC');
    expect((await send(await visitor(other.publicKey, { privacySignal: true }))).data.stored).toBe(true);
  });

  it("takes the browser's own Sec-GPC / DNT headers as the signal, on the socket and on POST /ingest", async () => {
    const app = await createApp('GPC headers', { respectPrivacySignals: true });
    const socket = io(`${server.url}/visitor`, { auth: { key: app.publicKey }, transports: ['websocket'], extraHeaders: { origin: SHOP, 'sec-gpc': '1' }, reconnection: false, forceNew: true });
    sockets.push(socket);
    expect((await handshake(socket)).ok).toBe(true);
    const started = await command<any>(socket, 'session:start', { url: `${SHOP}/`, viewport: { width: 800, height: 600 } });
    expect((await command<any>(socket, 'recording:batch', { sessionId: started.data.session.id, seq: 1, data: batch() })).error.code).toBe('E_PRIVACY_SIGNAL');

    // A recorder opened without the signal; its pagehide flush arrives from a browser sending DNT.
    const v = await visitor(app.publicKey);
    const { token } = (await command<any>(v.socket, 'recording:start', { sessionId: v.sessionId })).data;
    const flush = (headers: Record<string, string>, seq: number) =>
      fetch(`${server.url}/ingest?${new URLSearchParams({ sessionId: v.sessionId, seq: String(seq), token })}`, {
        method: 'POST',
        headers: { origin: SHOP, 'content-type': 'text/plain', ...headers },
        body: batch(),
      });
    const refused = await flush({ dnt: '1' }, 1);
    expect([refused.status, (await refused.json()).error.code]).toEqual([403, 'E_PRIVACY_SIGNAL']);
    expect(await chunkCount(v.sessionId)).toBe(0);
    expect((await flush({}, 1)).status).toBe(200);
    expect(await chunkCount(v.sessionId)).toBe(1);
  });

  it('erases what was recorded of the visitor when consent is revoked and the owner chose so', async () => {
    const app = await createApp('Erase on revoke', { required: true, eraseOnRevoke: true });
    const v = await visitor(app.publicKey, { consent: true });
    expect((await send(v)).data.stored).toBe(true);
    const ended = new Promise((resolve) => v.socket.once('session:ended', resolve));
    expect((await command<any>(v.socket, 'consent:set', { consent: false })).data).toEqual({ erased: true });
    expect(await ended).toMatchObject({ sessionId: v.sessionId, reason: 'erased' });
    expect(await server.db.repos.sessions.findById(v.sessionId)).toBeNull();
    expect(await chunkCount(v.sessionId)).toBe(0);
    const listed = (await owner.request('GET', `/api/apps/${app.id}/sessions`)).json.data;
    expect(JSON.stringify(listed)).not.toContain(v.sessionId);
  });

  it('refuses a malformed consent declaration and out-of-bounds settings with a code', async () => {
    const app = await createApp('Bad consent');
    const v = await visitor(app.publicKey);
    expect((await command<any>(v.socket, 'consent:set', { consent: 'yes' })).error.code).toBe('E_INVALID_PAYLOAD');
    const tooLong = await owner.request('PATCH', `/api/apps/${app.id}`, { settings: { consent: { noticeText: 'x'.repeat(MAX_CONSENT_NOTICE_CHARS + 1) } } });
    expect(tooLong.json.error.code).toBe('E_INVALID_PAYLOAD');
    const unknown = await owner.request('PATCH', `/api/apps/${app.id}`, { settings: { consent: { alwaysRecord: true } } });
    expect(unknown.json.error.code).toBe('E_INVALID_PAYLOAD');
  });
});
