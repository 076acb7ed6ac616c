import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RedisClientType } from 'redis';
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
 * in one place (app.ts): in memory on one process; with several nodes (REDIS_URL) in Redis, and all
 * nodes count together.
 */
export type RateLimitStore = (rule: RateLimitRule) => RateLimiterAbstract;

export const memoryRateLimits: RateLimitStore = (rule) =>
  new RateLimiterMemory({ keyPrefix: rule.name, points: rule.points, duration: Math.ceil(rule.windowMs / 1000) });

/**
 * Counters in Redis, shared by every node (node-redis client, REDIS_URL). While Redis cannot be
 * reached each node counts in its own memory instead (rate-limiter-flexible's insurance limiter):
 * limits loosen to per node for that time, and nothing fails because of it.
 */
export const redisRateLimits =
  (client: RedisClientType): RateLimitStore =>
  (rule) =>
    new RateLimiterRedis({
      storeClient: client,
      useRedisPackage: true,
      keyPrefix: `chatreel:limit:${rule.name}`,
      points: rule.points,
      duration: Math.ceil(rule.windowMs / 1000),
      insuranceLimiter: memoryRateLimits(rule) as RateLimiterMemory,
    });

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
