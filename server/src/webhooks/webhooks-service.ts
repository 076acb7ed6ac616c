import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { AppsService } from '../apps/apps-service.js';
import { AppError } from '../http/app-error.js';
import { MAX_WEBHOOK_ENDPOINTS_PER_APP, WEBHOOK_LOG_RETENTION_MS, WEBHOOK_LOG_ROWS } from '../protocol/limits.js';
import type { CreateWebhookInput, UpdateWebhookInput } from '../protocol/webhook-schemas.js';
import type { WebhookDeliveryView, WebhookEndpointView, WebhookEventType, WebhookPayload } from '../protocol/webhooks.js';
import type { UserRecord, WebhookDeliveryRecord, WebhookEndpointRecord, WebhooksRepository } from '../storage/ports.js';
import { AddressRefused, checkHost } from './outbound-address.js';
import { newWebhookSecret } from './webhook-signature.js';

const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url')}`;

export function endpointView(endpoint: WebhookEndpointRecord): WebhookEndpointView {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.events,
    enabled: endpoint.enabled,
    disabledReason: endpoint.disabledReason,
    disabledAt: endpoint.disabledAt?.toISOString() ?? null,
    allowPrivateAddresses: endpoint.allowPrivateAddresses,
    consecutiveFailures: endpoint.consecutiveFailures,
    createdAt: endpoint.createdAt.toISOString(),
  };
}

function deliveryView(delivery: WebhookDeliveryRecord): WebhookDeliveryView {
  return {
    id: delivery.id,
    event: delivery.event,
    status: delivery.status,
    attempts: delivery.attempts,
    lastStatusCode: delivery.lastStatusCode,
    lastResponse: delivery.lastResponse,
    createdAt: delivery.createdAt.toISOString(),
    lastAttemptAt: delivery.lastAttemptAt?.toISOString() ?? null,
    nextAttemptAt: delivery.status === 'pending' ? (delivery.nextAttemptAt?.toISOString() ?? null) : null,
  };
}

export interface WebhooksServiceDeps {
  webhooks: WebhooksRepository;
  apps: AppsService;
  logger: Logger;
  now?: () => Date;
  /** Something was queued: the dispatcher on this node looks at once. */
  queued?: () => void;
}

export type WebhooksService = ReturnType<typeof createWebhooksService>;

