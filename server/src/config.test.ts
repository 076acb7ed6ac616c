import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.mongodbUri).toBeUndefined();
    expect(config.dataDir).toMatch(/data$/);
    expect(config.anthropic.apiKey).toBeUndefined();
    expect(config.demoApp).toBe(true);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['MONGODB_URI', 'postgres://nope'],
    ['REDIS_URL', 'localhost:6379'],
    ['TRUST_PROXY', 'everyone'],
    ['TRUST_PROXY', '10.0.0.0/40'],
    ['TRUST_PROXY', 'loopback, 10.0.0.1/8/2'],
    ['COOKIE_SECRET', 'short'],
    ['ANTHROPIC_BASE_URL', 'not a url'],
    ['LOG_LEVEL', 'loud'],
    ['OWNER_EMAIL', 'not-an-email'],
    ['CONSOLE_ORIGINS', 'chat.example.com'],
    ['CONSOLE_ORIGINS', 'https://chat.example.com/console'],
    ['CONSOLE_ORIGINS', 'ftp://chat.example.com'],
    ['CONSOLE_ORIGINS', Array.from({ length: 21 }, (_, i) => `https://c${i}.example.com`).join(',')],
  ])('rejects %s=%s naming the variable', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(new RegExp(`^Invalid configuration: ${variable} `));
  });

  it("reads CONSOLE_ORIGINS as normalized origins, with PUBLIC_URL's origin beside them", () => {
    expect(loadConfig({}).consoleOrigins).toEqual([]);
    const config = loadConfig({ CONSOLE_ORIGINS: ' https://Chat.Example.com:443/ , http://localhost:8080', PUBLIC_URL: 'https://support.example.com/chatreel/' });
    expect(config.consoleOrigins).toEqual(['https://chat.example.com', 'http://localhost:8080', 'https://support.example.com']);
  });

  it('treats an empty MONGODB_URI as unset', () => {
    expect(loadConfig({ MONGODB_URI: '' }).mongodbUri).toBeUndefined();
  });

  it('reads TRUST_PROXY as the balancers to believe, loopback by default', () => {
    expect(loadConfig({}).trustProxy).toEqual(['loopback']);
    expect(loadConfig({ TRUST_PROXY: ' loopback, 10.0.0.0/8 ,fd00::1' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', 'fd00::1']);
  });

  it('reads REDIS_URL (several nodes) and leaves it unset by default (one process)', () => {
    expect(loadConfig({}).redisUrl).toBeUndefined();
    expect(loadConfig({ REDIS_URL: ' ' }).redisUrl).toBeUndefined();
    expect(loadConfig({ REDIS_URL: 'redis://cache.internal:6379/0' }).redisUrl).toBe('redis://cache.internal:6379/0');
    expect(loadConfig({ REDIS_URL: 'rediss://user:pw@cache.example:6380' }).redisUrl).toBe('rediss://user:pw@cache.example:6380');
  });
});

describe('server start with invalid configuration', () => {
  it('exits non-zero and names the variable (PORT=abc)', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      env: { ...process.env, PORT: 'abc', MONGODB_URI: '' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invalid configuration: PORT');
  });
});
