import { isIP } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_AI_MODEL } from './ai/model-lifecycle.js';
import { MAX_CONSOLE_ORIGINS, WEBHOOK_RETRY_BASE_MS } from './protocol/limits.js';

/** The only module that reads environment variables. Every other module receives a `Config`. */

const port = z.coerce.number().int().min(0).max(65535);
const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

/** `https://a.example.com, http://localhost:8080` → the origins, normalized; anything else is an error. */
const originList = optionalText.transform((value, context) => {
  const items = (value ?? '').split(',').map((item) => item.trim()).filter(Boolean);
  if (items.length > MAX_CONSOLE_ORIGINS) {
    context.addIssue({ code: 'custom', message: `lists more than ${MAX_CONSOLE_ORIGINS} origins` });
    return z.NEVER;
  }
  const origins: string[] = [];
  for (const item of items) {
    const url = URL.canParse(item) ? new URL(item) : null;
    const bare = url && url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
    if (!url || !/^https?:$/.test(url.protocol) || !bare) {
      context.addIssue({ code: 'custom', message: `must be a comma-separated list of origins such as https://chat.example.com (${JSON.stringify(item)} is not one)` });
      return z.NEVER;
    }
    origins.push(url.origin);
  }
  return origins;
});

/** `loopback, 10.0.0.0/8` → Express `trust proxy` values: keywords, addresses and CIDR ranges only. */
const PROXY_KEYWORDS = ['loopback', 'linklocal', 'uniquelocal'];
const proxyList = optionalText.transform((value, context) => {
  const items = (value ?? 'loopback').split(',').map((item) => item.trim()).filter(Boolean);
  for (const item of items) {
    const [address, bits, ...rest] = item.split('/');
    const maxBits = isIP(address) === 4 ? 32 : 128;
    const okBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits);
    if (!PROXY_KEYWORDS.includes(item) && !(isIP(address) && okBits && rest.length === 0)) {
      context.addIssue({ code: 'custom', message: `must list loopback, linklocal, uniquelocal, addresses or CIDR ranges (${JSON.stringify(item)} is none)` });
      return z.NEVER;
    }
  }
  return items;
});

const schema = z.object({
  PORT: port.default(3000),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  MONGODB_URI: optionalText.pipe(z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://').optional()),
  TRUST_PROXY: proxyList,
  REDIS_URL: optionalText.pipe(z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional()),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  COOKIE_SECRET: optionalText.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  OWNER_EMAIL: z.string().trim().email().default('owner@chatreel.local'),
  OWNER_PASSWORD: optionalText.pipe(z.string().min(10, 'must be at least 10 characters').optional()),
  ANTHROPIC_API_KEY: optionalText,
  ANTHROPIC_MODEL: z.string().trim().min(1).default(DEFAULT_AI_MODEL),
  ANTHROPIC_BASE_URL: optionalText.pipe(z.string().url().optional()),
  PUBLIC_URL: optionalText.pipe(z.string().url().optional()),
  CONSOLE_ORIGINS: originList,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  FERRETDB_CACHE_DIR: optionalText,
  DEMO_APP: z.enum(['on', 'off']).default('on'),
  NODE_ENV: z.string().default('production'),
  METRICS_TOKEN: optionalText.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  INGEST_FLUSH_MS: z.coerce.number().int().min(10).max(600_000).default(200),
  INGEST_MAX_PENDING_BYTES: z.coerce.number().int().min(1_000_000).max(4_000_000_000).default(64 * 1024 * 1024),
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(100).max(3_600_000).default(WEBHOOK_RETRY_BASE_MS),
});

export interface Config {
  port: number;
  host: string;
  mongodbUri: string | undefined;
  /** Set: several nodes share Socket.IO rooms and rate limits through this Redis (README "Running more than one node"). */
  redisUrl: string | undefined;
  /** Proxies (balancers) whose X-Forwarded-For / -Proto / -Host are believed: Express `trust proxy` values. */
  trustProxy: string[];
  dataDir: string;
  cookieSecret: string | undefined;
  owner: { email: string; password: string | undefined };
  anthropic: { apiKey: string | undefined; model: string; baseUrl: string | undefined };
  publicUrl: string | undefined;
  /**
   * Origins the console is reached at besides the one each request is addressed to (Host and protocol,
   * or X-Forwarded-Host/-Proto from a trusted proxy): CONSOLE_ORIGINS and PUBLIC_URL's origin.
   */
  consoleOrigins: string[];
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  ferretdbCacheDir: string;
  demoApp: boolean;
  production: boolean;
  /** GET /metrics: with a token, for `Authorization: Bearer <token>`; without, for direct loopback clients only. */
  metricsToken: string | undefined;
  /**
   * The ingest path (storage/ingest-pipeline.ts): how often derived state (counters, chunk headers) is
   * written behind the stored chunks — a crash loses at most that much of it, repaired at start — and
   * the chunk bytes one node holds for the database before acknowledgements wait (backpressure).
   */
  ingest: { derivedFlushMs: number; maxPendingBytes: number };
  /** Webhooks (issue 22): the first retry's delay; each next one doubles (protocol/limits.ts has the rest). */
  webhooks: { retryBaseMs: number };
}

/** Thrown for a bad environment variable; the message names the variable. */
export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue.path[0] ?? 'environment');
    throw new ConfigError(variable, `${issue.message} (got ${JSON.stringify(env[variable] ?? '')})`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    mongodbUri: e.MONGODB_URI,
    redisUrl: e.REDIS_URL,
    trustProxy: e.TRUST_PROXY,
    dataDir: path.resolve(e.DATA_DIR),
    cookieSecret: e.COOKIE_SECRET,
    owner: { email: e.OWNER_EMAIL.toLowerCase(), password: e.OWNER_PASSWORD },
    anthropic: { apiKey: e.ANTHROPIC_API_KEY, model: e.ANTHROPIC_MODEL, baseUrl: e.ANTHROPIC_BASE_URL },
    publicUrl: e.PUBLIC_URL,
    consoleOrigins: [...new Set([...e.CONSOLE_ORIGINS, ...(e.PUBLIC_URL ? [new URL(e.PUBLIC_URL).origin] : [])])],
    logLevel: e.LOG_LEVEL,
    ferretdbCacheDir: path.resolve(e.FERRETDB_CACHE_DIR ?? path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'chatreel')),
    demoApp: e.DEMO_APP === 'on',
    production: e.NODE_ENV === 'production',
    metricsToken: e.METRICS_TOKEN,
    ingest: { derivedFlushMs: e.INGEST_FLUSH_MS, maxPendingBytes: e.INGEST_MAX_PENDING_BYTES },
    webhooks: { retryBaseMs: e.WEBHOOK_RETRY_BASE_MS },
  };
}
