import { z } from 'zod';
import { MAX_WEBHOOK_URL_CHARS } from './limits.js';
import { WEBHOOK_EVENTS } from './webhooks.js';

/** The webhook endpoints' payloads (kept apart from webhooks.ts, which the console imports without zod). */

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
