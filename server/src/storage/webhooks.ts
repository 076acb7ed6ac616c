import type { Collection, Connection } from 'mongoose';
import type { WebhookDeliveryRecord, WebhookEndpointRecord, WebhooksRepository } from './webhooks-repository.js';

type EndpointDoc = Omit<WebhookEndpointRecord, 'id'> & { _id: string };
type DeliveryDoc = Omit<WebhookDeliveryRecord, 'id'> & { _id: string; visitorId: string | null };
/** A delivery still to send: due at `dueAt`, free once `leaseUntil` has passed. */
interface QueueDoc {
  _id: string;
  appId: string;
  visitorId: string | null;
  dueAt: Date;
  leaseUntil: Date;
  holder: string | null;
}

/** Statements per insert: FerretDB hangs on large write commands (ARCHITECTURE.md), and fan-outs are small anyway. */
const INSERT_BATCH = 20;
const NEVER_LEASED = new Date(0);

const toEndpoint = ({ _id, ...doc }: EndpointDoc): WebhookEndpointRecord => ({ id: _id, ...doc });
const toDelivery = ({ _id, visitorId: _visitor, ...doc }: DeliveryDoc): WebhookDeliveryRecord => ({ id: _id, ...doc });

/**
 * The webhooks' documents, the same on every implementation: every write by `_id` (conditional where
 * two nodes could race), the claim one `findOneAndUpdate` on the small queue collection. Application
 * erasure finds them by their `appId` field (app-erasure.ts).
 */
export function mongoWebhooks(connection: Connection): WebhooksRepository {
  const db = connection.db!;
  const endpoints = db.collection<EndpointDoc>('webhook_endpoints') as unknown as Collection<EndpointDoc>;
  const deliveries = db.collection<DeliveryDoc>('webhook_deliveries') as unknown as Collection<DeliveryDoc>;
  const queue = db.collection<QueueDoc>('webhook_queue') as unknown as Collection<QueueDoc>;
  const after = { returnDocument: 'after' as const };
  const endpointOrNull = (doc: EndpointDoc | null) => (doc ? toEndpoint(doc) : null);

  return {
    async createEndpoint({ id, ...endpoint }) {
      await endpoints.insertOne({ _id: id, ...endpoint });
    },
    async listEndpoints(appId) {
      return (await endpoints.find({ appId }).sort({ createdAt: 1 }).toArray()).map(toEndpoint);
    },
    async findEndpoint(id) {
      return endpointOrNull(await endpoints.findOne({ _id: id }));
    },
    async updateEndpoint(id, patch) {
      return endpointOrNull(await endpoints.findOneAndUpdate({ _id: id }, { $set: patch }, after));
    },
    async enableEndpoint(id) {
      const set = { enabled: true, disabledReason: null, disabledAt: null, consecutiveFailures: 0, failingSince: null };
      return endpointOrNull(await endpoints.findOneAndUpdate({ _id: id }, { $set: set }, after));
    },
    async disableEndpoint(id, at, reason) {
      // Conditional: of two nodes disabling it at once, the first one's time and reason stay.
      const doc = await endpoints.findOneAndUpdate({ _id: id, enabled: true }, { $set: { enabled: false, disabledAt: at, disabledReason: reason } }, after);
      return doc ? toEndpoint(doc) : endpointOrNull(await endpoints.findOne({ _id: id }));
    },
    async deleteEndpoint(id) {
      return (await endpoints.deleteOne({ _id: id })).deletedCount === 1;
    },
    async endpointSucceeded(id) {
      await endpoints.updateOne({ _id: id, consecutiveFailures: { $ne: 0 } }, { $set: { consecutiveFailures: 0, failingSince: null } });
    },
    async endpointFailed(id, at) {
      await endpoints.updateOne({ _id: id, failingSince: null }, { $set: { failingSince: at } });
      return endpointOrNull(await endpoints.findOneAndUpdate({ _id: id }, { $inc: { consecutiveFailures: 1 } }, after));
    },

    async enqueue(list) {
      for (let start = 0; start < list.length; start += INSERT_BATCH) {
        const batch = list.slice(start, start + INSERT_BATCH);
        await deliveries.insertMany(
          batch.map(({ id, ...delivery }) => ({ _id: id, ...delivery, status: 'pending' as const, attempts: 0, lastStatusCode: null, lastResponse: '', lastAttemptAt: null, nextAttemptAt: delivery.createdAt })),
          { ordered: false },
        );
        // Queued after its log row exists: a claim always finds the delivery it names.
        await queue.insertMany(batch.map(({ id, appId, visitorId, createdAt }) => ({ _id: id, appId, visitorId, dueAt: createdAt, leaseUntil: NEVER_LEASED, holder: null })), { ordered: false });
      }
    },
    async claim(holder, now, leaseUntil) {
      for (;;) {
        const taken = await queue.findOneAndUpdate({ dueAt: { $lte: now }, leaseUntil: { $lte: now } }, { $set: { leaseUntil, holder } }, after);
        if (!taken) return null;
        const delivery = await deliveries.findOne({ _id: taken._id });
        if (delivery) return toDelivery(delivery);
        // Its log row is gone (the application was erased meanwhile): nothing to send.
        await queue.deleteOne({ _id: taken._id, holder });
      }
    },
    async finish(id, holder, status, outcome) {
      if ((await queue.deleteOne({ _id: id, holder })).deletedCount !== 1) return;
      await deliveries.updateOne(
        { _id: id },
        {
          $set: { status, nextAttemptAt: null, ...(outcome ? { lastStatusCode: outcome.statusCode, lastResponse: outcome.response, lastAttemptAt: outcome.at } : {}) },
          ...(outcome ? { $inc: { attempts: 1 } } : {}),
        },
      );
    },
    async retry(id, holder, outcome, nextAt) {
      const queued = await queue.updateOne({ _id: id, holder }, { $set: { dueAt: nextAt, leaseUntil: NEVER_LEASED, holder: null } });
      if (queued.modifiedCount !== 1) return;
      await deliveries.updateOne(
        { _id: id },
        { $set: { lastStatusCode: outcome.statusCode, lastResponse: outcome.response, lastAttemptAt: outcome.at, nextAttemptAt: nextAt }, $inc: { attempts: 1 } },
      );
    },
    async listDeliveries(endpointId, limit) {
      return (await deliveries.find({ endpointId }).sort({ createdAt: -1, _id: -1 }).limit(limit).toArray()).map(toDelivery);
    },
    async eraseVisitor(appId, visitorId) {
      // Unqueued first: a delivery is never claimed after its log row is gone (and claim drops one whose row is).
      await queue.deleteMany({ appId, visitorId });
      return (await deliveries.deleteMany({ appId, visitorId })).deletedCount;
    },
    async deleteFinishedBefore(before) {
      return (await deliveries.deleteMany({ createdAt: { $lt: before }, status: { $ne: 'pending' } })).deletedCount;
    },
  };
}
