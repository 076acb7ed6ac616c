import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnthropicDouble, type AnthropicDouble } from '../testing/anthropic-double.js';
import { ack, chatVisitor, consoleSocket, createChatApp, messagesOf, waitFor, type ChatVisitor } from '../testing/chat-test-kit.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { command } from '../testing/visitor-client.js';

let server: TestServer;
let double: AnthropicDouble;
let app: { id: string; publicKey: string };
let ownerCookie: string;

beforeAll(async () => {
  double = await startAnthropicDouble();
  server = await startTestServer({ ANTHROPIC_API_KEY: 'sk-test-double', ANTHROPIC_BASE_URL: double.url, ANTHROPIC_MODEL: 'claude-test-model' });
  const created = await createChatApp(server, 'Busy shop');
  app = created.app;
  ownerCookie = created.owner.cookie;
});
afterAll(async () => {
  await server?.close();
  await double?.close();
});

async function answeredByAi(text: string): Promise<ChatVisitor> {
  double.script({ tokens: ['Sure.'], inputTokens: 5, outputTokens: 1 });
  const visitor = await chatVisitor(server, app.publicKey);
  await visitor.send(text);
  await waitFor(() => messagesOf(visitor.events).find((message) => message.role === 'ai'), `the AI answer to ${text}`);
  return visitor;
}

const listed = async (limit: number) => (await server.db.repos.conversations.listActive(app.id, limit)).map((c) => c.sessionId);

describe("the agents' Conversations list", () => {
  it('lists chats waiting for a person, or with one, before more recent chats the AI answers, past the limit', async () => {
    const waiting = await chatVisitor(server, app.publicKey);
    await command(waiting.socket, 'chat:human');
    await waiting.send('I need a person, please.');
    const older = await answeredByAi('Do you ship abroad?');
    const newer = await answeredByAi('What sizes are there?');

    // Two places: the visitor waiting for a person first, though two chats spoke after them.
    expect(await listed(2)).toEqual([newer.sessionId, waiting.sessionId]);
    expect((await listed(10)).slice(0, 3)).toEqual([newer.sessionId, older.sessionId, waiting.sessionId]);

    // An agent takes over the older AI chat (the handoff's note names the new state): it now has a person.
    const agent = await consoleSocket(server, ownerCookie);
    const taken = await ack(agent, 'chat:takeover', { sessionId: older.sessionId });
    expect(taken.data.conversation.state).toBe('human');
    const two = await listed(2);
    expect(two.sort()).toEqual([older.sessionId, waiting.sessionId].sort());
    for (const socket of [waiting.socket, older.socket, newer.socket, agent]) socket.close();
  });
});
