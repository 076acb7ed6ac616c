import { hmacToken, isHmacTokenValid } from '../http/hmac-token.js';

/**
 * The pagehide flush goes over plain HTTP without the socket's handshake, so the widget proves it
 * may write to a session with this token, handed out on its socket when recording opens.
 */
export function ingestToken(secret: string, sessionId: string, visitorId: string): string {
  return hmacToken(secret, 'ingest', `${sessionId}:${visitorId}`);
}

export function isIngestTokenValid(secret: string, sessionId: string, visitorId: string, token: string): boolean {
  return isHmacTokenValid(ingestToken(secret, sessionId, visitorId), token);
}
