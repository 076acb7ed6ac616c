import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { startEmbeddedEngine } from '../storage/engines.js';
import { API_REQUESTS_PER_TOKEN_PER_WINDOW } from '../protocol/limits.js';
import { HttpClient } from '../testing/http-client.js';
import { startRedis } from '../testing/redis-process.js';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { apiRequest } from './api-test-kit.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

/** Two server processes on one database (and `env`), the first of them signed in as the owner with a token of a new application. */
async function twoNodes(name: string, env: Record<string, string> = {}) {
  let uri = process.env.MONGODB_URI;
  if (!uri) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'chatreel-api-nodes-'));
    const engine = await startEmbeddedEngine(loadConfig({ ...process.env, LOG_LEVEL: 'silent' }).ferretdbCacheDir, dataDir);
    cleanups.push(async () => (await engine.stop(), rmSync(dataDir, { recursive: true, force: true })));
    uri = engine.uri;
  }
  const shared = `${uri.replace(/\/$/, '')}/api_${name}_${process.pid}_${Date.now()}`;
  // One after the other, so only the first installs the owner and the demo application.
  const first: ServerProcess = await startServerProcess({ MONGODB_URI: shared, ...env });
  cleanups.push(() => first.dispose());
  const second: ServerProcess = await startServerProcess({ MONGODB_URI: shared, ...env });
  cleanups.push(() => second.dispose());
  const owner = new HttpClient(first.url);
  await owner.signIn();
  const appId: string = (await owner.request('POST', '/api/apps', { name: 'Shared shop', allowedOrigins: ['https://shop.example'] })).json.data.app.id;
  const created = await owner.request('POST', `/api/apps/${appId}/api-tokens`, { name: 'sync', scope: 'read' });
  return { first, second, owner, appId, token: created.json.data.token as { id: string }, secret: created.json.data.secret as string };
}

describe('API tokens with two server processes (issue 22)', () => {
  it('a token revoked through one process is refused by the other at once', { timeout: 120_000 }, async () => {
    // Nothing shared but the database: no Redis, no process-local cache could hide a revocation.
    const { first, second, owner, appId, token, secret } = await twoNodes('revoke');
    const sessions = `/api/v1/apps/${appId}/sessions`;
    // The second process has seen the token work (whatever it might keep of that)…
    for (let i = 0; i < 3; i++) expect((await apiRequest(second.url, secret, 'GET', sessions)).status).toBe(200);
    expect((await owner.request('DELETE', `/api/apps/${appId}/api-tokens/${token.id}`)).status).toBe(200);
    // …and refuses it on the very next request after the first process revoked it.
    const refused = await apiRequest(second.url, secret, 'GET', sessions);
    expect([refused.status, refused.json.error.code]).toEqual([401, 'E_UNAUTHORIZED']);
    expect((await apiRequest(first.url, secret, 'GET', sessions)).status).toBe(401);
  });

  it("with REDIS_URL, a token's requests on both nodes count against one limit", { timeout: 120_000 }, async () => {
    const redis = await startRedis();
    cleanups.push(() => redis.stop());
    const { first, second, appId, secret } = await twoNodes('limit', { REDIS_URL: redis.url });
    const path = `/api/v1/apps/${appId}/conversations`;
    const half = API_REQUESTS_PER_TOKEN_PER_WINDOW / 2;
    for (const node of [first, second]) {
      for (let sent = 0; sent < half; sent += 10) {
        const statuses = (await Promise.all(Array.from({ length: 10 }, () => apiRequest(node.url, secret, 'GET', path)))).map((answer) => answer.status);
        expect(statuses).toEqual(Array(10).fill(200));
      }
    }
    // Each node saw only half the limit; together they used it all.
    for (const node of [first, second]) {
      const refused = await apiRequest(node.url, secret, 'GET', path);
      expect([refused.status, refused.json.error.code]).toEqual([429, 'E_RATE_LIMITED']);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });
});
