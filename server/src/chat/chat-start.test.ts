import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ack, agentOf, chatVisitor, consoleSocket, createChatApp, newClientId, recordEvents, waitFor } from '../testing/chat-test-kit.js';
import type { HttpClient } from '../testing/http-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

let server: TestServer;
let app: { id: string; publicKey: string };
let owner: HttpClient;

beforeAll(async () => {
  server = await startTestServer();
  ({ app, owner } = await createChatApp(server));
});
afterAll(() => server?.close());

describe('an agent starts the conversation (chat:start, issue 21)', () => {
  it('sends the message as the agent and tells the visitor’s widget to open its chat', async () => {
    const visitor = await chatVisitor(server, app.publicKey);
    const invited = recordEvents(visitor.socket as never, ['chat:invite']);
    const agent = await consoleSocket(server, owner.cookie);
    const answer = await ack(agent, 'chat:start', { sessionId: visitor.sessionId, text: 'Hi! Can I help with the coupon?', clientId: newClientId() });
    expect(answer.data.message).toMatchObject({ role: 'agent', text: 'Hi! Can I help with the coupon?', sessionId: visitor.sessionId });
    await waitFor(() => invited.length > 0, 'chat:invite');
    expect(invited).toEqual([{ name: 'chat:invite', payload: { sessionId: visitor.sessionId } }]);
    await waitFor(() => visitor.events.some((event) => event.name === 'chat:message' && event.payload.message.role === 'agent'), 'the message');
    // Starting is joining: the chat is the agent's from here.
    expect((await server.db.repos.conversations.find(visitor.sessionId))?.chatState).toBe('human');
    visitor.socket.close();
    agent.close();
  });

  it('is refused for a session that ended, and for anyone not (or no longer) a member of the application', async () => {
    const visitor = await chatVisitor(server, app.publicKey);
    const invited = recordEvents(visitor.socket as never, ['chat:invite']);
    const start = (socket: Parameters<typeof ack>[0]) => ack(socket, 'chat:start', { sessionId: visitor.sessionId, text: 'Hello', clientId: newClientId() });

    const other = await createChatApp(server, 'Other shop');
    const outsider = await consoleSocket(server, (await agentOf(server, [other.app.id])).cookie);
    expect((await start(outsider)).error.code).toBe('E_NOT_FOUND');

    // A member whose membership is taken away while the console stays open: checked at the command.
    const member = await agentOf(server, [app.id]);
    const memberSocket = await consoleSocket(server, member.cookie);
    const me = (await member.request('GET', '/api/auth/me')).json.data.user;
    expect((await owner.request('DELETE', `/api/team/${me.id}/apps/${app.id}`)).status).toBe(200);
    expect((await start(memberSocket)).error.code).toBe('E_NOT_FOUND');

    await server.app.sessions.end(visitor.sessionId, 'visitor-ended');
    const ownerSocket = await consoleSocket(server, owner.cookie);
    expect((await start(ownerSocket)).error.code).toBe('E_SESSION_ENDED');
    expect(await ack(ownerSocket, 'chat:start', { sessionId: visitor.sessionId, text: '', clientId: newClientId() })).toMatchObject({ error: { code: 'E_INVALID_PAYLOAD' } });
    expect(invited).toEqual([]);
    for (const socket of [outsider, memberSocket, ownerSocket]) socket.close();
    visitor.socket.close();
  });
});
