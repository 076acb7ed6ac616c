import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../http/app-error.js';
import {
  LOGIN_ATTEMPTS_PER_ADDRESS_PER_WINDOW,
  LOGIN_FAILURES_PER_ADDRESS_PER_WINDOW,
  LOGIN_FAILURES_PER_WINDOW,
  LOGIN_WINDOW_MS,
} from '../protocol/limits.js';
import { isRateLimitRefusal, type RateLimitStore } from '../rate-limits/rate-limiter.js';

export interface LoginLimits {
  /**
   * Runs one sign-in within the limits. Refused with E_RATE_LIMITED (and `retryAfterMs`) before any
   * password is checked when the address is over its attempts or failures, or the address with this
   * email is over its failures.
   */
  attempt<T>(address: string, email: string, signIn: () => Promise<T>): Promise<T>;
}

const FAILURES_MESSAGE = 'Too many failed sign-in attempts';
const ATTEMPTS_MESSAGE = 'Too many sign-in attempts from this address';

/**
 * Three counters per window: every attempt per address (bounds the bcrypt work one address can cause,
 * right passwords included), failures per address across emails (rotating emails gains nothing) and
 * failures per address and email (one account's guesses do not lock the rest of an office out at once).
 */
export function createLoginLimits(store: RateLimitStore): LoginLimits {
  const rule = (name: string, points: number) => store({ name, points, windowMs: LOGIN_WINDOW_MS });
  const attempts = rule('login-attempts-per-address', LOGIN_ATTEMPTS_PER_ADDRESS_PER_WINDOW);
  const addressFailures = rule('login-failures-per-address', LOGIN_FAILURES_PER_ADDRESS_PER_WINDOW);
  const emailFailures = rule('login-failures-per-address-email', LOGIN_FAILURES_PER_WINDOW);

  return {
    async attempt(address, email, signIn) {
      await consume(attempts, address, ATTEMPTS_MESSAGE);
      // A failure is counted before the password is checked and given back when it was right: counted
      // after, sixteen concurrent guesses would all pass a check made before the first was judged.
      const failures: Array<[RateLimiterAbstract, string]> = [];
      const giveBack = () => Promise.all(failures.map(([limiter, key]) => limiter.reward(key, 1)));
      try {
        for (const [limiter, key] of [[addressFailures, address], [emailFailures, `${address}|${email}`]] as const) {
          await consume(limiter, key, FAILURES_MESSAGE);
          failures.push([limiter, key]);
        }
      } catch (refusal) {
        await giveBack(); // a refused attempt checked no password: it is not another failure
        throw refusal;
      }
      try {
        const result = await signIn();
        await giveBack();
        return result;
      } catch (error) {
        // Only a wrong password is a failure; a busy server is not the user's.
        if (!(error instanceof AppError && error.code === 'E_BAD_CREDENTIALS')) await giveBack();
        throw error;
      }
    },
  };
}

async function consume(limiter: RateLimiterAbstract, key: string, message: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (refusal) {
    if (!isRateLimitRefusal(refusal)) throw refusal;
    const minutes = Math.max(1, Math.ceil(refusal.msBeforeNext / 60_000));
    throw new AppError('E_RATE_LIMITED', `${message}. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`, {
      retryAfterMs: refusal.msBeforeNext,
    });
  }
}
