import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

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
