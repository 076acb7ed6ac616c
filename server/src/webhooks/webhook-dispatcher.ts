import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import {
  WEBHOOK_CONCURRENT_SENDS,
  WEBHOOK_DISABLE_AFTER_FAILURES,
  WEBHOOK_DISABLE_AFTER_MS,
  WEBHOOK_LEASE_MS,
  WEBHOOK_MAX_ATTEMPTS,
  WEBHOOK_POLL_MS,
  WEBHOOK_RETRY_BASE_MS,
  WEBHOOK_RETRY_MAX_DELAY_MS,
} from '../protocol/limits.js';
import { WEBHOOK_EVENT_HEADER, WEBHOOK_ID_HEADER, WEBHOOK_SIGNATURE_HEADER } from '../protocol/webhooks.js';
import type { WebhookDeliveryRecord, WebhooksRepository } from '../storage/ports.js';
import { signWebhook } from './webhook-signature.js';
import { sendWebhook, type WebhookRequest, type WebhookResponse } from './webhook-request.js';

export interface WebhookDispatcherDeps {
  webhooks: WebhooksRepository;
  logger: Logger;
  now?: () => Date;
  /** The first retry's delay (config WEBHOOK_RETRY_BASE_MS); each next one doubles. */
  retryBaseMs?: number;
  pollMs?: number;
  send?: (request: WebhookRequest) => Promise<WebhookResponse>;
}

export interface WebhookDispatcher {
  /** Something was queued on this node: look now rather than at the next poll. */
  nudge(): void;
  /** Stops polling and waits for the sends under way (their outcome is recorded before the database closes). */
  stop(): Promise<void>;
}

/** Delay before attempt `attempt + 1`, after `attempt` failed ones: doubling, capped, with jitter so retries spread. */
export function retryDelayMs(attempt: number, baseMs: number): number {
  const doubled = Math.min(baseMs * 2 ** Math.min(attempt - 1, 30), WEBHOOK_RETRY_MAX_DELAY_MS);
  return Math.round(doubled * (1 + Math.random() * 0.2));
}

/**
 * Sends queued deliveries. Every node runs one; nothing here is process-local state that matters: a
 * delivery is claimed in the database under a lease (webhooks-repository.ts) and its outcome written
 * back only while this node still holds it, so with several nodes each delivery is sent by one.
 */
export function startWebhookDispatcher(deps: WebhookDispatcherDeps): WebhookDispatcher {
  const { webhooks, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const send = deps.send ?? sendWebhook;
  const baseMs = deps.retryBaseMs ?? WEBHOOK_RETRY_BASE_MS;
  const holder = randomUUID();
  /** This node's claiming loop while it runs, and the sends under way. */
  let claiming: Promise<void> | null = null;
  const sending = new Set<Promise<void>>();
  let again = false;
  let stopped = false;

  async function deliver(delivery: WebhookDeliveryRecord): Promise<void> {
    const endpoint = await webhooks.findEndpoint(delivery.endpointId);
    // Deleted or disabled since it was queued: not sent (a disabled endpoint gets nothing until re-enabled).
    if (!endpoint || !endpoint.enabled) return webhooks.finish(delivery.id, holder, 'cancelled', null);
    const at = now();
    const signature = signWebhook(endpoint.secret, delivery.body, Math.floor(at.getTime() / 1000));
    const headers = { [WEBHOOK_SIGNATURE_HEADER]: signature, [WEBHOOK_ID_HEADER]: delivery.id, [WEBHOOK_EVENT_HEADER]: delivery.event };
    const result = await send({ url: endpoint.url, body: delivery.body, headers, allowPrivateAddresses: endpoint.allowPrivateAddresses });
    const outcome = { at, statusCode: result.statusCode, response: result.response };
    if (result.ok) {
      await webhooks.finish(delivery.id, holder, 'delivered', outcome);
      await webhooks.endpointSucceeded(endpoint.id);
      return;
    }
    const attempts = delivery.attempts + 1;
    if (attempts >= WEBHOOK_MAX_ATTEMPTS) await webhooks.finish(delivery.id, holder, 'failed', outcome);
    else await webhooks.retry(delivery.id, holder, outcome, new Date(now().getTime() + retryDelayMs(attempts, baseMs)));
    const failing = await webhooks.endpointFailed(endpoint.id, at);
    if (failing?.enabled && failing.failingSince && failing.consecutiveFailures >= WEBHOOK_DISABLE_AFTER_FAILURES && at.getTime() - failing.failingSince.getTime() >= WEBHOOK_DISABLE_AFTER_MS) {
      const hours = Math.round(WEBHOOK_DISABLE_AFTER_MS / 3_600_000);
      await webhooks.disableEndpoint(endpoint.id, at, `Disabled after ${failing.consecutiveFailures} failed deliveries in a row over more than ${hours} hours.`);
      logger.warn({ endpointId: endpoint.id, appId: endpoint.appId }, 'webhook endpoint disabled after repeated failures');
    }
  }

  /** Claims due deliveries while this node has free sending slots; each send that ends looks again. */
  async function fill(): Promise<void> {
    do {
      again = false;
      while (!stopped && sending.size < WEBHOOK_CONCURRENT_SENDS) {
        const at = now();
        const delivery = await webhooks.claim(holder, at, new Date(at.getTime() + WEBHOOK_LEASE_MS));
        if (!delivery) break;
        const inFlight: Promise<void> = deliver(delivery)
          .catch((error: Error) => logger.error({ err: error, deliveryId: delivery.id }, 'webhook delivery failed to record'))
          .finally(() => {
            sending.delete(inFlight);
            tick();
          });
        sending.add(inFlight);
      }
    } while (again && !stopped);
  }

  function tick(): void {
    if (stopped) return;
    if (claiming) {
      again = true;
      return;
    }
    claiming = fill()
      .catch((error: Error) => logger.error({ err: error }, 'webhook queue poll failed'))
      .finally(() => (claiming = null));
  }

  const timer = setInterval(tick, deps.pollMs ?? WEBHOOK_POLL_MS);
  timer.unref();
  return {
    nudge: tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await claiming;
      while (sending.size > 0) await Promise.all(sending);
    },
  };
}
