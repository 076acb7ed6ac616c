import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_WEBHOOK_ENDPOINTS_PER_APP, WEBHOOK_DISABLE_AFTER_FAILURES, WEBHOOK_DISABLE_AFTER_MS } from '../protocol/limits.js';
import { agentOf, chatVisitor, createChatApp, waitFor } from '../testing/chat-test-kit.js';
import type { HttpClient } from '../testing/http-client.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { readmeWebhookVerifier, startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver.js';

/**
 * Managing endpoints (owners only, secrets shown once, private addresses refused) and an endpoint
 * disabled by repeated failures — only once they span WEBHOOK_DISABLE_AFTER_MS — on the server's clock.
 */
const HOUR_MS = 3_600_000;
let offsetMs = 0;
let server: TestServer;
let receiver: WebhookReceiver;
const verify = readmeWebhookVerifier();

beforeAll(async () => {
  server = await startTestServer({ WEBHOOK_RETRY_BASE_MS: '100' }, { now: () => new Date(Date.now() + offsetMs), webhookPollMs: 50, workers: { threads: 1 } });
  receiver = await startWebhookReceiver();
}, 60_000);
afterAll(async () => {
  await receiver?.close();
  await server?.close();
});

const hooksOf = (appId: string) => `/api/apps/${appId}/webhooks`;

