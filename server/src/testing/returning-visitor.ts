import { randomBytes } from 'node:crypto';
import { visitorToken } from '../realtime/visitor-token.js';
import type { TestServer } from './test-server.js';

/**
 * The handshake `auth` of a browser that was here before as `visitorId`: the id with the token the
 * server gave it then (minted here with the server's secret, as `widget:ready` would have).
 */
export async function returningVisitorAuth(server: TestServer, key: string, visitorId: string) {
  const app = await server.db.repos.apps.findByKey(key);
  if (!app) throw new Error(`no application has the key ${key}`);
  // The app made and stored its secret at start; this reads it (`generate` is only used when absent).
  const secret = server.config.cookieSecret ?? (await server.db.repos.instance.cookieSecret(() => randomBytes(32).toString('base64url')));
  return { key, visitorId, visitorToken: visitorToken(secret, app.id, visitorId) };
}
