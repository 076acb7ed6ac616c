import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationSummary, ConversationView } from '../protocol/chat-events.js';
import { MAX_SAVED_REPLIES } from '../protocol/limits.js';
import { ack, agentOf, chatVisitor, consoleSocket, createChatApp, newClientId, waitFor, type ConsoleTestSocket } from '../testing/chat-test-kit.js';
import type { HttpClient } from '../testing/http-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { command } from '../testing/visitor-client.js';
import { resolveQuietConversations } from './quiet-conversations.js';

/**
 * Issue 18, defect 1, over the real sockets: a conversation lives on its own lifecycle. A visitor who
 * asked for a person and left stays in Waiting after their recording session completed, until an agent
 * answers; it is resolved by the agent or after the owner's quiet period (never while waiting), and
 * the visitor's next message reopens it. The server's clock is injected.
 */
const MINUTE_MS = 60_000;
const clock = { at: Date.parse('2026-11-30T09:00:00Z') };
const now = () => new Date(clock.at);
const advance = (ms: number) => (clock.at += ms);

let server: TestServer;
let app: { id: string; publicKey: string };
let owner: HttpClient;
let agent: ConsoleTestSocket;

beforeAll(async () => {
  // No Anthropic key: every visitor message waits for a person.
  server = await startTestServer({}, { now });
  ({ app, owner } = await createChatApp(server, 'Lifecycle shop'));
  agent = await consoleSocket(server, owner.cookie);
});
afterAll(async () => {
  agent?.close();
  await server?.close();
});

const list = async (view: ConversationView, socket = agent): Promise<ConversationSummary[]> => {
  const answer = await ack(socket, 'chat:list', { appId: app.id, view });
  if (!answer.data) throw new Error(`chat:list refused: ${JSON.stringify(answer)}`);
  return answer.data.conversations;
};
const idsIn = async (view: ConversationView, socket = agent) => (await list(view, socket)).map((conversation) => conversation.sessionId);

