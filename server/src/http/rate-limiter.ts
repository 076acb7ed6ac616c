import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from './app-error.js';

export interface RateLimitSpec {
  /** Names the counters in a shared store (`keyPrefix`), so two limits never share a key. */
  name: string;
  points: number;
  windowMs: number;
  /** Said to the client when the limit is reached. */
  message: string;
}

/**
 * Where the counters live. Today the memory of this process; when several nodes share the load
 * (REDIS_URL), a store that returns `RateLimiterRedis` with the same spec is all that changes.
 */
export type RateLimitStore = (spec: RateLimitSpec) => RateLimiterAbstract;

export const memoryRateLimitStore: RateLimitStore = ({ name, points, windowMs }) =>
  new RateLimiterMemory({ keyPrefix: name, points, duration: Math.ceil(windowMs / 1000) });

export interface RateLimit {
  /** Counts `points` (1 by default) against `key`, or throws E_RATE_LIMITED with `details.retryAfterMs`. */
  take(key: string, points?: number): Promise<void>;
}

export function createRateLimit(spec: RateLimitSpec, store: RateLimitStore = memoryRateLimitStore): RateLimit {
  const limiter = store(spec);
  const refuse = (msBeforeNext: number) =>
    new AppError('E_RATE_LIMITED', `${spec.message} Try again in ${Math.max(1, Math.ceil(msBeforeNext / 1000))} s.`, {
      retryAfterMs: msBeforeNext,
    });
  return {
    async take(key, points = 1) {
      try {
        await limiter.consume(key, points);
      } catch (error) {
        if (error instanceof RateLimiterRes) throw refuse(error.msBeforeNext);
        throw error;
      }
    },
  };
}
