import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ack, chatVisitor, consoleSocket, createChatApp, messagesOf, newClientId, waitFor, type ConsoleTestSocket } from '../server/src/testing/chat-test-kit.js';
import { ANSWER_LEASE_MS } from '../server/src/chat/answer-lease.js';
import { DEFAULT_REPLY } from '../server/src/testing/anthropic-double.js';
import { LOGIN_FAILURES_PER_ADDRESS_PER_WINDOW } from '../server/src/protocol/limits.js';
import { HttpClient } from '../server/src/testing/http-client.js';
import { command } from '../server/src/testing/visitor-client.js';
import { portAnswers, rawRecount } from '../server/src/storage/contract/port-recount.js';
import type { Storage } from '../server/src/storage/ports.js';
import { openSharedDatabase, reach, startCluster, type Cluster } from '../server/src/testing/cluster-processes.js';
import { nextEvent, recordingBatch, recordingVisitor, type RecordingVisitor } from './support/cluster-clients.js';

/**
 * Issue 16: two nodes, one database, Redis, HAProxy. Clients are placed on a chosen node by
 * connecting to it directly, or go through the balancer like a real widget.
 */
let cluster: Cluster;
let A: string;
let B: string;
let app: { id: string; publicKey: string };
let owner: HttpClient;
let db: Storage;
const consoles: ConsoleTestSocket[] = [];

