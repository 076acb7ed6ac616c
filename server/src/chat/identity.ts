import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { VisitorIdentity } from '../protocol/chat-schemas.js';
import type { AppRecord } from '../storage/ports.js';

/** HMAC-SHA256(secret, userId) in hex: what the site's backend computes and hands to `identify`. */
export function identityHash(secret: string, userId: string): string {
  return createHmac('sha256', secret).update(userId).digest('hex');
}

export function isIdentityVerified(secret: string, userId: string, userHash: string | undefined): boolean {
  if (!userHash) return false;
  const expected = Buffer.from(identityHash(secret, userId), 'utf8');
  const given = Buffer.from(userHash.toLowerCase(), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The visitor id of a verified user: the same in every browser, so their history follows them.
 * It contains a `.`, which the handshake's visitor-id format refuses, so a browser can never
 * claim it without the hash.
 */
export function verifiedVisitorId(app: AppRecord, userId: string): string {
  return `user.${createHash('sha256').update(`${app.id}\n${userId}`).digest('base64url').slice(0, 32)}`;
}

export type IdentityOutcome =
  | { ok: true; visitorId: string | null; verified: boolean; name: string; email: string }
  | { ok: false };

/**
 * Checks an `identify` from the handshake. Verified → the user's own visitor id. Unverified →
 * refused in enforce mode, otherwise kept as an anonymous visitor (name and email as claims only;
 * never access to the claimed user's history).
 */
export function resolveIdentity(app: AppRecord, identity: VisitorIdentity | undefined): IdentityOutcome {
  if (!identity) return { ok: true, visitorId: null, verified: false, name: '', email: '' };
  const { secret, enforce } = app.settings.identity;
  const verified = !!secret && isIdentityVerified(secret, identity.userId, identity.userHash);
  if (!verified && enforce) return { ok: false };
  return {
    ok: true,
    visitorId: verified ? verifiedVisitorId(app, identity.userId) : null,
    verified,
    name: identity.name ?? '',
    email: identity.email ?? '',
  };
}
