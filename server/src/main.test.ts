import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from './testing/http-client.js';
import { childPids, isAlive, startServerProcess, waitUntil, type ServerProcess } from './testing/server-process.js';

const embedded = !process.env.MONGODB_URI;
let server: ServerProcess | undefined;
afterEach(async () => {
  await server?.dispose();
  server = undefined;
});

describe('the server process', () => {
  it('serves the console, the widget, the demo site and a health report', async () => {
    server = await startServerProcess();
    const health = await (await fetch(`${server.url}/healthz`)).json();
    expect(health.status).toBe('ok');
    expect(health.database.connected).toBe(true);
    expect(health.database.engine).toBe(embedded ? 'FerretDB' : 'MongoDB');
    if (embedded) expect(health.database.version).toMatch(/^v1\.24\./);

    for (const path of ['/', '/widget.js', '/demo/', '/demo/checkout.html']) {
      const response = await fetch(server.url + path);
      expect(response.status, path).toBe(200);
    }
    const demo = await (await fetch(`${server.url}/demo/`)).text();
    expect(demo).toMatch(/<script type="module" src="\/widget.js" data-key="pk_[\w-]+"><\/script>/);
  });

  it.skipIf(!embedded)('leaves no database process behind after SIGTERM', async () => {
    server = await startServerProcess();
    const [database] = childPids(server.child.pid!);
    expect(database).toBeGreaterThan(0);
    expect(isAlive(database)).toBe(true);
    expect(await server.stop('SIGTERM')).toBe(0);
    await waitUntil(() => !isAlive(database), 5_000, 'the database process to exit');
  });

  it.skipIf(!embedded)('leaves no database process behind when the server is killed outright', async () => {
    server = await startServerProcess();
    const [database] = childPids(server.child.pid!);
    expect(isAlive(database)).toBe(true);
    await server.stop('SIGKILL');
    // The child notices its stdin closing and exits on its own.
    await waitUntil(() => !isAlive(database), 10_000, 'the orphaned database process to exit');
  });

  it('keeps data across a restart', async () => {
    server = await startServerProcess();
    const client = new HttpClient(server.url);
    await client.signIn();
    const created = await client.request('POST', '/api/apps', { name: 'Persisted shop', allowedOrigins: ['https://shop.example'] });
    expect(created.status).toBe(201);
    await server.stop();

    server = await startServerProcess({}, server.dataDir);
    const again = new HttpClient(server.url);
    await again.signIn();
    const list = await again.request('GET', '/api/apps');
    const app = list.json.data.apps.find((a: { name: string }) => a.name === 'Persisted shop');
    expect(app).toMatchObject({ allowedOrigins: ['https://shop.example'], publicKey: created.json.data.app.publicKey });
  });
});

describe('the embedded database without Go', () => {
  it('stops with a message naming both ways out', () => {
    const emptyCache = mkdtempSync(path.join(os.tmpdir(), 'chatreel-nogo-'));
    const pathWithoutGo = (process.env.PATH ?? '')
      .split(path.delimiter)
      .filter((dir) => !existsSync(path.join(dir, 'go')))
      .join(path.delimiter);
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      env: { ...process.env, PATH: pathWithoutGo, MONGODB_URI: '', FERRETDB_CACHE_DIR: emptyCache, DATA_DIR: emptyCache, PORT: '0' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    rmSync(emptyCache, { recursive: true, force: true });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('install Go');
    expect(result.stderr).toContain('set MONGODB_URI');
  });
});
