/** Webhooks (issue 22, part 2): what an owner configures and what the console shows of it (validation: webhook-schemas.ts). */

export const WEBHOOK_EVENTS = ['conversation.waiting', 'message.created', 'session.completed', 'visitor.erased'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** The request headers of a delivery. The signature is `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. */
export const WEBHOOK_SIGNATURE_HEADER = 'chatreel-signature';
export const WEBHOOK_ID_HEADER = 'chatreel-webhook-id';
export const WEBHOOK_EVENT_HEADER = 'chatreel-event';

/** The body of every delivery: `id` is the same on every attempt (receivers drop repeats by it). */
export interface WebhookPayload<T = unknown> {
  id: string;
  type: WebhookEventType;
  createdAt: string;
  appId: string;
  data: T;
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed' | 'cancelled';

export interface WebhookEndpointView {
  id: string;
  url: string;
  events: WebhookEventType[];
  enabled: boolean;
  /** Why the server disabled it (repeated failures); null when enabled or disabled by hand. */
  disabledReason: string | null;
  disabledAt: string | null;
  allowPrivateAddresses: boolean;
  consecutiveFailures: number;
  createdAt: string;
}

export interface WebhookDeliveryView {
  id: string;
  event: WebhookEventType;
  status: WebhookDeliveryStatus;
  attempts: number;
  /** The HTTP status of the last attempt; null when it got none (refused, timed out, unreachable). */
  lastStatusCode: number | null;
  /** The start of the last response body, or why the last attempt failed. */
  lastResponse: string;
  createdAt: string;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
}
