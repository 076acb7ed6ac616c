import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEEDBACK_COMMANDS_PER_VISITOR_PER_MINUTE, MAX_EMAIL_CHARS, MAX_RATING_COMMENT_CHARS, TYPING_THROTTLE_MS } from '../protocol/limits.js';
import { ack, agentOf, chatVisitor, consoleSocket, createChatApp, recordEvents, waitFor } from '../testing/chat-test-kit.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { command } from '../testing/visitor-client.js';
import type { HttpClient } from '../testing/http-client.js';

let server: TestServer;
let app: { id: string; publicKey: string };
let ownerCookie: string;
let owner: HttpClient;

beforeAll(async () => {
  server = await startTestServer();
  const created = await createChatApp(server, 'Feedback shop');
  app = created.app;
  ownerCookie = created.owner.cookie;
  owner = created.owner;
});
afterAll(() => server?.close());

describe('rating a conversation (issue 18)', () => {
  it('takes one rating of the visitor\'s ended chat, tells the consoles, and refuses a second one', async () => {
    const visitor = await chatVisitor(server, app.publicKey);
    await visitor.send('where is my parcel?');
    const agent = await consoleSocket(server, ownerCookie);
    const announced = recordEvents(agent as never, ['chat:conversation']);
    await command(visitor.socket, 'session:end');
    const rated = await command<any>(visitor.socket, 'chat:rate', { sessionId: visitor.sessionId, score: 4, comment: '  quick answer  ' });
    expect(rated.data.rating).toMatchObject({ score: 4, comment: 'quick answer', at: expect.any(String) });
    await waitFor(() => announced.some((event) => event.payload.conversation.rating?.score === 4), 'the rating announced to the console');
    const again = await command<any>(visitor.socket, 'chat:rate', { sessionId: visitor.sessionId, score: 1 });
    expect(again.error.code).toBe('E_ALREADY_RATED');
    expect((await server.db.repos.conversations.find(visitor.sessionId))?.rating).toMatchObject({ score: 4, comment: 'quick answer' });
    // Shown to owners in Activity: the session row carries it.
    const sessions = await owner.request('GET', `/api/apps/${app.id}/sessions`);
    expect(sessions.json.data.items.find((row: any) => row.id === visitor.sessionId)?.rating).toMatchObject({ score: 4 });
    agent.close();
    visitor.socket.close();
  });

  it('refuses scores out of 1–5, over-long comments, and another visitor\'s conversation', async () => {
    const visitor = await chatVisitor(server, app.publicKey);
    const stranger = await chatVisitor(server, app.publicKey);
    for (const bad of [{ score: 0 }, { score: 6 }, { score: 2.5 }, { score: '5' }, { score: 3, comment: 'x'.repeat(MAX_RATING_COMMENT_CHARS + 1) }]) {
      const refused = await command<any>(visitor.socket, 'chat:rate', { sessionId: visitor.sessionId, ...bad });
      expect(refused.error.code).toBe('E_INVALID_PAYLOAD');
    }
    const foreign = await command<any>(stranger.socket, 'chat:rate', { sessionId: visitor.sessionId, score: 1 });
    expect(foreign.error.code).toBe('E_NOT_FOUND');
    expect((await server.db.repos.feedback.find(visitor.sessionId))?.rating).toBeNull();
    visitor.socket.close();
    stranger.socket.close();
  });
});

describe('an email to reply to when nobody can answer (issue 18)', () => {
  it('says no agent is online until a member opens the console, and stores a valid email shown to agents', async () => {
    const visitor = await chatVisitor(server, app.publicKey);
    const before = await command<any>(visitor.socket, 'chat:availability');
    expect(before.data).toEqual({ agentsOnline: false, contactEmail: null, rating: null });
    for (const email of ['not an email', `${'a'.repeat(MAX_EMAIL_CHARS)}@example.com`, '']) {
      const refused = await command<any>(visitor.socket, 'chat:contact', { sessionId: visitor.sessionId, email });
      expect(refused.error.code).toBe('E_INVALID_PAYLOAD');
    }
    const left = await command<any>(visitor.socket, 'chat:contact', { sessionId: visitor.sessionId, email: ' Ada@Example.com ' });
    expect(left.data).toEqual({ contactEmail: 'ada@example.com' });
    const agent = await consoleSocket(server, ownerCookie);
    const after = await command<any>(visitor.socket, 'chat:availability');
    expect(after.data).toMatchObject({ agentsOnline: true, contactEmail: 'ada@example.com' });
    const opened = await ack<any>(agent, 'chat:open', { sessionId: visitor.sessionId });
    expect(opened.data.conversation.contactEmail).toBe('ada@example.com');
    agent.close();
    visitor.socket.close();
  });

  it('does not count an agent of another application as online', async () => {
    const other = await createChatApp(server, 'Other shop');
    const outsider = await agentOf(server, [other.app.id]);
    const agent = await consoleSocket(server, outsider.cookie);
    const visitor = await chatVisitor(server, app.publicKey);
    expect((await command<any>(visitor.socket, 'chat:availability')).data.agentsOnline).toBe(false);
    agent.close();
    visitor.socket.close();
  });
});

