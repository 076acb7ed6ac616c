import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The pagehide flush goes over plain HTTP without the socket's handshake, so the widget proves it
 * may write to a session with this token, handed out on its socket when recording opens.
 */
export function ingestToken(secret: string, sessionId: string, visitorId: string): string {
  return createHmac('sha256', `chatreel-ingest:${secret}`).update(`${sessionId}:${visitorId}`).digest('base64url');
}

export function isIngestTokenValid(secret: string, sessionId: string, visitorId: string, token: string): boolean {
  const expected = Buffer.from(ingestToken(secret, sessionId, visitorId));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
