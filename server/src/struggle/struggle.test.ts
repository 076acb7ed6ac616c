import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_STRUGGLE_LABEL_CHARS, STRUGGLE_REPORTS_PER_SESSION_PER_MINUTE } from '../protocol/limits.js';
import { chatVisitor, consoleSocket, createChatApp, recordEvents, waitFor } from '../testing/chat-test-kit.js';
import type { HttpClient } from '../testing/http-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { command } from '../testing/visitor-client.js';

let server: TestServer;
let app: { id: string; publicKey: string };
let owner: HttpClient;

beforeAll(async () => {
  server = await startTestServer();
  ({ app, owner } = await createChatApp(server));
});
afterAll(() => server?.close());

const rage = { type: 'rage_click', label: '4 rapid clicks on “Apply coupon”', canOfferHelp: true };

async function setHelp(offerOnStruggle: boolean) {
  const patched = await owner.request('PATCH', `/api/apps/${app.id}`, { settings: { help: { offerOnStruggle, promptText: 'Need a hand?' } } });
  expect(patched.status).toBe(200);
}

describe('struggle reported live (issue 21)', () => {
  it('is kept on the session and told to the application’s consoles at once', async () => {
    await setHelp(false);
    const agent = await consoleSocket(server, owner.cookie);
    const heard = recordEvents(agent, ['session:struggle']);
    const visitor = await chatVisitor(server, app.publicKey);
    const answer = await command<any>(visitor.socket, 'struggle:report', rage);
    expect(answer).toEqual({ data: { offerHelp: null } });
    const told = await waitFor(() => heard.find((event) => event.payload.session.id === visitor.sessionId), 'session:struggle');
    expect(told.payload.session).toMatchObject({
      appId: app.id,
      visitorId: visitor.visitorId,
      status: 'active',
      struggle: { type: 'rage_click', label: rage.label, count: 1, helpOffer: null },
    });
    await command(visitor.socket, 'struggle:report', { ...rage, type: 'dead_click', label: 'Click on “Apply coupon” did nothing' });
    const listed = await owner.request('GET', `/api/apps/${app.id}/sessions?status=active`);
    const row = listed.json.data.items.find((item: { id: string }) => item.id === visitor.sessionId);
    expect(row.struggle).toMatchObject({ type: 'dead_click', count: 2 });
    const conversation = await server.db.repos.conversations.find(visitor.sessionId);
    expect(conversation?.struggle?.type).toBe('dead_click');
    visitor.socket.close();
    agent.close();
  });

  it('grants the offer of help once a session, only when the rule is on and the chat is closed, and records the answer once', async () => {
    await setHelp(true);
    const agent = await consoleSocket(server, owner.cookie);
    const heard = recordEvents(agent, ['session:struggle']);
    const visitor = await chatVisitor(server, app.publicKey);
    expect(await command<any>(visitor.socket, 'struggle:report', { ...rage, canOfferHelp: false })).toEqual({ data: { offerHelp: null } });
    expect(await command<any>(visitor.socket, 'struggle:report', rage)).toEqual({ data: { offerHelp: { text: 'Need a hand?' } } });
    expect(await command<any>(visitor.socket, 'struggle:report', rage)).toEqual({ data: { offerHelp: null } });
    // Another page of the same session (a new connection) gets no second offer either.
    const again = await chatVisitor(server, app.publicKey, { visitorId: visitor.visitorId, visitorToken: visitor.visitorToken });
    expect(again.sessionId).toBe(visitor.sessionId);
    expect(await command<any>(again.socket, 'struggle:report', rage)).toEqual({ data: { offerHelp: null } });

    expect(await command<any>(again.socket, 'struggle:help', { outcome: 'accepted' })).toEqual({ data: { ok: true } });
    const second = await command<any>(visitor.socket, 'struggle:help', { outcome: 'dismissed' });
    expect(second.error.code).toBe('E_NOT_FOUND');
    await waitFor(() => heard.some((event) => event.payload.session.struggle.helpOffer?.outcome === 'accepted'), 'the answer told');
    const row = (await owner.request('GET', `/api/apps/${app.id}/sessions?status=active`)).json.data.items.find((item: { id: string }) => item.id === visitor.sessionId);
    expect(row.struggle.helpOffer.outcome).toBe('accepted');
    visitor.socket.close();
    again.socket.close();
    agent.close();
  });

  it('grants one offer when two pages of the session report at the same moment', async () => {
    await setHelp(true);
    const visitor = await chatVisitor(server, app.publicKey);
    const again = await chatVisitor(server, app.publicKey, { visitorId: visitor.visitorId, visitorToken: visitor.visitorToken });
    const answers = await Promise.all([visitor, again, visitor, again].map((page) => command<any>(page.socket, 'struggle:report', rage)));
    expect(answers.filter((answer) => answer.data.offerHelp !== null).length).toBe(1);
    visitor.socket.close();
    again.socket.close();
  });

  it('refuses malformed reports, reports without a session or after it ended, and a flood', async () => {
    const visitor = await chatVisitor(server, app.publicKey);
    const codes = async (payload: unknown) => (await command<any>(visitor.socket, 'struggle:report', payload)).error?.code;
    expect(await codes({ ...rage, type: 'boredom' })).toBe('E_INVALID_PAYLOAD');
    expect(await codes({ ...rage, label: 'x'.repeat(MAX_STRUGGLE_LABEL_CHARS + 1) })).toBe('E_INVALID_PAYLOAD');
    expect(await codes({ ...rage, extra: 1 })).toBe('E_INVALID_PAYLOAD');
    expect(await codes('rage')).toBe('E_INVALID_PAYLOAD');
    expect((await command<any>(visitor.socket, 'struggle:help', { outcome: 'offered' })).error.code).toBe('E_INVALID_PAYLOAD');

    const answers = [];
    for (let i = 0; i < STRUGGLE_REPORTS_PER_SESSION_PER_MINUTE + 1; i++) answers.push(await command<any>(visitor.socket, 'struggle:report', { ...rage, canOfferHelp: false }));
    expect(answers.slice(0, -1).every((answer) => 'data' in answer)).toBe(true);
    expect(answers.at(-1).error).toMatchObject({ code: 'E_RATE_LIMITED', details: { retryAfterMs: expect.any(Number) } });

    await command(visitor.socket, 'session:end');
    const other = await chatVisitor(server, app.publicKey);
    await server.app.sessions.end(other.sessionId, 'visitor-ended');
    expect((await command<any>(other.socket, 'struggle:report', rage)).error.code).toBe('E_SESSION_ENDED');

    const { connectVisitor, handshake } = await import('../testing/visitor-client.js');
    const stranger = connectVisitor(server.url, { key: app.publicKey }, 'https://chat.example');
    await handshake(stranger);
    expect((await command<any>(stranger, 'struggle:report', rage)).error.code).toBe('E_NOT_FOUND');
    for (const socket of [visitor.socket, other.socket, stranger]) socket.close();
  });
});
