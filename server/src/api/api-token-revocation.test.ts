import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { startEmbeddedEngine } from '../storage/engines.js';
import { HttpClient } from '../testing/http-client.js';
import { startServerProcess, type ServerProcess } from '../testing/server-process.js';
import { apiRequest } from './api-test-kit.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

describe('API token revocation with two server processes (issue 22)', () => {
  it('a token revoked through one process is refused by the other at once', { timeout: 120_000 }, async () => {
    let uri = process.env.MONGODB_URI;
    if (!uri) {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'chatreel-api-revoke-'));
      const engine = await startEmbeddedEngine(loadConfig({ ...process.env, LOG_LEVEL: 'silent' }).ferretdbCacheDir, dataDir);
      cleanups.push(async () => (await engine.stop(), rmSync(dataDir, { recursive: true, force: true })));
      uri = engine.uri;
    }
    const shared = `${uri.replace(/\/$/, '')}/api_revoke_${process.pid}_${Date.now()}`;
    // One after the other, so only the first installs the owner and the demo application.
    const first: ServerProcess = await startServerProcess({ MONGODB_URI: shared });
    cleanups.push(() => first.dispose());
    const second: ServerProcess = await startServerProcess({ MONGODB_URI: shared });
    cleanups.push(() => second.dispose());

    const owner = new HttpClient(first.url);
    await owner.signIn();
    const appId = (await owner.request('POST', '/api/apps', { name: 'Shared shop', allowedOrigins: ['https://shop.example'] })).json.data.app.id;
    const created = await owner.request('POST', `/api/apps/${appId}/api-tokens`, { name: 'sync', scope: 'read' });
    const { token, secret } = created.json.data;
    const sessions = `/api/v1/apps/${appId}/sessions`;
    // The second process has seen the token work (whatever it might keep of that)…
    for (let i = 0; i < 3; i++) expect((await apiRequest(second.url, secret, 'GET', sessions)).status).toBe(200);
    expect((await owner.request('DELETE', `/api/apps/${appId}/api-tokens/${token.id}`)).status).toBe(200);
    // …and refuses it on the very next request after the first process revoked it.
    const refused = await apiRequest(second.url, secret, 'GET', sessions);
    expect([refused.status, refused.json.error.code]).toEqual([401, 'E_UNAUTHORIZED']);
    expect((await apiRequest(first.url, secret, 'GET', sessions)).status).toBe(401);
  });
});
