import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatVisitor, createChatApp } from '../testing/chat-test-kit.js';
import { returningVisitorAuth } from '../testing/returning-visitor.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { command, connectVisitor, handshake } from '../testing/visitor-client.js';
import { identityHash } from './identity.js';

const SECRET = 'identity-secret-for-tests-0123456789';
let server: TestServer;
let app: { id: string; publicKey: string };

beforeAll(async () => {
  server = await startTestServer();
  app = (await createChatApp(server, 'Identity shop')).app;
  await server.db.repos.apps.update(app.id, { settings: { 'settings.identity.secret': SECRET } });
});
afterAll(() => server?.close());

const connectAs = (identity: Record<string, string>, visitorId?: string) =>
  connectVisitor(server.url, { key: app.publicKey, visitorId, identity } as never, 'https://chat.example');

describe('identity verification (HMAC-SHA256 of the user id)', () => {
  it('accepts a correct hash: the user gets their own history in any browser', async () => {
    const alice = { userId: 'alice-42', name: 'Alice', email: 'alice@example.com', userHash: identityHash(SECRET, 'alice-42') };
    const first = await chatVisitor(server, app.publicKey, { visitorId: 'anon-browser-one', identity: alice });
    expect(first.visitorId).toMatch(/^user\./);
    await first.send('My order is late');
    first.socket.close();
    // The session is over; the user comes back later on another device.
    await server.app.sessions.end(first.sessionId, 'visitor-ended');

    // Another browser (another anonymous id), same verified user: the earlier conversation is there.
    const second = await chatVisitor(server, app.publicKey, { visitorId: 'anon-browser-two', identity: alice });
    expect(second.visitorId).toBe(first.visitorId);
    const sync = await command<any>(second.socket, 'chat:sync', { afterSeq: 0 });
    expect(second.sessionId).not.toBe(first.sessionId);
    expect(sync.data.messages).toEqual([]);
    expect(sync.data.earlier.map((m: { text: string }) => m.text)).toContain('My order is late');
    await second.send('again');
    const conversation = await server.db.repos.conversations.find(second.sessionId);
    expect(conversation).toMatchObject({ visitorName: 'Alice', visitorEmail: 'alice@example.com', identityVerified: true });
    second.socket.close();
  });

  it('a hash for user A never opens user B’s history', async () => {
    const bob = { userId: 'bob-7', userHash: identityHash(SECRET, 'bob-7') };
    const bobVisitor = await chatVisitor(server, app.publicKey, { identity: bob });
    await bobVisitor.send('Bob secret question');
    bobVisitor.socket.close();

    // Mallory holds a valid hash for herself and claims to be Bob with it.
    const claim = { userId: 'bob-7', userHash: identityHash(SECRET, 'mallory-1') };
    const mallory = await chatVisitor(server, app.publicKey, { identity: claim });
    expect(mallory.visitorId).not.toBe(bobVisitor.visitorId);
    expect(mallory.sessionId).not.toBe(bobVisitor.sessionId);
    const sync = await command<any>(mallory.socket, 'chat:sync', { afterSeq: 0 });
    expect([...sync.data.earlier, ...sync.data.messages].map((m: { text: string }) => m.text)).not.toContain('Bob secret question');
    mallory.socket.close();

    // Nor can a browser claim Bob's derived visitor id directly.
    const forged = connectVisitor(server.url, { key: app.publicKey, visitorId: bobVisitor.visitorId }, 'https://chat.example');
    const outcome = await handshake(forged);
    expect(outcome.ok ? outcome.ready.visitorId : outcome.error.code).not.toBe(bobVisitor.visitorId);
    forged.close();
  });

  it('in enforce mode refuses an unverified identify, and accepts a verified one', async () => {
    const strict = (await createChatApp(server, 'Strict shop')).app;
    await server.db.repos.apps.update(strict.id, { settings: { 'settings.identity.secret': SECRET, 'settings.identity.enforce': true } });
    const connect = (identity: { userId: string; userHash?: string }) =>
      connectVisitor(server.url, { key: strict.publicKey, identity } as never, 'https://chat.example');
    for (const identity of [{ userId: 'carol' }, { userId: 'carol', userHash: 'f'.repeat(64) }, { userId: 'carol', userHash: identityHash('wrong-secret', 'carol') }]) {
      const socket = connect(identity);
      expect(await handshake(socket)).toMatchObject({ ok: false, error: { code: 'E_IDENTITY_REJECTED' } });
      socket.close();
    }
    const good = connect({ userId: 'carol', userHash: identityHash(SECRET, 'carol').toUpperCase() });
    expect((await handshake(good)).ok).toBe(true);
    good.close();
  });

  it('without enforce, an unverified identify stays an anonymous visitor', async () => {
    const returning = await returningVisitorAuth(server, app.publicKey, 'anon-browser-three');
    const identity = { userId: 'alice-42', userHash: 'not-a-valid-hash' };
    const socket = connectVisitor(server.url, { ...returning, identity } as never, 'https://chat.example');
    const outcome = await handshake(socket);
    expect(outcome.ok && outcome.ready.visitorId).toBe('anon-browser-three');
    socket.close();
  });
});
