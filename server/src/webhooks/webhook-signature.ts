import { createHmac, randomBytes } from 'node:crypto';

/** A new endpoint secret: 32 random bytes, shown to the owner once (on creation and on rotation). */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

/**
 * The `Chatreel-Signature` header of a delivery: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`
 * keyed with the endpoint's secret. The timestamp is signed with the body, so a receiver that refuses
 * old timestamps cannot be sent a captured delivery again later. Receivers verify it as README.md's
 * "Webhooks" example does (the tests run that very code: testing/webhook-receiver.ts).
 */
export function signWebhook(secret: string, body: string, unixSeconds: number): string {
  const hmac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${hmac}`;
}