describe('conversation lifecycle (issue 18, defect 1)', () => {
  it('keeps a departed visitor waiting, oldest first, until an agent answers; resolved by the agent; a returning visitor goes back to that agent', async () => {
    const first = await chatVisitor(server, app.publicKey);
    await first.send('Can a person call me back about my order?');
    await command(first.socket, 'chat:human');
    // The first waits from now on (the AI is off: the hand-over follows the message by itself).
    await waitFor(async () => (await idsIn('waiting')).includes(first.sessionId), 'the first visitor to wait');
    advance(MINUTE_MS);
    const second = await chatVisitor(server, app.publicKey);
    await second.send('Hello? I need a person too.');

    // Both leave; their recording sessions complete.
    for (const visitor of [first, second]) {
      visitor.socket.close();
      await server.app.sessions.end(visitor.sessionId, 'visitor-gone');
    }
    expect((await server.db.repos.sessions.findById(first.sessionId))?.status).toBe('completed');
    advance(30 * MINUTE_MS);
    expect(await idsIn('waiting')).toEqual([first.sessionId, second.sessionId]);
    expect((await list('waiting'))[0]).toMatchObject({ conversationStatus: 'waiting', waitingSince: new Date(clock.at - 31 * MINUTE_MS).toISOString() });

    // Assigned while waiting, it is theirs and still waits (oldest first) until answered.
    const assigned = await ack(agent, 'chat:assign', { sessionId: second.sessionId });
    expect(assigned.data.conversation).toMatchObject({ conversationStatus: 'waiting', assigneeId: expect.any(String) });
    expect(await idsIn('waiting')).toEqual([first.sessionId, second.sessionId]);
    expect(await idsIn('mine')).toEqual([second.sessionId]);

    // The quiet period never resolves a waiting conversation.
    expect((await owner.request('PATCH', `/api/apps/${app.id}`, { settings: { conversations: { autoResolveMinutes: 5 } } })).status).toBe(200);
    expect(await resolveQuietConversations({ apps: server.db.repos.apps, chat: server.app.chat, now })).toBe(0);

    // An agent answers the oldest: it leaves Waiting and is theirs.
    const announced: ConversationSummary[] = [];
    agent.on('chat:conversation', ({ conversation }: { conversation: ConversationSummary }) => announced.push(conversation));
    const reply = await ack(agent, 'chat:reply', { sessionId: first.sessionId, text: 'Sorry for the wait, I can help.', clientId: newClientId() });
    expect(reply.data?.message.role).toBe('agent');
    expect(await idsIn('waiting')).toEqual([second.sessionId]);
    expect(new Set(await idsIn('mine'))).toEqual(new Set([first.sessionId, second.sessionId]));
    await waitFor(() => announced.some((c) => c.sessionId === first.sessionId && c.conversationStatus === 'assigned'), 'the assignment to be announced');

    // Resolved by the agent.
    const resolved = await ack(agent, 'chat:resolve', { sessionId: first.sessionId });
    expect(resolved.data?.conversation).toMatchObject({ conversationStatus: 'resolved', resolvedAt: now().toISOString() });
    expect(await idsIn('resolved')).toEqual([first.sessionId]);
    expect(await idsIn('open')).toEqual([second.sessionId]);

    // The visitor comes back (a new visit, so a new session) and writes: the conversation goes back to the agent.
    const back = await chatVisitor(server, app.publicKey, { visitorId: first.visitorId, visitorToken: first.visitorToken });
    expect(back.sessionId).not.toBe(first.sessionId);
    await back.send('Thanks, one more question.');
    const mine = await list('mine');
    expect(mine.map((c) => c.sessionId)).toEqual([back.sessionId, second.sessionId]);
    expect(mine[0].assigneeId).toBe(resolved.data.conversation.assigneeId);
    back.socket.close();
  });

  it('reopens a resolved conversation when the visitor writes again, resolves quiet ones after the owner’s period, and assigns to teammates only', async () => {
    const visitor = await chatVisitor(server, app.publicKey);
    await visitor.send('Where is my parcel?');
    await ack(agent, 'chat:reply', { sessionId: visitor.sessionId, text: 'On its way!', clientId: newClientId() });
    expect((await ack(agent, 'chat:resolve', { sessionId: visitor.sessionId })).data.conversation.conversationStatus).toBe('resolved');

    await visitor.send('It did not arrive.');
    expect((await list('open')).find((c) => c.sessionId === visitor.sessionId)).toMatchObject({ conversationStatus: 'assigned' });
    expect(await idsIn('resolved')).not.toContain(visitor.sessionId);

    // Assignment: to a teammate of the application, never to someone who is not one.
    const teammate = await agentOf(server, [app.id]);
    const teammateId = (await teammate.request('GET', '/api/auth/me')).json.data.user.id as string;
    const outsider = await agentOf(server, []);
    const outsiderId = (await outsider.request('GET', '/api/auth/me')).json.data.user.id as string;
    expect((await ack(agent, 'chat:assign', { sessionId: visitor.sessionId, userId: outsiderId })).error?.code).toBe('E_NOT_FOUND');
    expect((await ack(agent, 'chat:assign', { sessionId: visitor.sessionId, userId: teammateId })).data.conversation).toMatchObject({ assigneeId: teammateId });
    const teammateSocket = await consoleSocket(server, teammate.cookie);
    expect(await idsIn('mine', teammateSocket)).toEqual([visitor.sessionId]);
    teammateSocket.close();

    // Saved replies are bounded per application (MAX_SAVED_REPLIES, each a chat message long at most).
    const tooMany = await owner.request('PATCH', `/api/apps/${app.id}`, { settings: { conversations: { savedReplies: Array.from({ length: MAX_SAVED_REPLIES + 1 }, (_, i) => `reply ${i}`) } } });
    expect([tooMany.status, tooMany.json.error.code]).toEqual([400, 'E_INVALID_PAYLOAD']);
    const kept = await owner.request('PATCH', `/api/apps/${app.id}`, { settings: { conversations: { savedReplies: ['Thanks for waiting!'] } } });
    expect(kept.json.data.app.settings.conversations).toEqual({ autoResolveMinutes: 5, savedReplies: ['Thanks for waiting!'] });

    // Quiet for longer than the owner's 5 minutes: resolved by the sweep (the waiting one from before stays).
    expect((await owner.request('PATCH', `/api/apps/${app.id}`, { settings: { conversations: { autoResolveMinutes: 5 } } })).status).toBe(200);
    advance(6 * MINUTE_MS);
    expect(await resolveQuietConversations({ apps: server.db.repos.apps, chat: server.app.chat, now })).toBeGreaterThanOrEqual(1);
    expect(await idsIn('resolved')).toContain(visitor.sessionId);
    expect((await list('waiting')).length).toBe(1);
    visitor.socket.close();
  });
});
