import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startServerProcess, waitUntil, type ServerProcess } from './testing/server-process.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const START_TIMEOUT_MS = 60_000;
const cleanups: Array<() => Promise<unknown> | void> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

// ESC [ … m: the colours pino-pretty writes on a terminal.
const stripColours = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');

describe('the first start (issue 22, part 5)', () => {
  it('on a terminal: readable lines, and a banner with the console, the demo and where the first password is', { timeout: 90_000 }, async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'chatreel-tty-'));
    const port = await freePort();
    const env: Record<string, string | undefined> = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', MONGODB_URI: '' };
    delete env.OWNER_PASSWORD; // a generated first password, written to the data directory
    // util-linux `script` gives the server a pseudo-terminal as stdout, as a person's shell does.
    const child = spawn('script', ['-qfec', `${JSON.stringify(process.execPath)} --import tsx server/src/main.ts`, '/dev/null'], {
      cwd: ROOT,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          process.kill(-child.pid!, 'SIGTERM');
        }),
    );
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    await waitUntil(() => stripColours(output).includes('First password:') || child.exitCode !== null, START_TIMEOUT_MS, 'the start banner');
    const text = stripColours(output);
    expect(text).toContain(`Console:        http://127.0.0.1:${port}/`);
    expect(text).toContain(`Demo shop:      http://127.0.0.1:${port}/demo/`);
    expect(text).toContain(`First password: in ${path.join(dataDir, 'initial-owner-password.txt')}`);
    // Human-readable: no line is a JSON record.
    const lines = text.split(/\r?\n/).filter((line) => line.trim());
    expect(lines.filter((line) => line.trimStart().startsWith('{"level"'))).toEqual([]);
    expect(text).toMatch(/INFO.*Chatreel is running/);
  });

  it('not on a terminal: one JSON record per line, the banner as fields', { timeout: 90_000 }, async () => {
    const server: ServerProcess = await startServerProcess({ LOG_LEVEL: 'info' });
    cleanups.push(() => server.dispose());
    await waitUntil(() => server.output().includes('Chatreel is running'), START_TIMEOUT_MS, 'the start line');
    const records = server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const banner = records.find((record) => String(record.msg).startsWith('Chatreel is running'));
    expect(banner).toMatchObject({ console: `${server.url}/`, demo: `${server.url}/demo/`, firstPassword: expect.stringContaining('OWNER_PASSWORD') });
  });
});
