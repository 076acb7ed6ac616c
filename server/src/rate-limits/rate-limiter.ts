import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../http/app-error.js';

/** One counter: at most `points` per key in each window of `windowMs`. */
export interface RateLimitRule {
  /** Names the counter (its key prefix); two rules never share one. */
  name: string;
  points: number;
  windowMs: number;
}

/**
 * Where counters are kept. Every limiter of the server is made by one of these, so the store is chosen
 * in one place: in memory today (one process); with several nodes (REDIS_URL, the scale-out issue) a
 * store making `RateLimiterRedis` from the same rules is passed instead, and all nodes count together.
 */
export type RateLimitStore = (rule: RateLimitRule) => RateLimiterAbstract;

export const memoryRateLimits: RateLimitStore = (rule) =>
  new RateLimiterMemory({ keyPrefix: rule.name, points: rule.points, duration: Math.ceil(rule.windowMs / 1000) });

/** A refusal by a limiter (rate-limiter-flexible rejects with its result, not an Error). */
export const isRateLimitRefusal = (error: unknown): error is RateLimiterRes => error instanceof RateLimiterRes;

export interface RateLimit {
  /** Counts `points` (1 by default) against `key`, or throws E_RATE_LIMITED with `details.retryAfterMs`. */
  take(key: string, points?: number): Promise<void>;
}

/** A limit that refuses with E_RATE_LIMITED: `message` is said to the client, with when to try again. */
export function createRateLimit(rule: RateLimitRule & { message: string }, store: RateLimitStore = memoryRateLimits): RateLimit {
  const limiter = store(rule);
  const refuse = (msBeforeNext: number) =>
    new AppError('E_RATE_LIMITED', `${rule.message} Try again in ${Math.max(1, Math.ceil(msBeforeNext / 1000))} s.`, {
      retryAfterMs: msBeforeNext,
    });
  return {
    async take(key, points = 1) {
      try {
        await limiter.consume(key, points);
      } catch (error) {
        if (isRateLimitRefusal(error)) throw refuse(error.msBeforeNext);
        throw error;
      }
    },
  };
}
