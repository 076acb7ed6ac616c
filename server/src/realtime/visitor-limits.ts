import { createRateLimit, memoryRateLimits, type RateLimitStore } from '../rate-limits/rate-limiter.js';
import {
  ADMISSION_WINDOW_MS,
  BATCH_BYTES_PER_ADDRESS,
  BATCH_BYTES_PER_SESSION,
  BATCHES_PER_ADDRESS,
  BATCHES_PER_SESSION,
  SESSION_STARTS_PER_ADDRESS,
  SESSION_STARTS_PER_CONNECTION,
  SESSION_STARTS_PER_VISITOR,
  VISITOR_CONNECTIONS_PER_ADDRESS,
} from '../protocol/limits.js';

/** How much visitor traffic is admitted (protocol/limits.ts); each check throws E_RATE_LIMITED. */
export interface VisitorLimits {
  connection(address: string): Promise<void>;
  /** `connectionId`: the socket, whose own repeats are refused first (they cost no database work then). */
  sessionStart(appId: string, visitorId: string, address: string, connectionId: string): Promise<void>;
  /** One recording batch of `bytes` (compressed) for a session, over the socket or POST /ingest. */
  batch(sessionId: string, address: string, bytes: number): Promise<void>;
}

export function createVisitorLimits(store: RateLimitStore = memoryRateLimits): VisitorLimits {
  const limit = (name: string, points: number, message: string) => createRateLimit({ name, points, windowMs: ADMISSION_WINDOW_MS, message }, store);
  const connections = limit('visitor-connections', VISITOR_CONNECTIONS_PER_ADDRESS, 'Too many connections from this address.');
  const startsOfVisitor = limit('session-starts-visitor', SESSION_STARTS_PER_VISITOR, 'Too many page views for this visitor.');
  const startsOfConnection = limit('session-starts-connection', SESSION_STARTS_PER_CONNECTION, 'Too many session starts on this connection.');
  const startsOfAddress = limit('session-starts-address', SESSION_STARTS_PER_ADDRESS, 'Too many page views from this address.');
  const batchesOfSession = limit('batches-session', BATCHES_PER_SESSION, 'Too many recording batches for this session.');
  const bytesOfSession = limit('batch-bytes-session', BATCH_BYTES_PER_SESSION, 'Too much recording data for this session.');
  const batchesOfAddress = limit('batches-address', BATCHES_PER_ADDRESS, 'Too many recording batches from this address.');
  const bytesOfAddress = limit('batch-bytes-address', BATCH_BYTES_PER_ADDRESS, 'Too much recording data from this address.');
  return {
    connection: (address) => connections.take(address),
    async sessionStart(appId, visitorId, address, connectionId) {
      await startsOfConnection.take(connectionId);
      await startsOfAddress.take(address);
      await startsOfVisitor.take(`${appId}:${visitorId}`);
    },
    async batch(sessionId, address, bytes) {
      await batchesOfAddress.take(address);
      await bytesOfAddress.take(address, bytes);
      await batchesOfSession.take(sessionId);
      await bytesOfSession.take(sessionId, bytes);
    },
  };
}
