import { AppError } from '../http/app-error.js';
import type { Repositories, SessionRecord } from '../storage/ports.js';
import type { VisitorSocket } from './visitor-namespace.js';

/**
 * The session a visitor command names, when it is the one this socket started or resumed itself
 * (socket.data.sessionId) and belongs to the socket's application; anything else is E_SESSION_MISMATCH.
 */
export async function ownSession(
  socket: VisitorSocket,
  repos: Pick<Repositories, 'sessions'>,
  payload: unknown,
  /** `recent`: a read a few seconds old will do (each recording batch: sessions.findRecent). */
  read: 'current' | 'recent' = 'current',
): Promise<SessionRecord> {
  const sessionId = (payload as { sessionId?: unknown } | null)?.sessionId;
  if (typeof sessionId !== 'string') throw new AppError('E_INVALID_PAYLOAD', 'sessionId is required.');
  if (!socket.data.sessionId || sessionId !== socket.data.sessionId) throw new AppError('E_SESSION_MISMATCH');
  const session = read === 'recent' ? await repos.sessions.findRecent(sessionId) : await repos.sessions.findById(sessionId);
  if (!session || session.appId !== socket.data.app.id) throw new AppError('E_SESSION_MISMATCH');
  return session;
}