describe('typing indicators (issue 18)', () => {
  it('relays the visitor\'s typing to agents with the conversation open, throttled, and the agent\'s to the visitor', async () => {
    const visitor = await chatVisitor(server, app.publicKey);
    await visitor.send('hello?');
    const agent = await consoleSocket(server, ownerCookie);
    const seenByAgent = recordEvents(agent as never, ['chat:visitor-typing']);
    const seenByVisitor = recordEvents(visitor.socket as never, ['chat:typing']);
    await ack(agent, 'chat:open', { sessionId: visitor.sessionId });

    const started = Date.now();
    for (let i = 0; i < 10; i++) visitor.socket.emit('chat:typing', { typing: true });
    visitor.socket.emit('chat:typing', { typing: false });
    await waitFor(() => seenByAgent.some((event) => event.payload.typing === false), 'the visitor stopped typing');
    const relayed = seenByAgent.filter((event) => event.payload.typing);
    // Ten in a burst: one relayed per throttle interval the burst spanned (one, unless the machine stalled).
    expect(relayed.length).toBeLessThanOrEqual(1 + Math.floor((Date.now() - started) / TYPING_THROTTLE_MS));
    expect(relayed[0].payload).toEqual({ sessionId: visitor.sessionId, typing: true });

    agent.emit('chat:typing', { sessionId: visitor.sessionId, typing: true });
    await waitFor(() => seenByVisitor.some((event) => event.payload.typing), 'the agent typing, at the visitor');
    expect(seenByVisitor[0].payload).toEqual({ sessionId: visitor.sessionId, typing: true });
    agent.close();
    visitor.socket.close();
  });

  it('relays nothing from an agent who did not open the conversation, nor from a member of another application', async () => {
    const visitor = await chatVisitor(server, app.publicKey);
    await visitor.send('anyone?');
    const seenByVisitor = recordEvents(visitor.socket as never, ['chat:typing']);
    const other = await createChatApp(server, 'Third shop');
    const outsider = await consoleSocket(server, (await agentOf(server, [other.app.id])).cookie);
    const refused = await ack<any>(outsider, 'chat:open', { sessionId: visitor.sessionId });
    expect(refused.error.code).toBe('E_NOT_FOUND');
    outsider.emit('chat:typing', { sessionId: visitor.sessionId, typing: true });
    const owner = await consoleSocket(server, ownerCookie);
    owner.emit('chat:typing', { sessionId: visitor.sessionId, typing: true });
    // A probe that is relayed, sent after both: when it arrives, the two before it were not.
    await ack(owner, 'chat:open', { sessionId: visitor.sessionId });
    owner.emit('chat:typing', { sessionId: visitor.sessionId, typing: false });
    await waitFor(() => seenByVisitor.length > 0, 'the probe');
    expect(seenByVisitor.map((event) => event.payload.typing)).toEqual([false]);
    outsider.close();
    owner.close();
    visitor.socket.close();
  });
});

describe('bounds (issue 18)', () => {
  it('refuses a flood of feedback commands from one visitor with E_RATE_LIMITED, touching nobody else', async () => {
    const visitor = await chatVisitor(server, app.publicKey);
    const other = await chatVisitor(server, app.publicKey);
    const answers = await Promise.all(Array.from({ length: FEEDBACK_COMMANDS_PER_VISITOR_PER_MINUTE + 5 }, () => command<any>(visitor.socket, 'chat:availability')));
    expect(answers.filter((answer) => answer.data)).toHaveLength(FEEDBACK_COMMANDS_PER_VISITOR_PER_MINUTE);
    expect(answers.filter((answer) => answer.error?.code === 'E_RATE_LIMITED')).toHaveLength(5);
    expect((await command<any>(other.socket, 'chat:availability')).data).toMatchObject({ agentsOnline: false });
    visitor.socket.close();
    other.socket.close();
  });
});
