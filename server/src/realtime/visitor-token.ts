import { hmacToken, isHmacTokenValid } from '../http/hmac-token.js';

/**
 * The secret that goes with an anonymous visitor id: handed out in `widget:ready`, kept by the widget
 * beside the id, and required in the handshake to be that visitor again (their session and chat).
 * The id alone — seen in a URL, a log or the console — resumes nothing. Stateless, so every node
 * checks it with the server secret alone.
 */
export function visitorToken(secret: string, appId: string, visitorId: string): string {
  return hmacToken(secret, 'visitor', `${appId}:${visitorId}`);
}

export function isVisitorTokenValid(secret: string, appId: string, visitorId: string, token: unknown): boolean {
  return isHmacTokenValid(visitorToken(secret, appId, visitorId), token);
}
