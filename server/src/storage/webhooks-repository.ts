import type { WebhookDeliveryStatus, WebhookEventType } from '../protocol/webhooks.js';

/**
 * Webhook endpoints, their deliveries (the log) and the queue of deliveries still to send (issue 22,
 * part 2). The queue is a collection of its own holding only what is due or retried, so a claim looks
 * at few documents on either engine; the log keeps every delivery's outcome.
 */
export interface WebhookEndpointRecord {
  id: string;
  appId: string;
  url: string;
  events: WebhookEventType[];
  secret: string;
  allowPrivateAddresses: boolean;
  enabled: boolean;
  disabledReason: string | null;
  disabledAt: Date | null;
  consecutiveFailures: number;
  /** When the current run of failures began; null after a success. */
  failingSince: Date | null;
  createdAt: Date;
}

export interface WebhookDeliveryRecord {
  id: string;
  appId: string;
  endpointId: string;
  event: WebhookEventType;
  /** The JSON body, exactly as signed and sent. */
  body: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastResponse: string;
  createdAt: Date;
  lastAttemptAt: Date | null;
  nextAttemptAt: Date | null;
}

export interface NewWebhookDelivery {
  id: string;
  appId: string;
  /** The visitor the event is about (their erasure deletes it), or null. */
  visitorId: string | null;
  endpointId: string;
  event: WebhookEventType;
  body: string;
  createdAt: Date;
}

export interface AttemptOutcome {
  at: Date;
  statusCode: number | null;
  response: string;
}

export interface WebhooksRepository {
  createEndpoint(endpoint: WebhookEndpointRecord): Promise<void>;
  listEndpoints(appId: string): Promise<WebhookEndpointRecord[]>;
  findEndpoint(id: string): Promise<WebhookEndpointRecord | null>;
  updateEndpoint(id: string, patch: Partial<Pick<WebhookEndpointRecord, 'url' | 'events' | 'allowPrivateAddresses' | 'secret'>>): Promise<WebhookEndpointRecord | null>;
  /** Enabled by hand: the failure count starts again. */
  enableEndpoint(id: string): Promise<WebhookEndpointRecord | null>;
  /** Disables it; `reason` null when an owner does it. */
  disableEndpoint(id: string, at: Date, reason: string | null): Promise<WebhookEndpointRecord | null>;
  deleteEndpoint(id: string): Promise<boolean>;
  /** A delivery succeeded: the run of failures ends. */
  endpointSucceeded(id: string): Promise<void>;
  /** A delivery failed: counted (one `$inc`), the run's start set if none; the endpoint as it is now. */
  endpointFailed(id: string, at: Date): Promise<WebhookEndpointRecord | null>;

  /** Logs the deliveries and queues them, due at once. */
  enqueue(deliveries: NewWebhookDelivery[]): Promise<void>;
  /**
   * Takes one due delivery for `holder` until `leaseUntil` — one conditional update, so two nodes never
   * take the same one while its lease runs — or null when none is due.
   */
  claim(holder: string, now: Date, leaseUntil: Date): Promise<WebhookDeliveryRecord | null>;
  /** Records an attempt that ended the delivery (delivered, failed for good, cancelled); only while `holder` has it. */
  finish(id: string, holder: string, status: Exclude<WebhookDeliveryStatus, 'pending'>, outcome: AttemptOutcome | null): Promise<void>;
  /** Records a failed attempt and queues the next one at `nextAt`; only while `holder` has it. */
  retry(id: string, holder: string, outcome: AttemptOutcome, nextAt: Date): Promise<void>;
  /** The endpoint's deliveries, newest first. */
  listDeliveries(endpointId: string, limit: number): Promise<WebhookDeliveryRecord[]>;
  /** Deletes the deliveries about a visitor, sent or not (their erasure); how many. */
  eraseVisitor(appId: string, visitorId: string): Promise<number>;
  /** Deletes finished deliveries created before `before`; how many. */
  deleteFinishedBefore(before: Date): Promise<number>;
}
