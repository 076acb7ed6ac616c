import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BATCH_BYTES_PER_SESSION, MAX_STORED_PAGES, SESSION_STARTS_PER_CONNECTION, SESSION_STARTS_PER_VISITOR, VISITOR_CONNECTIONS_PER_ADDRESS } from '../protocol/limits.js';
import { createSiteApp } from '../testing/site-app.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { command, handshake, startVisitorSession, type VisitorTestSocket } from '../testing/visitor-client.js';
import { io } from 'socket.io-client';

let server: TestServer;
let key: string;
const SHOP = 'https://shop.example';

beforeAll(async () => {
  server = await startTestServer();
  ({ key } = await createSiteApp(server, [SHOP]));
});
afterAll(() => server?.close());

/** A visitor behind the (loopback) proxy at `address`: the server counts that address, as in production. */
function connectFrom(address: string, auth: Record<string, unknown> = { key }): VisitorTestSocket {
  return io(`${server.url}/visitor`, {
    auth,
    transports: ['websocket'],
    extraHeaders: { origin: SHOP, 'x-forwarded-for': address },
    reconnection: false,
    forceNew: true,
  });
}

describe('visitor admission limits', () => {
  it('refuses handshakes past the per-address limit with E_RATE_LIMITED and a retry hint; other addresses go on', async () => {
    const outcomes = [];
    for (let i = 0; i < VISITOR_CONNECTIONS_PER_ADDRESS + 1; i += 1) {
      const socket = connectFrom('203.0.113.7');
      outcomes.push(await handshake(socket));
      socket.close();
    }
    expect(outcomes.slice(0, -1).every((outcome) => outcome.ok)).toBe(true);
    const refused = outcomes.at(-1)!;
    expect(refused.ok).toBe(false);
    const error = (refused as { error: { code: string; details?: { retryAfterMs: number } } }).error;
    expect(error.code).toBe('E_RATE_LIMITED');
    expect(error.details!.retryAfterMs).toBeGreaterThan(0);
    const elsewhere = connectFrom('203.0.113.8');
    expect((await handshake(elsewhere)).ok).toBe(true);
    elsewhere.close();
  }, 60_000);

  it('refuses session:start past the per-visitor limit (page views on new connections), while another visitor from the same address starts', async () => {
    const first = connectFrom('198.51.100.20');
    const ready = await handshake(first);
    if (!ready.ok) throw new Error(ready.error.code);
    first.close();
    const { visitorId, visitorToken } = ready.ready;
    // Each page view is a new connection of the same visitor.
    const pageView = async () => {
      const socket = connectFrom('198.51.100.20', { key, visitorId, visitorToken });
      await handshake(socket);
      const answer = await command<any>(socket, 'session:start', { url: `${SHOP}/p`, viewport: { width: 1, height: 1 } });
      socket.close();
      return answer;
    };
    for (let i = 0; i < SESSION_STARTS_PER_VISITOR; i += 1) expect((await pageView()).data.session.id).toBeTruthy();
    const refused = await pageView();
    expect(refused.error.code).toBe('E_RATE_LIMITED');
    expect(refused.error.details.retryAfterMs).toBeGreaterThan(0);
    const other = connectFrom('198.51.100.20');
    await handshake(other);
    expect((await command<any>(other, 'session:start', { url: `${SHOP}/`, viewport: { width: 1, height: 1 } })).data.session.id).toBeTruthy();
    other.close();
  }, 60_000);

  it(`refuses more than ${SESSION_STARTS_PER_CONNECTION} session:start on one connection a minute, before reading anything`, async () => {
    const socket = connectFrom('198.51.100.21');
    await handshake(socket);
    const start = () => command<any>(socket, 'session:start', { url: `${SHOP}/p`, viewport: { width: 1, height: 1 } });
    for (let i = 0; i < SESSION_STARTS_PER_CONNECTION; i += 1) expect((await start()).data.session.id).toBeTruthy();
    const refused = await start();
    expect(refused.error.code).toBe('E_RATE_LIMITED');
    socket.close();
  });

  it('refuses recording bytes of one session past the per-minute limit, and stores nothing of the refused batch', async () => {
    const { socket, sessionId } = await startVisitorSession(server.url, { key }, SHOP);
    // Incompressible events, so each batch is close to the largest a widget sends.
    const heavy = () => gzipSync(JSON.stringify([{ type: 3, timestamp: 1, data: { source: 1, noise: randomBytes(600_000).toString('base64') } }]));
    let sent = 0;
    let answer: any;
    for (let seq = 1; seq < 100; seq += 1) {
      const data = heavy();
      answer = await command<any>(socket, 'recording:batch', { sessionId, seq, data });
      if (answer.error) break;
      sent += data.length;
    }
    expect(answer.error.code).toBe('E_RATE_LIMITED');
    expect(sent).toBeLessThanOrEqual(BATCH_BYTES_PER_SESSION);
    expect(sent).toBeGreaterThan(BATCH_BYTES_PER_SESSION - 1_000_000);
    const stored = await server.db.repos.sessions.findById(sessionId);
    expect(stored!.bytes).toBe(sent);
    socket.close();
  }, 120_000);

  it('answers a second session:start on one connection from the session under way, adding no page', async () => {
    const { socket, sessionId } = await startVisitorSession(server.url, { key }, SHOP, `${SHOP}/landing`);
    for (let i = 0; i < SESSION_STARTS_PER_CONNECTION - 2; i += 1) {
      const again = await command<any>(socket, 'session:start', { url: `${SHOP}/flood-${i}`, viewport: { width: 1, height: 1 } });
      expect(again.data).toMatchObject({ session: { id: sessionId }, resumed: true });
    }
    const session = (await server.db.repos.sessions.findById(sessionId))!;
    expect(session.pageCount).toBe(1);
    expect(session.pages.map((page) => page.url)).toEqual([`${SHOP}/landing`]);
    // Once it has ended, the same connection starts a new one.
    await command(socket, 'session:end');
    const next = await command<any>(socket, 'session:start', { url: `${SHOP}/again`, viewport: { width: 1, height: 1 } });
    expect(next.data.session.id).not.toBe(sessionId);
    socket.close();
  });

  it('keeps the first MAX_STORED_PAGES pages of a session and goes on counting them', async () => {
    const { socket, sessionId } = await startVisitorSession(server.url, { key }, SHOP, `${SHOP}/landing`);
    for (let i = 1; i <= MAX_STORED_PAGES + 10; i += 1) await server.db.repos.sessions.addPage(sessionId, `${SHOP}/page-${i}`, new Date());
    const session = (await server.db.repos.sessions.findById(sessionId))!;
    expect(session.pageCount).toBe(MAX_STORED_PAGES + 11);
    expect(session.pages).toHaveLength(MAX_STORED_PAGES);
    expect(session.pages[0].url).toBe(`${SHOP}/landing`);
    expect(session.pages.at(-1)!.url).toBe(`${SHOP}/page-${MAX_STORED_PAGES - 1}`);
    socket.close();
  });
});