beforeAll(async () => {
  cluster = await startCluster();
  [A, B] = cluster.nodes.map((node) => node.url);
  ({ owner, app } = await createChatApp(reach(B), 'Cluster shop'));
  db = await openSharedDatabase(cluster);
});
afterAll(async () => {
  for (const socket of consoles) socket.close();
  await db?.close();
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

  it('stops the AI answer streaming on node A when an agent on node B takes over: the model request is aborted, no delta follows', async () => {
    // The default reply, not a scripted one: a summary of the session completed above may take the next script.
    cluster.ai.setDefault({ tokens: Array.from({ length: 40 }, (_, i) => `t${i} `), delayPerTokenMs: 100 });
    const agentConsole = await consoleOn(B, owner.cookie);
    const visitor = await chatVisitor(reach(A), app.publicKey);
    const firstDelta = nextEvent(visitor.socket, 'chat:delta');
    await visitor.send('Tell me everything.');
    await firstDelta;
    // The chat's request (a completed session's summary may be asked for meanwhile).
    const request = cluster.ai.requests.find((r) => r.body.messages.at(-1)?.content === 'Tell me everything.')!;
    const joined = nextEvent(visitor.socket, 'chat:state', ({ state }) => state === 'human');
    expect((await ack(agentConsole, 'chat:takeover', { sessionId: visitor.sessionId })).data.conversation.state).toBe('human');
    await joined;
    await waitFor(() => request.aborted, 'the model request to be aborted', 2_000);
    const deltasAtTakeover = visitor.events.filter((event) => event.name === 'chat:delta').length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(visitor.events.filter((event) => event.name === 'chat:delta').length).toBe(deltasAtTakeover);
    expect(deltasAtTakeover).toBeLessThan(40);
    expect((await db.repos.messages.listAfter(visitor.sessionId, 0, 10)).filter((message) => message.role === 'ai')).toEqual([]);
    visitor.socket.close();
    cluster.ai.setDefault(DEFAULT_REPLY);
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

describe('membership changed on node A, the agent\'s console on node B', () => {
  it('takes the application away at once: its live view stops, the console is told its applications', async () => {
    const ownerOnA = new HttpClient(A);
    await ownerOnA.signIn();
    const { app: other } = await createChatApp(reach(A), 'Second shop');
    const email = `member-${Date.now()}@test.local`;
    const invited = await ownerOnA.request('POST', '/api/team', { email, password: 'agent-password-123', appIds: [app.id, other.id] });
    const agentClient = new HttpClient(B);
    await agentClient.signIn(email, 'agent-password-123');
    const agentConsole = await consoleOn(B, agentClient.cookie);
    const visitor = await chatVisitor(reach(A), app.publicKey);
    expect((await ack(agentConsole, 'replay:watch', { sessionId: visitor.sessionId })).data.watchers).toBe(1);

    const told = nextEvent(agentConsole, 'console:apps');
    expect((await ownerOnA.request('DELETE', `/api/team/${invited.json.data.member.id}/apps/${app.id}`)).status).toBe(200);
    expect((await told).appIds).toEqual([other.id]);
    const batches: unknown[] = [];
    agentConsole.on('replay:batch', (batch) => batches.push(batch));
    await command(visitor.socket, 'recording:batch', { sessionId: visitor.sessionId, seq: 1, data: recordingBatch(1) });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(batches).toEqual([]);
    expect(agentConsole.connected).toBe(true);
    visitor.socket.close();
  });
});

describe('limits shared by the nodes (Redis)', () => {
  it('refuses the sign-in failure past the per-address limit whichever node each attempt reached', async () => {
    const address = '10.99.0.7';
    const statuses: number[] = [];
    for (let n = 0; n <= LOGIN_FAILURES_PER_ADDRESS_PER_WINDOW; n++) {
      const client = new HttpClient(n % 2 === 0 ? A : B);
      const answer = await client.request('POST', '/api/auth/login', { email: `nobody-${n}@test.local`, password: 'wrong-password-1' }, { 'x-forwarded-for': address });
      statuses.push(answer.status);
    }
    expect(statuses.slice(0, LOGIN_FAILURES_PER_ADDRESS_PER_WINDOW).every((status) => status === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });
});

const CROWD = 40;
/** An AI answer that takes a while: another page of the visitor opens on the other node meanwhile. */
const SLOW_ANSWER = { tokens: ['One', ' answer', ' only', '.'], delayPerTokenMs: 150, inputTokens: 10, outputTokens: 4 };

describe(`${CROWD} visitors at once across both nodes`, () => {
  it('leaves counters, lists and sessions equal to a brute-force recount, and one AI answer per message', async () => {
    const { app: crowdApp } = await createChatApp(reach(B), 'Crowd shop');
    const requestsBefore = cluster.ai.requests.length;
    cluster.ai.setDefault(SLOW_ANSWER);
    const sockets: Array<{ close(): void }> = [];
    const visit = async (n: number) => {
      const [home, other] = n % 2 === 0 ? [A, B] : [B, A];
      const page = await chatVisitor(reach(home), crowdApp.publicKey);
      sockets.push(page.socket);
      for (let seq = 1; seq <= 3; seq++) await command(page.socket, 'recording:batch', { sessionId: page.sessionId, seq, data: recordingBatch(seq) });
      expect((await page.send(`question ${n}`)).data.duplicate).toBe(false);
      // The visitor opens another page while the answer streams: it lands on the other node and resyncs.
      const next = await chatVisitor(reach(other), crowdApp.publicKey, { visitorId: page.visitorId, visitorToken: page.visitorToken });
      sockets.push(next.socket);
      expect(next.sessionId).toBe(page.sessionId);
      expect((await command<any>(next.socket, 'chat:sync', { afterSeq: 0 })).data.messages[0].text).toBe(`question ${n}`);
      await waitFor(() => messagesOf(page.events).some((message) => message.role === 'ai'), `the answer to visitor ${n}`, 30_000);
      if (n % 2 === 0) await command(page.socket, 'session:end');
      return page.sessionId;
    };
    const sessionIds = await Promise.all(Array.from({ length: CROWD }, (_, n) => visit(n)));
    // Anything a second answer would have added has landed by now.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    for (const socket of sockets) socket.close();

    const aiAnswers = await Promise.all(sessionIds.map(async (id) => (await db.repos.messages.listAfter(id, 0, 100)).filter((m) => m.role === 'ai').length));
    expect(aiAnswers).toEqual(sessionIds.map(() => 1));
    // One model request per message (completed sessions add their summary requests: not counted here).
    const asked = cluster.ai.requests.slice(requestsBefore).map((request) => request.body.messages.at(-1)?.content).filter((text) => /^question \d+$/.test(String(text)));
    expect(asked.sort()).toEqual(Array.from({ length: CROWD }, (_, n) => `question ${n}`).sort());
    const day = new Date();
    expect(await portAnswers(db, crowdApp.id, sessionIds, day)).toEqual(await rawRecount(db, crowdApp.id, sessionIds, day));
  });
});

/**
 * Some visitors (not all) lost their node and reconnected; each one's session is still one session
 * with every seq 1..recorded stored once. Returns the visitors that moved.
 */
async function expectRecordedOnce(visitors: RecordingVisitor[], sessionIds: string[], recorded: number): Promise<RecordingVisitor[]> {
  const moved = visitors.filter((visitor) => visitor.disconnects > 0);
  expect(moved.length).toBeGreaterThan(0);
  expect(moved.length).toBeLessThan(visitors.length);
  for (const [n, visitor] of visitors.entries()) {
    // The session stays one session: every connection resumed the same one.
    expect([...visitor.sessionIds]).toEqual([sessionIds[n]]);
    const chunks = await db.repos.recordings.listChunks(sessionIds[n], 0, 1_000);
    expect(chunks.map((chunk) => chunk.seq)).toEqual(Array.from({ length: recorded }, (_, i) => i + 1));
    expect(await db.repos.recordings.maxSeq(sessionIds[n])).toBe(recorded);
    const session = (await db.repos.sessions.findById(sessionIds[n]))!;
    expect({ status: session.status, chunkCount: session.chunkCount }).toEqual({ status: 'active', chunkCount: recorded });
    expect((await db.repos.sessions.findActiveForVisitor(app.id, session.visitorId))?.id).toBe(sessionIds[n]);
  }
  return moved;
}

/** Connects `count` recording visitors through the balancer, one after another (round-robin: both nodes get some). */
async function recordingVisitors(count: number, subnet: number): Promise<RecordingVisitor[]> {
  const visitors: RecordingVisitor[] = [];
  for (let n = 0; n < count; n++) {
    visitors.push(recordingVisitor(cluster.url, app.publicKey, `10.${subnet}.0.${n + 1}`));
    await visitors[n].session();
  }
  return visitors;
}

const DRAINED = 15;

describe('node B stopped with SIGTERM (graceful drain)', () => {
  it('leaves the balancer first (/readyz 503), then its visitors go on on node A: every seq once, one session each', async () => {
    const visitors = await recordingVisitors(KILL_VISITORS, 17);
    const sessionIds = await Promise.all(visitors.map((visitor) => visitor.session()));
    for (let seq = 1; seq <= 5; seq++) await Promise.all(visitors.map((visitor) => visitor.send(seq)));
    const exited = cluster.nodes[1].stop('SIGTERM');
    await waitFor(async () => (await fetch(`${B}/readyz`)).status === 503, 'node B to report itself not ready', 1_000);
    expect((await fetch(`${B}/healthz`)).status).toBe(200);
    for (let seq = 6; seq <= DRAINED; seq++) await Promise.all(visitors.map((visitor) => visitor.send(seq)));
    expect(await exited).toBe(0);
    await expectRecordedOnce(visitors, sessionIds, DRAINED);
    for (const visitor of visitors) visitor.socket.close();

    // Back for what follows: node B again, on its address, and in the balancer once its checks pass.
    await cluster.restart(1);
    await waitFor(async () => (await fetch(`${B}/readyz`)).ok, 'node B to be ready again', 30_000);
    await new Promise((resolve) => setTimeout(resolve, BALANCER_RISE_MS));
  });
});

/** deploy/haproxy.cfg: a node is back in the balancer after 2 passed checks, 1 s apart. */
const BALANCER_RISE_MS = 2_500;

/** Batches each visitor sends before, and after, node A is killed. */
const BEFORE_KILL = 10;
const RECORDED = 30;
const KILL_VISITORS = 4;

describe('node A killed (SIGKILL) mid-recording', () => {
  const visitors: RecordingVisitor[] = [];
  afterAll(() => {
    for (const visitor of visitors) visitor.socket.close();
  });

  it('its visitors go on through the balancer on node B: every seq 1..N stored once, one session each, the live view resumes, a half-streamed answer is given once by B after its lease expires', async () => {
    // Connections through a round-robin balancer alternate: half of these land on node A.
    visitors.push(...(await recordingVisitors(KILL_VISITORS, 16)));
    const sessionIds = await Promise.all(visitors.map((visitor) => visitor.session()));
    const agentConsole = await consoleOn(B, owner.cookie);
    for (const sessionId of sessionIds) expect((await ack(agentConsole, 'replay:watch', { sessionId })).data.watchers).toBe(1);
    const live: Array<{ sessionId: string; seq: number }> = [];
    agentConsole.on('replay:batch', ({ sessionId, seq }: { sessionId: string; seq: number }) => live.push({ sessionId, seq }));

    // A visitor chatting on node A, its answer half streamed when the node dies.
    cluster.ai.setDefault({ tokens: ['Half an'], hold: true });
    const chatter = await chatVisitor(reach(A), app.publicKey);
    const halfway = nextEvent(chatter.socket, 'chat:delta');
    await chatter.send('Is anyone there?');
    await halfway;
    cluster.ai.setDefault(SLOW_ANSWER);

    for (let seq = 1; seq <= BEFORE_KILL; seq++) await Promise.all(visitors.map((visitor) => visitor.send(seq)));
    expect(await cluster.nodes[0].stop('SIGKILL')).toBeNull();
    for (let seq = BEFORE_KILL + 1; seq <= RECORDED; seq++) await Promise.all(visitors.map((visitor) => visitor.send(seq)));

    const moved = await expectRecordedOnce(visitors, sessionIds, RECORDED);
    // The agent's live view on B resumed for the visitors that moved: their last batch reached it.
    for (const visitor of moved) {
      const sessionId = [...visitor.sessionIds][0];
      expect(live.some((batch) => batch.sessionId === sessionId && batch.seq === RECORDED)).toBe(true);
    }

    // The chatter's page comes back on node B: the dead node's answering lease expires, and B answers once.
    const back = await chatVisitor(reach(B), app.publicKey, { visitorId: chatter.visitorId, visitorToken: chatter.visitorToken });
    expect(back.sessionId).toBe(chatter.sessionId);
    await command(back.socket, 'chat:sync', { afterSeq: 0 });
    const answer = await waitFor(() => messagesOf(back.events).find((message) => message.role === 'ai'), 'the answer after the lease expired', ANSWER_LEASE_MS * 2);
    expect(answer.text).toBe('One answer only.');
    const stored = await db.repos.messages.listAfter(chatter.sessionId, 0, 10);
    expect(stored.map((message) => [message.role, message.answeredBy])).toEqual([['visitor', 'ai'], ['ai', null]]);
    back.socket.close();
    cluster.ai.release();
  });
});