describe('webhook endpoints', () => {
  it('are managed by owners only: agents get 403, others 404; the secret is shown on creation and rotation only', async () => {
    const { owner, app } = await createChatApp(server, 'Managed');
    const created = await owner.request('POST', hooksOf(app.id), { url: receiver.url, events: ['message.created'], allowPrivateAddresses: true });
    expect(created.status).toBe(201);
    const { endpoint, secret } = created.json.data;
    expect(secret).toMatch(/^whsec_/);
    const listed = await owner.request('GET', hooksOf(app.id));
    expect(listed.json.data.endpoints).toEqual([endpoint]);
    expect(listed.text).not.toContain(secret);

    const agent = await agentOf(server, [app.id]);
    expect((await agent.request('GET', hooksOf(app.id))).json.error.code).toBe('E_FORBIDDEN');
    expect((await agent.request('POST', hooksOf(app.id), { url: receiver.url, events: ['message.created'] })).status).toBe(403);
    expect((await agent.request('PATCH', `${hooksOf(app.id)}/${endpoint.id}`, { enabled: false })).status).toBe(403);
    const stranger = await agentOf(server, []);
    expect((await stranger.request('GET', hooksOf(app.id))).status).toBe(404);

    const rotated = await owner.request('POST', `${hooksOf(app.id)}/${endpoint.id}/rotate-secret`);
    expect(rotated.json.data.secret).toMatch(/^whsec_/);
    expect(rotated.json.data.secret).not.toBe(secret);
    // Deliveries are signed with the new secret from now on.
    const visitor = await chatVisitor(server, app.publicKey);
    await visitor.send('after the rotation');
    const request = await waitFor(() => receiver.received.find((r) => r.json?.appId === app.id), 'a delivery');
    const header = String(request.headers['chatreel-signature']);
    expect(verify(rotated.json.data.secret, request.body, header)).toBe(true);
    expect(verify(secret, request.body, header)).toBe(false);
    visitor.socket.close();
  });

  it('refuses private, loopback and link-local addresses unless allowed for the endpoint, and bad URLs', async () => {
    const { owner, app } = await createChatApp(server, 'Private');
    const port = receiver.port;
    for (const url of [`http://127.0.0.1:${port}/`, `http://localhost:${port}/`, 'http://169.254.169.254/latest/meta-data/', 'http://10.0.0.7/', `http://[::1]:${port}/`, 'http://[::ffff:127.0.0.1]/']) {
      const refused = await owner.request('POST', hooksOf(app.id), { url, events: ['message.created'] });
      expect(refused.json?.error?.code, url).toBe('E_WEBHOOK_ADDRESS_REFUSED');
    }
    for (const url of ['ftp://example.com/', 'http://user:pw@example.com/', 'not a url']) {
      expect((await owner.request('POST', hooksOf(app.id), { url, events: ['message.created'] })).json.error.code, url).toBe('E_INVALID_PAYLOAD');
    }
    expect((await owner.request('POST', hooksOf(app.id), { url: receiver.url, events: ['no.such.event'] })).json.error.code).toBe('E_INVALID_PAYLOAD');
    // Cloud metadata stays out of reach even with the permission.
    const metadata = await owner.request('POST', hooksOf(app.id), { url: 'http://169.254.169.254/latest/meta-data/', events: ['message.created'], allowPrivateAddresses: true });
    expect(metadata.json.error.code).toBe('E_WEBHOOK_ADDRESS_REFUSED');
    const allowed = await owner.request('POST', hooksOf(app.id), { url: `http://localhost:${port}/`, events: ['message.created'], allowPrivateAddresses: true });
    expect(allowed.status).toBe(201);
    // Taking the permission back is refused while the URL is private.
    const revoked = await owner.request('PATCH', `${hooksOf(app.id)}/${allowed.json.data.endpoint.id}`, { allowPrivateAddresses: false });
    expect(revoked.json.error.code).toBe('E_WEBHOOK_ADDRESS_REFUSED');
  });

  it('are erased with their application, with their delivery log', async () => {
    const { owner, app } = await createChatApp(server, 'Erased');
    const created = await owner.request('POST', hooksOf(app.id), { url: receiver.url, events: ['message.created'], allowPrivateAddresses: true });
    const endpointId = created.json.data.endpoint.id;
    const visitor = await chatVisitor(server, app.publicKey);
    await visitor.send('soon gone');
    visitor.socket.close();
    await waitFor(async () => (await server.db.webhooks.listDeliveries(endpointId, 10)).length > 0, 'a logged delivery');
    expect((await owner.request('DELETE', `/api/apps/${app.id}`, { confirmName: 'Erased' })).status).toBe(200);
    expect(await server.db.webhooks.listEndpoints(app.id)).toEqual([]);
    expect(await server.db.webhooks.findEndpoint(endpointId)).toBeNull();
    expect(await server.db.webhooks.listDeliveries(endpointId, 10)).toEqual([]);
  });

  it(`allows at most ${MAX_WEBHOOK_ENDPOINTS_PER_APP} endpoints per application`, async () => {
    const { owner, app } = await createChatApp(server, 'Many');
    for (let i = 0; i < MAX_WEBHOOK_ENDPOINTS_PER_APP; i++) {
      expect((await owner.request('POST', hooksOf(app.id), { url: `${receiver.url}/${i}`, events: ['visitor.erased'], allowPrivateAddresses: true })).status).toBe(201);
    }
    expect((await owner.request('POST', hooksOf(app.id), { url: receiver.url, events: ['visitor.erased'], allowPrivateAddresses: true })).json.error.code).toBe('E_TOO_MANY_WEBHOOKS');
  });

  it(`is disabled after ${WEBHOOK_DISABLE_AFTER_FAILURES} failures in a row only once they span ${WEBHOOK_DISABLE_AFTER_MS / HOUR_MS} h, and can be enabled again`, async () => {
    const failing = await startWebhookReceiver();
    failing.answer(500);
    try {
      const { owner, app } = await createChatApp(server, 'Failing');
      const created = await owner.request('POST', hooksOf(app.id), { url: failing.url, events: ['message.created'], allowPrivateAddresses: true });
      const endpointUrl = `${hooksOf(app.id)}/${created.json.data.endpoint.id}`;
      const endpoint = async () => (await owner.request('GET', hooksOf(app.id))).json.data.endpoints[0];
      const visitor = await chatVisitor(server, app.publicKey);
      for (const text of ['one', 'two', 'three']) await visitor.send(text);

      // Many failures within an hour of the server's clock (retries are due every 5 minutes of it): not disabled yet.
      for (let step = 0; step < 30 && (await endpoint()).consecutiveFailures < WEBHOOK_DISABLE_AFTER_FAILURES + 5; step++) {
        const before = failing.received.length;
        offsetMs += 5 * 60_000;
        await waitFor(() => failing.received.length > before, 'another failed attempt');
      }
      const early = await endpoint();
      expect(early.consecutiveFailures).toBeGreaterThanOrEqual(WEBHOOK_DISABLE_AFTER_FAILURES + 5);
      expect(early.enabled).toBe(true);

      // Past the span, the next failure disables it.
      offsetMs += WEBHOOK_DISABLE_AFTER_MS;
      await visitor.send('four');
      const disabled = await waitFor(async () => ((await endpoint()).enabled === false ? endpoint() : null), 'the endpoint disabled');
      expect(disabled.disabledReason).toMatch(/failed deliveries in a row/);
      expect(disabled.disabledAt).toEqual(expect.any(String));
      const log = (await owner.request('GET', `${endpointUrl}/deliveries`)).json.data.deliveries;
      expect(log.some((d: any) => d.lastStatusCode === 500 && d.attempts >= 1)).toBe(true);

      // Disabled: a new event is not queued for it (while another endpoint of the application gets it).
      const logged = log.length;
      await owner.request('POST', hooksOf(app.id), { url: receiver.url, events: ['message.created'], allowPrivateAddresses: true });
      await visitor.send('five');
      await waitFor(() => receiver.received.some((r) => r.json?.appId === app.id && r.json.data.message.text === 'five'), 'the other endpoint\'s delivery');
      expect((await owner.request('GET', `${endpointUrl}/deliveries`)).json.data.deliveries.length).toBe(logged);

      // Enabled again by the owner, with a receiver that answers: deliveries resume, counted from zero.
      failing.answer(200);
      const enabled = await owner.request('PATCH', endpointUrl, { enabled: true });
      expect(enabled.json.data.endpoint).toMatchObject({ enabled: true, disabledReason: null, consecutiveFailures: 0 });
      await visitor.send('six');
      await waitFor(() => failing.received.some((r) => r.json.data.message.text === 'six'), 'the delivery after re-enabling');
      visitor.socket.close();
    } finally {
      await failing.close();
    }
  }, 60_000);
});
