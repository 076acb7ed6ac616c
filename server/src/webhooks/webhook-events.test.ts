import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatVisitor, createChatApp, waitFor } from '../testing/chat-test-kit.js';
import type { HttpClient } from '../testing/http-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { command } from '../testing/visitor-client.js';
import { readmeWebhookVerifier, startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../testing/webhook-receiver.js';

/**
 * Each event type emitted by the real flow (a visitor's socket, the owner's REST erasure, a completed
 * session's analysis) arrives at a real local HTTP receiver, signed: the receiver checks every request
 * with README.md's own example code.
 */
let server: TestServer;
let receiver: WebhookReceiver;
let owner: HttpClient;
let app: { id: string; publicKey: string };
let secret: string;
const verify = readmeWebhookVerifier();

const ofType = (type: string) => receiver.received.filter((request) => request.json?.type === type);
const arrived = (type: string, match: (request: ReceivedWebhook) => boolean = () => true) =>
  waitFor(() => ofType(type).find(match), `a ${type} webhook`, 20_000);

beforeAll(async () => {
  server = await startTestServer({}, { workers: { threads: 1 } });
  receiver = await startWebhookReceiver();
  ({ owner, app } = await createChatApp(server, 'Hooked shop'));
  const created = await owner.request('POST', `/api/apps/${app.id}/webhooks`, {
    url: receiver.url,
    events: ['conversation.waiting', 'message.created', 'session.completed', 'visitor.erased'],
    allowPrivateAddresses: true,
  });
  expect(created.status).toBe(201);
  secret = created.json.data.secret;
}, 60_000);
afterAll(async () => {
  await receiver?.close();
  await server?.close();
});

describe('webhook events from the real flow', () => {
  it('signs every delivery so that the README example accepts it, and rejects a changed body, another secret or an old timestamp', async () => {
    const visitor = await chatVisitor(server, app.publicKey);
    await visitor.send('Where is my order?');
    const request = await arrived('message.created', (r) => r.json.data.message.text === 'Where is my order?');
    const header = String(request.headers['chatreel-signature']);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verify(secret, request.body, header)).toBe(true);
    expect(verify(secret, request.body.replace('Where', 'When'), header)).toBe(false);
    expect(verify(`${secret}x`, request.body, header)).toBe(false);
    const t = Number(/t=(\d+)/.exec(header)![1]);
    expect(verify(secret, request.body, header.replace(`t=${t}`, `t=${t - 3600}`))).toBe(false);
    expect(request.headers['chatreel-event']).toBe('message.created');
    expect(request.json).toMatchObject({ type: 'message.created', appId: app.id, data: { visitorId: visitor.visitorId, message: { sessionId: visitor.sessionId, role: 'visitor' } } });
    visitor.socket.close();
  });

  it('sends conversation.waiting when a visitor writes and no AI answers', async () => {
    const visitor = await chatVisitor(server, app.publicKey);
    await visitor.send('Anyone there?');
    const request = await arrived('conversation.waiting', (r) => r.json.data.sessionId === visitor.sessionId);
    expect(request.json.data).toMatchObject({ visitorId: visitor.visitorId, lastMessageText: expect.any(String) });
    expect(verify(secret, request.body, String(request.headers['chatreel-signature']))).toBe(true);
    visitor.socket.close();
  });

  it('sends session.completed with the summary and signals once the ended session is analysed', async () => {
    const visitor = await chatVisitor(server, app.publicKey);
    await visitor.send('Thanks, bye');
    const ended = await command<any>(visitor.socket, 'session:end');
    expect(ended.data.session.id).toBe(visitor.sessionId);
    const request = await arrived('session.completed', (r) => r.json.data.session.id === visitor.sessionId);
    expect(request.json.data).toMatchObject({ session: { visitorId: visitor.visitorId, endedAt: expect.any(String) }, insightsStatus: 'ready', signals: expect.any(Array) });
    expect(request.json.data.summary).toMatchObject({ text: expect.any(String), source: 'deterministic' });
    expect(request.json.data.signalCount).toBe(request.json.data.signals.length);
    visitor.socket.close();
  });

  it('sends visitor.erased when an owner erases a visitor', async () => {
    const visitor = await chatVisitor(server, app.publicKey);
    await visitor.send('Forget me');
    visitor.socket.close();
    const erased = await owner.request('DELETE', `/api/apps/${app.id}/visitors/${visitor.visitorId}`);
    expect(erased.status).toBe(200);
    const request = await arrived('visitor.erased', (r) => r.json.data.visitorId === visitor.visitorId);
    expect(request.json.data).toMatchObject({ sessions: 1, messages: erased.json.data.messages });
    // The deliveries about the visitor (their messages are in the bodies) are erased with them; the notice stays.
    const [endpoint] = (await owner.request('GET', `/api/apps/${app.id}/webhooks`)).json.data.endpoints;
    const bodies = (await server.db.webhooks.listDeliveries(endpoint.id, 100)).map((delivery) => delivery.body);
    expect(bodies.some((body) => body.includes('Forget me'))).toBe(false);
    expect(bodies.filter((body) => body.includes(visitor.visitorId)).map((body) => JSON.parse(body).type)).toEqual(['visitor.erased']);
  });

  it('logs each delivery in the endpoint\'s delivery log', async () => {
    const [endpoint] = (await owner.request('GET', `/api/apps/${app.id}/webhooks`)).json.data.endpoints;
    const log = await waitFor(async () => {
      const deliveries = (await owner.request('GET', `/api/apps/${app.id}/webhooks/${endpoint.id}/deliveries`)).json.data.deliveries;
      return deliveries.length > 0 && deliveries.every((d: any) => d.status === 'delivered') && deliveries;
    }, 'every delivery logged as delivered');
    expect(log[0]).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200, lastAttemptAt: expect.any(String) });
    expect(new Set(log.map((d: any) => d.event))).toEqual(new Set(['conversation.waiting', 'message.created', 'session.completed', 'visitor.erased']));
    // Every request the receiver got is a logged delivery, each once.
    const ids = receiver.received.map((r) => r.headers['chatreel-webhook-id']);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
