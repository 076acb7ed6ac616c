import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAT_MESSAGES_PER_WINDOW, MAX_CHAT_MESSAGE_CHARS } from '../protocol/limits.js';
import { ack, agentOf, chatVisitor, consoleSocket, createChatApp, messagesOf, newClientId, waitFor } from '../testing/chat-test-kit.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { command } from '../testing/visitor-client.js';
import { nextState } from './handoff.js';

let server: TestServer;
let app: { id: string; publicKey: string };
let ownerCookie: string;

beforeAll(async () => {
  // No ANTHROPIC_API_KEY: the AI is off and everything else works.
  server = await startTestServer();
  const created = await createChatApp(server);
  app = created.app;
  ownerCookie = created.owner.cookie;
});
afterAll(() => server?.close());

describe('handoff state machine', () => {
  it('allows exactly these transitions, and human is final', () => {
    expect(nextState('ai', 'visitor-asked-for-human')).toBe('waiting');
    expect(nextState('ai', 'ai-unavailable')).toBe('waiting');
    expect(nextState('ai', 'agent-took-over')).toBe('human');
    expect(nextState('waiting', 'agent-took-over')).toBe('human');
    expect(nextState('waiting', 'visitor-asked-for-human')).toBeNull();
    expect(nextState('waiting', 'ai-unavailable')).toBeNull();
    for (const event of ['visitor-asked-for-human', 'ai-unavailable', 'agent-took-over'] as const) expect(nextState('human', event)).toBeNull();
  });
});

describe('chat without an Anthropic key', () => {
  it('stores the message, says a person will reply, and waits for one', async () => {
    const visitor = await chatVisitor(server, app.publicKey);
    const before = await command<any>(visitor.socket, 'chat:sync', { afterSeq: 0 });
    expect(before.data).toMatchObject({ state: 'ai', aiAvailable: false, messages: [] });
    const sent = await visitor.send('<img src=x onerror=alert(1)> hello');
    expect(sent.data.message).toMatchObject({ role: 'visitor', seq: 1, text: '<img src=x onerror=alert(1)> hello' });
    await waitFor(() => visitor.events.some((event) => event.name === 'chat:state' && event.payload.state === 'waiting'), 'waiting');
    const note = messagesOf(visitor.events).find((message) => message.role === 'system');
    expect(note?.text).toMatch(/team will reply/);
    const stored = await server.db.repos.messages.listAfter(visitor.sessionId, 0, 10);
    expect(stored.map((message) => [message.role, message.answeredBy])).toEqual([['visitor', null], ['system', null]]);
    expect(stored[0]).toMatchObject({ appId: app.id, visitorId: visitor.visitorId, clientId: expect.any(String) });
    visitor.socket.close();
  });
});

