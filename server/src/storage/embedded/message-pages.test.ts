import mongoose from 'mongoose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAnthropicDouble, type AnthropicDouble } from '../../testing/anthropic-double.js';
import { chatVisitor, createChatApp, messagesOf, waitFor } from '../../testing/chat-test-kit.js';
import { EMBEDDED, startTestServer, type TestServer } from '../../testing/test-server.js';
import { command } from '../../testing/visitor-client.js';


/**
 * The chat's reads of one session's messages go through message_pages and `_id` reads: on FerretDB
 * 1.x a filter without `_id` on `messages` reads every message stored (seconds at 100k messages).
 */

let server: TestServer;
let double: AnthropicDouble;
let app: { id: string; publicKey: string };
/** Every operation on `messages` whose filter has no `_id` (the embedded FerretDB reads through an index by `_id` only). */
let filtered: Array<{ method: string; filter: unknown }> = [];

beforeAll(async () => {
  double = await startAnthropicDouble();
  server = await startTestServer({ ...EMBEDDED, ANTHROPIC_API_KEY: 'sk-test-double', ANTHROPIC_BASE_URL: double.url, ANTHROPIC_MODEL: 'claude-test-model' });
  app = (await createChatApp(server, 'Paged shop')).app;
  mongoose.set('debug', (collection: string, method: string, filter: unknown) => {
    const keys = filter && typeof filter === 'object' ? Object.keys(filter) : [];
    if (collection === 'messages' && !['insertOne', 'insertMany'].includes(method) && !keys.includes('_id')) filtered.push({ method, filter });
  });
});
afterEach(() => {
  filtered = [];
});
afterAll(async () => {
  mongoose.set('debug', false);
  await server?.close();
  await double?.close();
});

describe('a session\'s messages, by page and `_id`', () => {
  it('answers, dedupes a retried send, resyncs and shows an earlier visit without a filtered query on messages', async () => {
    double.script({ tokens: ['Three ', 'days.'], inputTokens: 10, outputTokens: 2 });
    const first = await chatVisitor(server, app.publicKey);
    await first.send('How long is delivery?', 'c_first-visit-0001');
    await waitFor(() => messagesOf(first.events).find((message) => message.role === 'ai'), 'the AI answer');
    const retried = await first.send('How long is delivery?', 'c_first-visit-0001');
    expect(retried.data).toMatchObject({ duplicate: true, message: { seq: 1 } });
    const synced = await command<any>(first.socket, 'chat:sync', { afterSeq: 0 });
    expect(synced.data.messages.map((m: { seq: number; text: string }) => [m.seq, m.text])).toEqual([[1, 'How long is delivery?'], [2, 'Three days.']]);
    expect((await server.db.repos.messages.listAfter(first.sessionId, 0, 10))[0].answeredBy).toBe('ai');
    first.socket.close();
    await server.app.sessions.end(first.sessionId, 'visitor-ended');

    // The same visitor comes back: the earlier conversation comes from their list of sessions.
    const second = await chatVisitor(server, app.publicKey, { visitorId: first.visitorId, visitorToken: first.visitorToken });
    expect(second.sessionId).not.toBe(first.sessionId);
    const back = await command<any>(second.socket, 'chat:sync', { afterSeq: 0 });
    expect(back.data.earlier.map((m: { text: string }) => m.text)).toEqual(['How long is delivery?', 'Three days.']);
    await second.send('Me again');
    const answer = await waitFor(() => messagesOf(second.events).find((message) => message.role === 'ai'), 'the second answer');
    expect((await server.db.repos.messages.listRecent(second.sessionId, 1)).map((m) => [m.seq, m.text])).toEqual([[2, answer.text]]);
    second.socket.close();

    expect(filtered).toEqual([]);
  });
});
