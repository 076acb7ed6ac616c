import type { CreateWebhookInput, UpdateWebhookInput } from '../../../server/src/protocol/webhook-schemas.js';
import type { WebhookDeliveryView, WebhookEndpointView } from '../../../server/src/protocol/webhooks.js';
import { request } from '../api-client.js';

const base = (appId: string) => `/apps/${encodeURIComponent(appId)}/webhooks`;
const one = (appId: string, endpointId: string) => `${base(appId)}/${encodeURIComponent(endpointId)}`;

/** The application's webhook endpoints (owners only; the server answers agents 403). */
export const webhooksApi = {
  list: (appId: string) => request<{ endpoints: WebhookEndpointView[] }>('GET', base(appId)),
  create: (appId: string, input: CreateWebhookInput) => request<{ endpoint: WebhookEndpointView; secret: string }>('POST', base(appId), input),
  update: (appId: string, endpointId: string, patch: UpdateWebhookInput) => request<{ endpoint: WebhookEndpointView }>('PATCH', one(appId, endpointId), patch),
  rotateSecret: (appId: string, endpointId: string) => request<{ endpoint: WebhookEndpointView; secret: string }>('POST', `${one(appId, endpointId)}/rotate-secret`),
  remove: (appId: string, endpointId: string) => request<{ ok: true }>('DELETE', one(appId, endpointId)),
  deliveries: (appId: string, endpointId: string) => request<{ deliveries: WebhookDeliveryView[] }>('GET', `${one(appId, endpointId)}/deliveries`),
};
