import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { CONTRACT_ENGINES, openContractDatabase, type RunningEngine } from '../storage/contract/contract-engines.js';
import type { Storage } from '../storage/ports.js';
import { chatVisitor, SITE, waitFor } from '../testing/chat-test-kit.js';
import { reach } from '../testing/cluster-processes.js';
import { HttpClient } from '../testing/http-client.js';
import { freePort, startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { readmeWebhookVerifier, startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver.js';

/**
 * The delivery queue lives in the database: it survives a restart of the server process, and two
 * server processes sharing the database send each delivery once.
 */
const DELIVERIES = 120;
const verify = readmeWebhookVerifier();

async function appWithEndpoint(server: ServerProcess, receiverUrl: string, events: string[]) {
  const owner = new HttpClient(server.url);
  await owner.signIn();
  const app = (await owner.request('POST', '/api/apps', { name: 'Queued shop', allowedOrigins: [SITE] })).json.data.app as { id: string; publicKey: string };
  const created = await owner.request('POST', `/api/apps/${app.id}/webhooks`, { url: receiverUrl, events, allowPrivateAddresses: true });
  if (created.status !== 201) throw new Error(created.text);
  return { owner, app, endpoint: created.json.data.endpoint as { id: string }, secret: created.json.data.secret as string };
}

describe('the webhook queue across a restart', () => {
  const started: Array<{ dispose?: () => Promise<void>; close?: () => Promise<void> }> = [];
  afterAll(async () => {
    for (const item of started.reverse()) await (item.dispose ?? item.close)!().catch(() => {});
  });

  it('retries a delivery that failed while the receiver was down from the persisted queue after the server restarts', { timeout: 120_000 }, async () => {
    const env = { WEBHOOK_RETRY_BASE_MS: '1000', DEMO_APP: 'off' };
    const receiverPort = await freePort();
    const first = await startServerProcess(env);
    started.push(first);
    const { owner, app, endpoint, secret } = await appWithEndpoint(first, `http://127.0.0.1:${receiverPort}/hooks`, ['message.created']);
    const log = async (client: HttpClient) => (await client.request('GET', `/api/apps/${app.id}/webhooks/${endpoint.id}/deliveries`)).json.data.deliveries as any[];

    const visitor = await chatVisitor(reach(first.url), app.publicKey);
    await visitor.send('sent while the receiver is down');
    visitor.socket.close();
    // Nobody listens on the receiver's port: the first attempt fails and a retry is queued.
    const failed = await waitFor(async () => (await log(owner)).find((d) => d.attempts >= 1 && d.status === 'pending'), 'a failed attempt');
    expect(failed.lastStatusCode).toBeNull();
    expect(await first.stop()).toBe(0);

    const receiver: WebhookReceiver = await startWebhookReceiver({ port: receiverPort });
    started.push(receiver);
    const second = await startServerProcess(env, first.dataDir);
    started.push(second);
    const ownerAgain = new HttpClient(second.url);
    await ownerAgain.signIn();

    const request = await waitFor(() => receiver.received.find((r) => r.json?.data?.message?.text === 'sent while the receiver is down'), 'the retried delivery', 30_000);
    expect(verify(secret, request.body, String(request.headers['chatreel-signature']))).toBe(true);
    const delivered = await waitFor(async () => (await log(ownerAgain)).find((d) => d.id === request.headers['chatreel-webhook-id'] && d.status === 'delivered'), 'the delivery logged as delivered');
    expect(delivered.attempts).toBeGreaterThanOrEqual(2);
    expect(delivered.lastStatusCode).toBe(200);
    expect(receiver.received.filter((r) => r.headers['chatreel-webhook-id'] === delivered.id)).toHaveLength(1);
  });
});

describe.each(CONTRACT_ENGINES)('two server processes sharing one database ($name)', (contractEngine) => {
  let engine: RunningEngine | undefined;
  let db: Storage | undefined;
  let receiver: WebhookReceiver | undefined;
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    await receiver?.close();
    for (const server of servers) await server.dispose();
    await db?.close();
    await engine?.stop();
  });

  it(`send each of ${DELIVERIES} queued deliveries exactly once`, { timeout: 180_000 }, async () => {
    engine = await contractEngine.start();
    const dbName = `chatreel_webhooks_${process.pid}`;
    const uri = `${engine.uri.replace(/\/$/, '')}/${dbName}`;
    // One after the other, so only one of them installs the owner.
    servers.push(await startServerProcess({ MONGODB_URI: uri, DEMO_APP: 'off' }));
    servers.push(await startServerProcess({ MONGODB_URI: uri, DEMO_APP: 'off' }));
    // Slow answers keep sends overlapping, so both processes claim while the other's leases run.
    receiver = await startWebhookReceiver({ delayMs: 20 });
    const { app, endpoint, secret } = await appWithEndpoint(servers[0], receiver.url, ['message.created']);

    db = await openContractDatabase(engine, dbName);
    const createdAt = new Date();
    const ids = Array.from({ length: DELIVERIES }, (_, i) => `wd_test_${i}_${randomBytes(4).toString('hex')}`);
    await db.webhooks.enqueue(ids.map((id) => ({ id, appId: app.id, visitorId: null, endpointId: endpoint.id, event: 'message.created', body: JSON.stringify({ id, type: 'message.created' }), createdAt })));
    // Each process finds them at its next poll (within a second).

    await waitFor(() => new Set(receiver!.received.map((r) => r.headers['chatreel-webhook-id'])).size === DELIVERIES, `all ${DELIVERIES} deliveries`, 90_000);
    await waitFor(async () => (await db!.webhooks.listDeliveries(endpoint.id, DELIVERIES)).every((d) => d.status === 'delivered'), 'every delivery logged as delivered', 30_000);
    const counts = new Map<string, number>();
    for (const request of receiver.received) counts.set(String(request.headers['chatreel-webhook-id']), (counts.get(String(request.headers['chatreel-webhook-id'])) ?? 0) + 1);
    expect([...counts.values()].filter((count) => count > 1)).toEqual([]);
    expect(receiver.received).toHaveLength(DELIVERIES);
    const logged = await db.webhooks.listDeliveries(endpoint.id, DELIVERIES);
    expect(logged.every((d) => d.attempts === 1)).toBe(true);
    expect(receiver.received.every((r) => verify(secret, r.body, String(r.headers['chatreel-signature'])))).toBe(true);
  });
});
