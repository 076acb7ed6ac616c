import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ack, chatVisitor, consoleSocket, createChatApp, newClientId, type ConsoleTestSocket } from '../server/src/testing/chat-test-kit.js';
import { HttpClient } from '../server/src/testing/http-client.js';
import { command } from '../server/src/testing/visitor-client.js';
import { startCluster, reach, type Cluster } from './support/cluster.js';
import { nextEvent, recordingBatch } from './support/cluster-clients.js';

/**
 * Issue 16: two nodes, one database, Redis, HAProxy. Clients are placed on a chosen node by
 * connecting to it directly, or go through the balancer like a real widget.
 */
let cluster: Cluster;
let A: string;
let B: string;
let app: { id: string; publicKey: string };
let owner: HttpClient;
const consoles: ConsoleTestSocket[] = [];

beforeAll(async () => {
  cluster = await startCluster();
  [A, B] = cluster.nodes.map((node) => node.url);
  ({ owner, app } = await createChatApp(reach(B), 'Cluster shop'));
});
afterAll(async () => {
  for (const socket of consoles) socket.close();
  await cluster?.stop();
});

const consoleOn = async (url: string, cookie: string) => {
  const socket = await consoleSocket(reach(url), cookie);
  consoles.push(socket);
  return socket;
};

describe('a visitor on node A and a console on node B', () => {
  it('sees the session, the prompt, the AI answer, replies both ways, live watch and completion, each within 2 s', async () => {
    const agentConsole = await consoleOn(B, owner.cookie);
    const sessionAppears = nextEvent(agentConsole, 'session:changed', ({ session }) => session.appId === app.id);
    const visitor = await chatVisitor(reach(A), app.publicKey);
    expect((await sessionAppears).session.id).toBe(visitor.sessionId);

    const opened = await ack(agentConsole, 'chat:open', { sessionId: visitor.sessionId });
    expect(opened.data.conversation.sessionId).toBe(visitor.sessionId);

    // The visitor's prompt reaches the console on B; the AI answer streamed on A reaches it too.
    const prompt = nextEvent(agentConsole, 'prompt:created', ({ prompt }) => prompt.sessionId === visitor.sessionId);
    const aiAnswer = nextEvent(agentConsole, 'chat:message', ({ message }) => message.role === 'ai' && message.sessionId === visitor.sessionId);
    expect((await visitor.send('Where is my parcel?')).data.duplicate).toBe(false);
    expect((await prompt).prompt.text).toBe('Where is my parcel?');
    expect((await aiAnswer).message.text).toBe('Hello from the double.');

    // The agent on B takes over and replies; the visitor on A hears it, and B hears the visitor.
    const agentReply = nextEvent(visitor.socket, 'chat:message', ({ message }) => message.role === 'agent');
    expect((await ack(agentConsole, 'chat:reply', { sessionId: visitor.sessionId, text: 'On its way.', clientId: newClientId() })).data.message.role).toBe('agent');
    expect((await agentReply).message.text).toBe('On its way.');
    const visitorReply = nextEvent(agentConsole, 'chat:message', ({ message }) => message.role === 'visitor' && message.text === 'Thanks!');
    await visitor.send('Thanks!');
    await visitorReply;

    // Live watch: the widget on A is told it is watched, and its batches reach the player on B.
    const watched = nextEvent(visitor.socket, 'recording:watched', ({ watched }) => watched);
    expect((await ack(agentConsole, 'replay:watch', { sessionId: visitor.sessionId })).data.watchers).toBe(1);
    await watched;
    const live = nextEvent(agentConsole, 'replay:batch', ({ sessionId, seq }) => sessionId === visitor.sessionId && seq === 1);
    expect((await command<any>(visitor.socket, 'recording:batch', { sessionId: visitor.sessionId, seq: 1, data: recordingBatch(1) })).data.stored).toBe(true);
    await live;

    // The visitor ends the chat on A: the session is completed on B's screen.
    const completed = nextEvent(agentConsole, 'session:changed', ({ session }) => session.id === visitor.sessionId && session.status === 'completed');
    await command(visitor.socket, 'session:end');
    await completed;
    visitor.socket.close();
  });

  it('ends a removed agent\'s live access on node B at once, the removal made on node A', async () => {
    const ownerOnA = new HttpClient(A);
    await ownerOnA.signIn();
    const invited = await ownerOnA.request('POST', '/api/team', { email: `agent-${Date.now()}@test.local`, password: 'agent-password-123', appIds: [app.id] });
    expect(invited.status).toBe(201);
    const agentClient = new HttpClient(B);
    await agentClient.signIn(invited.json.data.member.email, 'agent-password-123');
    const agentConsole = await consoleOn(B, agentClient.cookie);

    const visitor = await chatVisitor(reach(A), app.publicKey);
    expect((await ack(agentConsole, 'replay:watch', { sessionId: visitor.sessionId })).data.watchers).toBe(1);
    const ended = nextEvent(agentConsole, 'console:access-ended');
    const gone = nextEvent(agentConsole, 'disconnect');
    expect((await ownerOnA.request('DELETE', `/api/team/${invited.json.data.member.id}`)).status).toBe(200);
    expect((await ended).reason).toBe('removed');
    await gone;
    // Nothing more of the session reaches it: its rooms are gone on B.
    const batches: unknown[] = [];
    agentConsole.on('replay:batch', (batch) => batches.push(batch));
    await command(visitor.socket, 'recording:batch', { sessionId: visitor.sessionId, seq: 1, data: recordingBatch(1) });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(batches).toEqual([]);
    visitor.socket.close();
  });
});
