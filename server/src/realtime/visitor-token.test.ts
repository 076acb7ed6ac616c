import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newClientId } from '../testing/chat-test-kit.js';
import { createSiteApp } from '../testing/site-app.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { command, connectVisitor, handshake, startVisitorSession, type VisitorTestSocket } from '../testing/visitor-client.js';

let server: TestServer;
let key: string;
let otherKey: string;
const SHOP = 'https://shop.example';

beforeAll(async () => {
  server = await startTestServer();
  ({ key } = await createSiteApp(server, [SHOP]));
  ({ key: otherKey } = await createSiteApp(server, [SHOP], 'Other shop'));
});
afterAll(() => server?.close());

async function ready(socket: VisitorTestSocket) {
  const outcome = await handshake(socket);
  if (!outcome.ok) throw new Error(outcome.error.code);
  return outcome.ready;
}

describe('the secret visitor token', () => {
  it("lets no one resume a visitor's session or read their chat with the visitor id alone", async () => {
    const victim = await startVisitorSession(server.url, { key }, SHOP);
    const said = await command<any>(victim.socket, 'chat:send', { text: 'My address is 12 Elm Street', clientId: newClientId() });
    expect(said.data.message.text).toBe('My address is 12 Elm Street');
    const { visitorId, visitorToken } = victim.ready;
    // The id alone (seen in the console, a log, a shared link) is someone new.
    const idOnly = await ready(connectVisitor(server.url, { key, visitorId }, SHOP));
    expect(idOnly.visitorId).not.toBe(visitorId);
    expect(idOnly.session).toBeNull();
    expect(visitorToken).toMatch(/^[\w-]{40,}$/);
    // Tokens of another visitor, of the same visitor in another application, garbage: all the same as none.
    const elsewhere = await ready(connectVisitor(server.url, { key: otherKey, visitorId }, SHOP));
    const forgedTokens = [undefined, '', 'x'.repeat(43), visitorToken.slice(0, -1) + (visitorToken.endsWith('A') ? 'B' : 'A'), elsewhere.visitorToken];

    for (const forged of forgedTokens) {
      const attacker = connectVisitor(server.url, { key, visitorId, ...(forged === undefined ? {} : { visitorToken: forged }) }, SHOP);
      const welcome = await ready(attacker);
      expect(welcome.visitorId).not.toBe(visitorId);
      expect(welcome.session).toBeNull();
      const started = await command<any>(attacker, 'session:start', { url: `${SHOP}/`, viewport: { width: 1, height: 1 } });
      expect(started.data).toMatchObject({ resumed: false });
      expect(started.data.session.id).not.toBe(victim.sessionId);
      const synced = await command<any>(attacker, 'chat:sync', { afterSeq: 0 });
      expect(JSON.stringify(synced)).not.toContain('12 Elm Street');
      attacker.close();
    }

    // The visitor with their token is themselves again.
    const again = connectVisitor(server.url, { key, visitorId, visitorToken }, SHOP);
    const back = await ready(again);
    expect(back).toMatchObject({ visitorId, visitorToken, session: { id: victim.sessionId } });
    const resumed = await command<any>(again, 'session:start', { url: `${SHOP}/next`, viewport: { width: 1, height: 1 } });
    expect(resumed.data).toMatchObject({ resumed: true, session: { id: victim.sessionId } });
    expect(JSON.stringify(await command<any>(again, 'chat:sync', { afterSeq: 0 }))).toContain('12 Elm Street');
    for (const socket of [victim.socket, again]) socket.close();
  });
});
