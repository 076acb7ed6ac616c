import { z } from 'zod';
import { MAX_WEBHOOK_URL_CHARS } from './limits.js';

/** Webhooks (issue 22, part 2): what an owner configures and what the console shows of it. */

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

const webhookUrl = z
  .string()
  .trim()
  .max(MAX_WEBHOOK_URL_CHARS)
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol) && !new URL(value).username && !new URL(value).password, {
    message: 'Enter an http:// or https:// URL without a user name or password.',
    params: { sentence: true },
  });
const eventList = z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length).transform((events) => [...new Set(events)]);

export const createWebhookSchema = z
  .object({ url: webhookUrl, events: eventList, allowPrivateAddresses: z.boolean().default(false) })
  .strict();
export const updateWebhookSchema = z
  .object({ url: webhookUrl.optional(), events: eventList.optional(), allowPrivateAddresses: z.boolean().optional(), enabled: z.boolean().optional() })
  .strict();

export type CreateWebhookInput = z.infer<typeof createWebhookSchema>;
export type UpdateWebhookInput = z.infer<typeof updateWebhookSchema>;
