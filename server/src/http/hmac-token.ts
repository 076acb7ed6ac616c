import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A stateless proof the server handed out: HMAC-SHA256 of `data` under the server secret and a
 * purpose, so a token made for one purpose never passes for another. Any node with the secret checks it.
 */
export function hmacToken(secret: string, purpose: string, data: string): string {
  return createHmac('sha256', `chatreel-${purpose}:${secret}`).update(data).digest('base64url');
}

/** Compares in constant time; false for anything that is not the expected token. */
export function isHmacTokenValid(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
