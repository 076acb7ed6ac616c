import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHistory } from '../ai/prompt.js';
import { ack, chatVisitor, consoleSocket, createChatApp, newClientId, waitFor } from '../testing/chat-test-kit.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { command } from '../testing/visitor-client.js';

/**
 * Internal notes (issue 18): agents write them on a conversation; the application's consoles see
 * them live and in the transcript; the visitor never does — checked on the wire: no event of the
 * visitor's socket, no resync and no returning visitor's earlier messages carry a note, and the AI's
 * history leaves them out.
 */
const NOTE = 'Internal: refund approved by finance, ticket 4471';

let server: TestServer;
let app: { id: string; publicKey: string };
let ownerCookie: string;

beforeAll(async () => {
  server = await startTestServer();
  const created = await createChatApp(server, 'Notes');
  app = created.app;
  ownerCookie = created.owner.cookie;
});
afterAll(() => server?.close());

describe('internal notes (issue 18)', () => {
  it('reach the consoles, never the visitor: not live, not on resync, not as a returning visitor’s earlier messages', async () => {
    const visitor = await chatVisitor(server, app.publicKey);
    const onVisitorWire: unknown[] = [];
    (visitor.socket as unknown as { onAny(listener: (...args: unknown[]) => void): void }).onAny((...args) => onVisitorWire.push(args));
    await visitor.send('I was charged twice.');

    const agent = await consoleSocket(server, ownerCookie);
    const opened = await ack(agent, 'chat:open', { sessionId: visitor.sessionId });
    expect(opened.data).toBeTruthy();
    const live: any[] = [];
    agent.on('chat:message', ({ message }) => live.push(message));

    const noted = await ack(agent, 'chat:note', { sessionId: visitor.sessionId, text: NOTE, clientId: newClientId() });
    expect(noted.data.message).toMatchObject({ role: 'note', text: NOTE });
    const reply = await ack(agent, 'chat:reply', { sessionId: visitor.sessionId, text: 'We are refunding you now.', clientId: newClientId() });
    expect(reply.data.message.role).toBe('agent');

    // The console: live, and in the transcript.
    await waitFor(() => live.some((message) => message.role === 'note' && message.text === NOTE), 'the note live on the console');
    const transcript = (await ack(agent, 'chat:open', { sessionId: visitor.sessionId })).data.messages;
    expect(transcript.map((message: { role: string }) => message.role)).toContain('note');

    // The visitor: the reply arrives, the note never does.
    await waitFor(() => JSON.stringify(onVisitorWire).includes('We are refunding you now.'), 'the reply on the visitor socket');
    const resync = await command<any>(visitor.socket, 'chat:sync', { afterSeq: 0 });
    const roles = resync.data.messages.map((message: { role: string }) => message.role);
    expect(roles).toContain('agent');
    expect(roles).not.toContain('note');
    expect(JSON.stringify(resync)).not.toContain(NOTE);
    expect(JSON.stringify(onVisitorWire)).not.toContain(NOTE);
    visitor.socket.close();

    // Coming back on a new visit: the earlier conversation is shown without the note.
    await server.app.sessions.end(visitor.sessionId, 'visitor-gone');
    const back = await chatVisitor(server, app.publicKey, { visitorId: visitor.visitorId, visitorToken: visitor.visitorToken });
    const earlier = await command<any>(back.socket, 'chat:sync', { afterSeq: 0 });
    expect(earlier.data.earlier.map((message: { text: string }) => message.text)).toContain('We are refunding you now.');
    expect(JSON.stringify(earlier)).not.toContain(NOTE);
    back.socket.close();

    // The AI's history leaves notes out.
    const stored = await server.db.repos.messages.listAfter(visitor.sessionId, 0, 100);
    expect(stored.some((message) => message.role === 'note')).toBe(true);
    expect(JSON.stringify(buildHistory(stored, 10_000))).not.toContain(NOTE);
    agent.close();
  });

  it('refuses a visitor message that reuses a note’s id instead of handing the note back', async () => {
    const visitor = await chatVisitor(server, app.publicKey);
    await visitor.send('Hello');
    const agent = await consoleSocket(server, ownerCookie);
    const clientId = newClientId();
    expect((await ack(agent, 'chat:note', { sessionId: visitor.sessionId, text: NOTE, clientId })).data.message.role).toBe('note');
    const reused = await visitor.send('guessing', clientId);
    expect(reused.error?.code).toBe('E_CONFLICT');
    expect(JSON.stringify(reused)).not.toContain(NOTE);
    agent.close();
    visitor.socket.close();
  });
});
