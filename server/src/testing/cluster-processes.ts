import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAnthropicDouble, type AnthropicDouble } from './anthropic-double.js';
import { startBalancer, type Balancer } from './balancer-process.js';
import { startMongoSemantics } from './mongo-semantics.js';
import { startRedis, type RedisProcess } from './redis-process.js';
import { startServerProcess, type ServerProcess } from './server-process.js';
import type { TestServer } from './test-server.js';
import type { EngineProcess } from '../storage/engines.js';
import { openDatabase } from '../storage/open-database.js';
import type { Storage } from '../storage/ports.js';

/**
 * Two Chatreel nodes as real processes (the normal entry, server/src/main.ts) on one shared database
 * (the MongoDB-semantics engine), one private redis-server, the Anthropic test double and HAProxy
 * running deploy/haproxy.cfg in front: everything on free ports and in /tmp/cluster-* directories.
 */
export interface Cluster {
  /** The balancer: what browsers and widgets are given. */
  url: string;
  nodes: [ServerProcess, ServerProcess];
  redisUrl: string;
  mongodbUri: string;
  ai: AnthropicDouble;
  /** Starts node `index` again (after it stopped) on its address, so the balancer finds it there. */
  restart(index: 0 | 1): Promise<ServerProcess>;
  /** Stops everything that is still running. */
  stop(): Promise<void>;
}

/** The test's own connection to the nodes' database (the port, as a third writer would have it). */
export const openSharedDatabase = (cluster: Cluster): Promise<Storage> =>
  openDatabase({ mongodbUri: cluster.mongodbUri, dataDir: os.tmpdir(), ferretdbCacheDir: os.tmpdir() });

/** A node's or the balancer's address as the chat test kit takes a server (it reads only `url`). */
export const reach = (url: string): TestServer => ({ url }) as TestServer;

export async function startCluster(env: Record<string, string> = {}): Promise<Cluster> {
  const started: Array<{ stop(): Promise<unknown> }> = [];
  const stop = async () => {
    for (const part of started.reverse()) await part.stop().catch(() => {});
  };
  try {
    const ai = await startAnthropicDouble();
    started.push({ stop: () => ai.close() });
    const engine: EngineProcess = await startMongoSemantics();
    started.push(engine);
    const database = new URL(engine.uri);
    database.pathname = `/chatreel_cluster_${process.pid}_${Date.now()}`;
    const redis: RedisProcess = await startRedis();
    started.push(redis);
    const nodeEnv = {
      MONGODB_URI: database.toString(),
      REDIS_URL: redis.url,
      ANTHROPIC_API_KEY: 'sk-test-double',
      ANTHROPIC_BASE_URL: ai.url,
      ANTHROPIC_MODEL: 'claude-test-model',
      DEMO_APP: 'off',
      ...env,
    };
    const nodes: ServerProcess[] = [];
    const startNode = async (index: number, port?: number) => {
      const node = await startServerProcess(nodeEnv, mkdtempSync(path.join(os.tmpdir(), `cluster-node-${'ab'[index]}-`)), { port });
      nodes[index] = node;
      started.push({ stop: () => node.dispose() });
      return node;
    };
    for (const index of [0, 1]) await startNode(index);
    const balancer: Balancer = await startBalancer([`127.0.0.1:${nodes[0].port}`, `127.0.0.1:${nodes[1].port}`]);
    started.push(balancer);
    return {
      url: balancer.url,
      nodes: nodes as [ServerProcess, ServerProcess],
      redisUrl: redis.url,
      mongodbUri: nodeEnv.MONGODB_URI,
      ai,
      restart: (index) => startNode(index, nodes[index].port),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
