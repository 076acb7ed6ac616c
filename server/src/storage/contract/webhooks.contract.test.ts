import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookEndpointRecord } from '../webhooks-repository.js';
import { contractStorage, CONTRACT_TARGETS } from './contract-engines.js';

/**
 * The webhook queue on every engine (the same documents on every implementation, so each engine once):
 * of many holders claiming at once each delivery goes to one, an outcome is written only by the holder
 * of the lease, a retry waits for its time, an expired lease frees a delivery, and erasure removes it.
 */
const HOLDERS = 6;
const DELIVERIES = 60;
const T0 = Date.parse('2026-11-30T10:00:00Z');
const at = (ms: number) => new Date(T0 + ms);
const LEASE_MS = 60_000;

describe.each(CONTRACT_TARGETS.filter((target) => !target.name.includes('crossed')))('webhooks contract: $name', (target) => {
  const opened = contractStorage(target, 'Hooks', { beforeAll, afterAll });
  let endpoints = 0;

  async function endpoint(): Promise<WebhookEndpointRecord> {
    endpoints += 1;
    const record: WebhookEndpointRecord = {
      id: `we_contract_${endpoints}`,
      appId: opened.appId,
      url: 'https://hooks.example/',
      events: ['message.created'],
      secret: 'whsec_x',
      allowPrivateAddresses: false,
      enabled: true,
      disabledReason: null,
      disabledAt: null,
      consecutiveFailures: 0,
      failingSince: null,
      createdAt: at(0),
    };
    await opened.db.webhooks.createEndpoint(record);
    return record;
  }
  const queue = (endpointId: string, count: number, prefix: string, visitorId: string | null = null) =>
    opened.db.webhooks.enqueue(
      Array.from({ length: count }, (_, i) => ({ id: `${prefix}_${i}`, appId: opened.appId, visitorId, endpointId, event: 'message.created' as const, body: `{"n":${i}}`, createdAt: at(0) })),
    );
  /** Claims until none is due, as one holder. */
  async function drain(holder: string, now: Date): Promise<string[]> {
    const taken: string[] = [];
    for (;;) {
      const delivery = await opened.db.webhooks.claim(holder, now, new Date(now.getTime() + LEASE_MS));
      if (!delivery) return taken;
      taken.push(delivery.id);
    }
  }

  it(`gives each of ${DELIVERIES} deliveries to exactly one of ${HOLDERS} holders claiming at once`, async () => {
    const { id } = await endpoint();
    await queue(id, DELIVERIES, 'race');
    const claims = await Promise.all(Array.from({ length: HOLDERS }, (_, h) => drain(`holder-${h}`, at(1_000))));
    const all = claims.flat();
    expect(all).toHaveLength(DELIVERIES);
    expect(new Set(all).size).toBe(DELIVERIES);
    // Leased: nothing is due again while the leases run.
    expect(await drain('late', at(2_000))).toEqual([]);
    for (const [h, taken] of claims.entries()) for (const delivery of taken) await opened.db.webhooks.finish(delivery, `holder-${h}`, 'delivered', { at: at(3_000), statusCode: 200, response: 'ok' });
    expect((await opened.db.webhooks.listDeliveries(id, DELIVERIES)).every((d) => d.status === 'delivered' && d.attempts === 1)).toBe(true);
  });

  it('writes an outcome only while the holder has the lease; a retry is due at its time; an expired lease frees a delivery', async () => {
    const { id } = await endpoint();
    const { webhooks } = opened.db;
    await queue(id, 2, 'lease');
    const [first, second] = await drain('a', at(0));
    expect([first, second].sort()).toEqual(['lease_0', 'lease_1']);

    // Not the holder: nothing happens.
    await webhooks.finish(first, 'b', 'delivered', { at: at(10), statusCode: 200, response: 'ok' });
    expect((await webhooks.listDeliveries(id, 10)).find((d) => d.id === first)).toMatchObject({ status: 'pending', attempts: 0 });

    await webhooks.retry(first, 'a', { at: at(10), statusCode: 500, response: 'down' }, at(30_000));
    expect((await webhooks.listDeliveries(id, 10)).find((d) => d.id === first)).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 500, nextAttemptAt: at(30_000) });
    expect(await drain('b', at(20_000))).toEqual([]);
    expect(await drain('b', at(30_000))).toEqual([first]);
    await webhooks.finish(first, 'b', 'delivered', { at: at(30_001), statusCode: 204, response: '' });
    expect((await webhooks.listDeliveries(id, 10)).find((d) => d.id === first)).toMatchObject({ status: 'delivered', attempts: 2, lastStatusCode: 204, nextAttemptAt: null });

    // `a` died holding `second`: after its lease, `c` takes it, and `a`'s late outcome is ignored.
    expect(await drain('c', at(LEASE_MS + 1))).toEqual([second]);
    await webhooks.finish(second, 'a', 'failed', { at: at(LEASE_MS + 2), statusCode: 500, response: 'late' });
    await webhooks.finish(second, 'c', 'delivered', { at: at(LEASE_MS + 3), statusCode: 200, response: 'ok' });
    expect((await webhooks.listDeliveries(id, 10)).find((d) => d.id === second)).toMatchObject({ status: 'delivered', attempts: 1, lastResponse: 'ok' });
    expect(await drain('d', at(10 * LEASE_MS))).toEqual([]);
  });

  it('counts failures in a row, disables once, and erases a visitor\'s deliveries and old finished ones', async () => {
    const { id } = await endpoint();
    const { webhooks } = opened.db;
    await webhooks.endpointFailed(id, at(1));
    const failing = await webhooks.endpointFailed(id, at(2));
    expect(failing).toMatchObject({ consecutiveFailures: 2, failingSince: at(1) });
    await webhooks.endpointSucceeded(id);
    expect(await webhooks.findEndpoint(id)).toMatchObject({ consecutiveFailures: 0, failingSince: null });
    expect(await webhooks.disableEndpoint(id, at(3), 'first')).toMatchObject({ enabled: false, disabledReason: 'first' });
    expect(await webhooks.disableEndpoint(id, at(4), 'second')).toMatchObject({ enabled: false, disabledReason: 'first', disabledAt: at(3) });

    await queue(id, 3, 'visitor', 'visitor-gone');
    await queue(id, 1, 'other', 'visitor-kept');
    expect(await webhooks.eraseVisitor(opened.appId, 'visitor-gone')).toBe(3);
    expect((await webhooks.listDeliveries(id, 10)).map((d) => d.id)).toEqual(['other_0']);
    expect(await drain('e', at(1_000))).toEqual(['other_0']);
    await webhooks.finish('other_0', 'e', 'delivered', { at: at(1_001), statusCode: 200, response: 'ok' });
    expect(await webhooks.deleteFinishedBefore(at(1))).toBeGreaterThanOrEqual(1);
    expect(await webhooks.listDeliveries(id, 10)).toEqual([]);
  });
});
