import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Logger } from 'pino';
import { createClient, type RedisClientType } from 'redis';
import type { ServerOptions } from 'socket.io';

/** Longest pause between two attempts to reach Redis again after losing it. */
const REDIS_RECONNECT_MAX_DELAY_MS = 2_000;
/** A visitor or console back within this gets its rooms and the events it missed (connection-state recovery). */
const RECOVERY_WINDOW_MS = 2 * 60_000;

/**
 * What several nodes share through Redis (REDIS_URL): every room broadcast, `fetchSockets()` and
 * server-side emit of both namespaces (the redis-streams adapter), the connection-state recovery
 * sessions (a client that reconnects to another node gets what it missed) and the rate-limit counters.
 */
export interface ClusterLink {
  redis: RedisClientType;
  /** Socket.IO server options that put the server on the cluster. */
  socketOptions: Pick<ServerOptions, 'adapter' | 'connectionStateRecovery'>;
  /** Connected to Redis now (readiness). */
  ready(): boolean;
  close(): Promise<void>;
}

export async function connectCluster(url: string, logger: Logger): Promise<ClusterLink> {
  const redis: RedisClientType = createClient({
    url,
    socket: { reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, REDIS_RECONNECT_MAX_DELAY_MS) },
  });
  // Reported, never thrown: the client reconnects by itself, and readiness says so meanwhile.
  redis.on('error', (error: Error) => logger.warn({ err: error }, 'redis connection error'));
  await redis.connect();
  return {
    redis,
    socketOptions: {
      adapter: createAdapter(redis),
      // Middlewares run again on recovery: a sign-in or an application removed meanwhile is refused.
      connectionStateRecovery: { maxDisconnectionDuration: RECOVERY_WINDOW_MS, skipMiddlewares: false },
    },
    ready: () => redis.isReady,
    async close() {
      if (redis.isOpen) await redis.close().catch(() => redis.destroy());
    },
  };
}
