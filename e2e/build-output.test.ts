import { spawn } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

describe('npm run build (issue 22, part 5)', () => {
  it('prints no warning a user can do nothing about', async () => {
    // As a user's shell runs it: vitest's NODE_ENV=test is not theirs.
    const { NODE_ENV: _testEnv, ...env } = process.env;
    // Into a directory of its own: the dist/ that journeys running beside this one are served from stays.
    const out = `.cache/build-output-test-${process.pid}`;
    onTestFinished(() => rmSync(new URL(out, `file://${ROOT}`), { recursive: true, force: true }));
    const child = spawn(process.execPath, ['node_modules/rollup/dist/bin/rollup', '-c'], { cwd: ROOT, env: { ...env, CHATREEL_DIST_DIR: out }, stdio: ['ignore', 'pipe', 'pipe'] });
    const served = () => statSync(new URL('dist/widget/widget.js', `file://${ROOT}`), { throwIfNoEntry: false })?.mtimeMs;
    const servedBefore = served();
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, output).toBe(0);
    // Rollup marks each warning with "(!)"; both bundles were written.
    expect(output).not.toContain('(!)');
    expect(output.match(/created .*build-output-test-\d+\/(widget|console)/g)?.length).toBe(2);
    expect(served()).toBe(servedBefore);
  });
});
