import { describe, expect, it, vi } from 'vitest';
import { AppError } from '../http/app-error.js';
import { LOGIN_ATTEMPTS_PER_ADDRESS_PER_WINDOW, LOGIN_FAILURES_PER_WINDOW } from '../protocol/limits.js';
import { memoryRateLimits } from '../rate-limits/rate-limiter.js';
import { createLoginLimits } from './login-limits.js';

const wrongPassword = async (): Promise<never> => {
  throw new AppError('E_BAD_CREDENTIALS');
};

describe('sign-in limits', () => {
  it('counts every attempt per address, right passwords too, and refuses past the limit without checking', async () => {
    const limits = createLoginLimits(memoryRateLimits);
    for (let i = 0; i < LOGIN_ATTEMPTS_PER_ADDRESS_PER_WINDOW; i++) {
      expect(await limits.attempt('198.51.100.1', `user-${i % 3}@test.local`, async () => 'signed in')).toBe('signed in');
    }
    const signIn = vi.fn(async () => 'signed in');
    await expect(limits.attempt('198.51.100.1', 'user-0@test.local', signIn)).rejects.toMatchObject({
      code: 'E_RATE_LIMITED',
      message: expect.stringMatching(/^Too many sign-in attempts from this address\. Try again in \d+ minutes?\.$/),
      details: { retryAfterMs: expect.any(Number) },
    });
    expect(signIn).not.toHaveBeenCalled();
    expect(await limits.attempt('198.51.100.2', 'user-0@test.local', signIn)).toBe('signed in');
  });

  it('refuses an email past its failures from one address without checking the password; a right one before that does not count', async () => {
    const limits = createLoginLimits(memoryRateLimits);
    await limits.attempt('198.51.100.3', 'owner@test.local', async () => 'signed in');
    for (let i = 0; i < LOGIN_FAILURES_PER_WINDOW; i++) {
      await expect(limits.attempt('198.51.100.3', 'owner@test.local', wrongPassword)).rejects.toMatchObject({ code: 'E_BAD_CREDENTIALS' });
    }
    const signIn = vi.fn(async () => 'signed in');
    await expect(limits.attempt('198.51.100.3', 'owner@test.local', signIn)).rejects.toMatchObject({ code: 'E_RATE_LIMITED' });
    expect(signIn).not.toHaveBeenCalled();
    // Other emails from the address are still judged (the address limit is higher).
    expect(await limits.attempt('198.51.100.3', 'agent@test.local', signIn)).toBe('signed in');
  });

  it('does not count an attempt the server could not judge (busy) as a failure', async () => {
    const limits = createLoginLimits(memoryRateLimits);
    for (let i = 0; i < LOGIN_FAILURES_PER_WINDOW * 2; i++) {
      await expect(limits.attempt('198.51.100.4', 'owner@test.local', async () => Promise.reject(new AppError('E_UNAVAILABLE')))).rejects.toMatchObject({
        code: 'E_UNAVAILABLE',
      });
    }
    expect(await limits.attempt('198.51.100.4', 'owner@test.local', async () => 'signed in')).toBe('signed in');
  });
});
