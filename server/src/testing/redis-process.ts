import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';
import { startHelper } from './helper-process.js';
import { freePort } from './server-process.js';

export const REDIS_SERVER = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server';

export interface RedisProcess {
  url: string;
  stop(): Promise<void>;
}

/** A private redis-server (Debian's) on a free loopback port, nothing persisted, in a temp dir of its own. */
export async function startRedis(): Promise<RedisProcess> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cluster-redis-'));
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const ping = async () => {
    const client = createClient({ url, socket: { reconnectStrategy: false } });
    client.on('error', () => {});
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } finally {
      if (client.isOpen) client.destroy();
    }
  };
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning'];
  const helper = await startHelper('redis-server', REDIS_SERVER, args, ping);
  return {
    url,
    async stop() {
      await helper.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
