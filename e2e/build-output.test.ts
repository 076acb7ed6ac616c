import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

describe('npm run build (issue 22, part 5)', () => {
  it('prints no warning a user can do nothing about', async () => {
    // As a user's shell runs it: vitest's NODE_ENV=test is not theirs.
    const { NODE_ENV: _testEnv, ...env } = process.env;
    const child = spawn(process.execPath, ['node_modules/rollup/dist/bin/rollup', '-c'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, output).toBe(0);
    // Rollup marks each warning with "(!)"; both bundles were written.
    expect(output).not.toContain('(!)');
    expect(output.match(/created .*dist\/(widget|console)/g)?.length).toBe(2);
  });
});
