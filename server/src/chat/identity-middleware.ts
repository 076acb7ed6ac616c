import type { Logger } from 'pino';
import { visitorIdentitySchema } from '../protocol/chat-schemas.js';
import { handshakeError } from '../realtime/handshake-error.js';
import type { VisitorNamespace } from '../realtime/visitor-namespace.js';
import { resolveIdentity } from './identity.js';

/**
 * Runs after the visitor namespace's own handshake check (which found the application): verifies an
 * `identify` carried in the handshake. A verified user gets their own visitor id (their history);
 * in enforce mode an unverified one is refused.
 */
export function useIdentityCheck(nsp: VisitorNamespace, logger: Logger): void {
  nsp.use((socket, next) => {
    try {
      const raw = (socket.handshake.auth as { identity?: unknown } | undefined)?.identity;
      if (raw === undefined) return next();
      const parsed = visitorIdentitySchema.safeParse(raw);
      if (!parsed.success) return next(handshakeError('E_IDENTITY_REJECTED', 'The visitor identity is malformed.'));
      const outcome = resolveIdentity(socket.data.app, parsed.data);
      if (!outcome.ok) return next(handshakeError('E_IDENTITY_REJECTED'));
      if (outcome.visitorId) socket.data.visitorId = outcome.visitorId;
      socket.data.identity = { name: outcome.name, email: outcome.email, verified: outcome.verified };
      next();
    } catch (error) {
      logger.error({ err: error }, 'identity check failed');
      next(handshakeError('E_UNAVAILABLE'));
    }
  });
}