describe('handoff to a person', () => {
  it('visitor asks for a person (ai → waiting), agent takes over (waiting → human) and replies live', async () => {
    const visitor = await chatVisitor(server, app.publicKey);
    const agent = await consoleSocket(server, ownerCookie);
    const announced: any[] = [];
    agent.on('chat:conversation', (payload) => announced.push(payload.conversation));

    const asked = await command<any>(visitor.socket, 'chat:human');
    expect(asked.data).toMatchObject({ state: 'waiting', sessionId: visitor.sessionId });
    const again = await command<any>(visitor.socket, 'chat:human');
    expect(again.data.state).toBe('waiting');
    await waitFor(() => announced.some((c) => c.sessionId === visitor.sessionId && c.state === 'waiting'), 'console hears waiting');

    const list = await ack(agent, 'chat:list', { appId: app.id });
    expect(list.data.conversations.find((c: any) => c.sessionId === visitor.sessionId)).toMatchObject({ state: 'waiting' });

    await visitor.send('Hello, anyone?');
    const opened = await ack(agent, 'chat:open', { sessionId: visitor.sessionId });
    expect(opened.data.messages.map((m: any) => m.role)).toEqual(['system', 'visitor']);
    const live: any[] = [];
    agent.on('chat:message', (payload) => live.push(payload.message));

    const taken = await ack(agent, 'chat:takeover', { sessionId: visitor.sessionId });
    expect(taken.data.conversation.state).toBe('human');
    await waitFor(() => visitor.events.some((event) => event.name === 'chat:state' && event.payload.state === 'human'), 'visitor hears human');
    const stillHuman = await command<any>(visitor.socket, 'chat:human');
    expect(stillHuman.data.state).toBe('human');

    const reply = await ack(agent, 'chat:reply', { sessionId: visitor.sessionId, text: 'Hi, Ana here.', clientId: newClientId() });
    expect(reply.data.message.role).toBe('agent');
    await waitFor(() => messagesOf(visitor.events).some((m) => m.role === 'agent' && m.text === 'Hi, Ana here.'), 'visitor sees reply');
    await waitFor(() => live.some((m) => m.text === 'Hi, Ana here.'), 'console transcript is live');
    const stored = await server.db.repos.messages.listAfter(visitor.sessionId, 0, 20);
    expect(stored.find((m) => m.role === 'agent')).toMatchObject({ agentId: expect.any(String) });
    expect(stored.find((m) => m.role === 'visitor')!.answeredBy).toBe('agent');
    agent.close();
    visitor.socket.close();
  });

  it('answers E_NOT_FOUND to an agent of another application, and changes nothing', async () => {
    const visitor = await chatVisitor(server, app.publicKey);
    await visitor.send('private question');
    const other = await createChatApp(server, 'Other shop');
    const outsider = await agentOf(server, [other.app.id]);
    const socket = await consoleSocket(server, outsider.cookie);
    for (const [event, payload] of [
      ['chat:list', { appId: app.id }],
      ['chat:open', { sessionId: visitor.sessionId }],
      ['chat:takeover', { sessionId: visitor.sessionId }],
      ['chat:reply', { sessionId: visitor.sessionId, text: 'hi', clientId: newClientId() }],
    ] as const) {
      const answer = await ack(socket, event, payload);
      expect(answer.error?.code, event).toBe('E_NOT_FOUND');
    }
    const bad = await ack(socket, 'chat:open', { sessionId: { $gt: '' } });
    expect(bad.error.code).toBe('E_INVALID_PAYLOAD');
    const stored = await server.db.repos.messages.listAfter(visitor.sessionId, 0, 20);
    expect(stored.map((m) => m.role)).toEqual(['visitor', 'system']);
    expect((await server.db.repos.conversations.find(visitor.sessionId))!.chatState).toBe('waiting');
    socket.close();
    visitor.socket.close();
  });
});

describe('guardrails', () => {
  it('limits how fast one visitor may send', async () => {
    const visitor = await chatVisitor(server, app.publicKey);
    for (let i = 0; i < CHAT_MESSAGES_PER_WINDOW; i++) expect((await visitor.send(`message ${i}`)).error, `message ${i}`).toBeUndefined();
    const limited = await visitor.send('one too many');
    expect(limited.error).toMatchObject({ code: 'E_RATE_LIMITED', message: expect.stringMatching(/sending messages quickly\. Try again in \d+ s/) });
    // Another visitor is not affected.
    const other = await chatVisitor(server, app.publicKey);
    expect((await other.send('hello')).data.message.seq).toBe(1);
    visitor.socket.close();
    other.socket.close();
  });

  it('refuses a message over the maximum length with a clear error, and bad payloads with E_INVALID_PAYLOAD', async () => {
    const visitor = await chatVisitor(server, app.publicKey);
    const long = await visitor.send('x'.repeat(MAX_CHAT_MESSAGE_CHARS + 1));
    expect(long.error).toMatchObject({ code: 'E_MESSAGE_TOO_LONG', message: `Messages can be at most ${MAX_CHAT_MESSAGE_CHARS} characters (this one has ${MAX_CHAT_MESSAGE_CHARS + 1}).` });
    for (const payload of [{ text: '', clientId: newClientId() }, { text: 'hi' }, { text: 42, clientId: newClientId() }, null, 'text']) {
      const answer = await command<any>(visitor.socket, 'chat:send', payload);
      expect(answer.error?.code, JSON.stringify(payload)).toBe('E_INVALID_PAYLOAD');
    }
    const sync = await command<any>(visitor.socket, 'chat:sync', { afterSeq: -1 });
    expect(sync.error.code).toBe('E_INVALID_PAYLOAD');
    expect((await server.db.repos.messages.listAfter(visitor.sessionId, 0, 10)).length).toBe(0);
    expect((await visitor.send('still works')).data.message.seq).toBe(1);
    visitor.socket.close();
  });

  it('needs a session before a message', async () => {
    const { connectVisitor, handshake } = await import('../testing/visitor-client.js');
    const socket = connectVisitor(server.url, { key: app.publicKey }, 'https://chat.example');
    await handshake(socket);
    const answer = await command<any>(socket, 'chat:send', { text: 'hi', clientId: newClientId() });
    expect(answer.error.code).toBe('E_NOT_FOUND');
    socket.close();
  });
});