/** Endpoints managed by the application's owners; events fanned out to the endpoints that want them. */
export function createWebhooksService({ webhooks, apps, logger, now = () => new Date(), queued }: WebhooksServiceDeps) {
  async function ownedApp(user: UserRecord, appId: string) {
    await apps.getFor(user, appId);
    if (user.role !== 'owner') throw new AppError('E_FORBIDDEN', 'Only an owner can manage webhooks.');
  }
  async function ownedEndpoint(user: UserRecord, appId: string, endpointId: string) {
    await ownedApp(user, appId);
    const endpoint = await webhooks.findEndpoint(endpointId);
    if (!endpoint || endpoint.appId !== appId) throw new AppError('E_NOT_FOUND', 'No such webhook endpoint.');
    return endpoint;
  }
  /** Resolved and checked when saved; checked again at every connection (outbound-address.ts). */
  async function checkUrl(url: string, allowPrivateAddresses: boolean) {
    try {
      await checkHost(new URL(url).hostname, allowPrivateAddresses);
    } catch (error) {
      const hint = allowPrivateAddresses ? 'Link-local and reserved addresses are never reached.' : 'Allow private addresses for this endpoint to use it.';
      if (error instanceof AddressRefused) throw new AppError('E_WEBHOOK_ADDRESS_REFUSED', `${error.message}. ${hint}`);
      throw error;
    }
  }
  const notFound = (endpoint: WebhookEndpointRecord | null) => {
    if (!endpoint) throw new AppError('E_NOT_FOUND', 'No such webhook endpoint.');
    return endpoint;
  };

  /**
   * Queues `type` for every enabled endpoint of the application that wants it. Called from the flow
   * that caused the event; a failure here is logged, never the flow's failure.
   */
  async function emit(appId: string, type: WebhookEventType, data: unknown, visitorId: string | null = null): Promise<void> {
    try {
      const targets = (await webhooks.listEndpoints(appId)).filter((endpoint) => endpoint.enabled && endpoint.events.includes(type));
      if (targets.length === 0) return;
      const createdAt = now();
      const payload: WebhookPayload = { id: newId('evt'), type, createdAt: createdAt.toISOString(), appId, data };
      const body = JSON.stringify(payload);
      await webhooks.enqueue(targets.map((endpoint) => ({ id: newId('wd'), appId, visitorId, endpointId: endpoint.id, event: type, body, createdAt })));
      queued?.();
    } catch (error) {
      logger.error({ err: error, appId, type }, 'could not queue a webhook event');
    }
  }

  return {
    async list(user: UserRecord, appId: string) {
      await ownedApp(user, appId);
      return (await webhooks.listEndpoints(appId)).map(endpointView);
    },
    /** The secret is in this answer only (and in a rotation's). */
    async create(user: UserRecord, appId: string, input: CreateWebhookInput) {
      await ownedApp(user, appId);
      if ((await webhooks.listEndpoints(appId)).length >= MAX_WEBHOOK_ENDPOINTS_PER_APP) throw new AppError('E_TOO_MANY_WEBHOOKS');
      await checkUrl(input.url, input.allowPrivateAddresses);
      const endpoint: WebhookEndpointRecord = {
        id: newId('we'),
        appId,
        url: input.url,
        events: input.events,
        secret: newWebhookSecret(),
        allowPrivateAddresses: input.allowPrivateAddresses,
        enabled: true,
        disabledReason: null,
        disabledAt: null,
        consecutiveFailures: 0,
        failingSince: null,
        createdAt: now(),
      };
      await webhooks.createEndpoint(endpoint);
      return { endpoint: endpointView(endpoint), secret: endpoint.secret };
    },
    async update(user: UserRecord, appId: string, endpointId: string, patch: UpdateWebhookInput) {
      const current = await ownedEndpoint(user, appId, endpointId);
      const { enabled, ...fields } = patch;
      if (fields.url !== undefined || fields.allowPrivateAddresses !== undefined) await checkUrl(fields.url ?? current.url, fields.allowPrivateAddresses ?? current.allowPrivateAddresses);
      let endpoint = Object.keys(fields).length > 0 ? notFound(await webhooks.updateEndpoint(endpointId, fields)) : current;
      if (enabled === true && !endpoint.enabled) endpoint = notFound(await webhooks.enableEndpoint(endpointId));
      if (enabled === false && endpoint.enabled) endpoint = notFound(await webhooks.disableEndpoint(endpointId, now(), null));
      return endpointView(endpoint);
    },
    async rotateSecret(user: UserRecord, appId: string, endpointId: string) {
      await ownedEndpoint(user, appId, endpointId);
      const secret = newWebhookSecret();
      const endpoint = notFound(await webhooks.updateEndpoint(endpointId, { secret }));
      return { endpoint: endpointView(endpoint), secret };
    },
    async remove(user: UserRecord, appId: string, endpointId: string) {
      await ownedEndpoint(user, appId, endpointId);
      await webhooks.deleteEndpoint(endpointId);
    },
    async deliveries(user: UserRecord, appId: string, endpointId: string) {
      await ownedEndpoint(user, appId, endpointId);
      return (await webhooks.listDeliveries(endpointId, WEBHOOK_LOG_ROWS)).map(deliveryView);
    },

    emit,
    /**
     * A visitor was erased: the deliveries about them go too (their messages are in the bodies), sent
     * or not, and `visitor.erased` is queued.
     */
    async visitorErased(appId: string, visitorId: string, deleted: { sessions: number; chunks: number; messages: number }): Promise<void> {
      try {
        await webhooks.eraseVisitor(appId, visitorId);
      } catch (error) {
        logger.error({ err: error, appId }, 'could not erase the webhook deliveries about a visitor');
      }
      await emit(appId, 'visitor.erased', { visitorId, ...deleted });
    },
    /** The log's old finished rows go (a periodic job). */
    pruneLog: () => webhooks.deleteFinishedBefore(new Date(now().getTime() - WEBHOOK_LOG_RETENTION_MS)),
  };
}
