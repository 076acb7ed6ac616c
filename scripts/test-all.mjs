#!/usr/bin/env node
// `npm test`: builds, type-checks, then runs every suite — vitest (server, unit and e2e journeys in
// Chromium) and @web/test-runner (widget and console components in Chromium) — and ends with one
// line aggregated over all of them: `N passed, N failed, N skipped`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'chatreel-test-all-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
const problems = [];

function run(title, command, args, env = {}) {
  process.stdout.write(`\n=== ${title}: ${command} ${args.join(' ')}\n`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status ?? 1;
}

function gate(title, command, args) {
  if (run(title, command, args) !== 0) {
    problems.push(`${title} failed`);
    totals.failed += 1;
  }
}

// The build runs loud: a warning it prints (rollup marks each with "(!)") is one a user would see on
// `npm start` and can do nothing about, so it counts as a failed check, and a clean build as a passed one.
// The development build (`npm run dev`'s: NODE_ENV=development, unminified) is checked the same way,
// into a directory of its own.
function buildCheck(title, env) {
  process.stdout.write(`\n=== ${title}: npx rollup -c\n`);
  const build = spawnSync('npx', ['rollup', '-c'], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  process.stdout.write(build.stdout ?? '');
  process.stderr.write(build.stderr ?? '');
  const warnings = `${build.stdout}\n${build.stderr}`.split('\n').filter((line) => line.includes('(!)'));
  if (build.status !== 0) {
    problems.push(`${title} failed`);
    totals.failed += 1;
  } else if (warnings.length > 0) {
    problems.push(`${title} printed ${warnings.length} warning(s): ${warnings.join(' | ')}`);
    totals.failed += 1;
  } else {
    process.stdout.write(`${title}: no warnings (1 check passed)\n`);
    totals.passed += 1;
  }
}
buildCheck('build', {});
buildCheck('development build', { NODE_ENV: 'development', CHATREEL_DIST_DIR: path.join(tmp, 'dist-development') });
gate('typecheck', 'npx', ['tsc', '--noEmit']);

const vitestJson = path.join(tmp, 'vitest.json');
const vitestStatus = run('vitest (server, unit, e2e)', 'npx', [
  'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`,
]);
if (existsSync(vitestJson)) {
  const report = JSON.parse(readFileSync(vitestJson, 'utf8'));
  totals.passed += report.numPassedTests;
  totals.failed += report.numFailedTests;
  totals.skipped += report.numPendingTests + report.numTodoTests;
  // A file that failed to load has no tests to count: count it as a failure.
  const brokenFiles = report.testResults.filter((file) => file.status === 'failed' && file.assertionResults.length === 0).length;
  totals.failed += brokenFiles;
  if (vitestStatus !== 0 && report.numFailedTests + brokenFiles === 0) {
    problems.push(`vitest exited ${vitestStatus}`);
    totals.failed += 1;
  }
} else {
  problems.push('vitest produced no report');
  totals.failed += 1;
}

const wtrJson = path.join(tmp, 'wtr.json');
const wtrStatus = run('web-test-runner (components in Chromium)', 'npx', ['web-test-runner'], { WTR_COUNTS_FILE: wtrJson });
if (existsSync(wtrJson)) {
  const counts = JSON.parse(readFileSync(wtrJson, 'utf8'));
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  totals.skipped += counts.skipped;
  if (wtrStatus !== 0 && counts.failed === 0) {
    problems.push(`web-test-runner exited ${wtrStatus}`);
    totals.failed += 1;
  }
} else {
  problems.push('web-test-runner produced no report');
  totals.failed += 1;
}

if (problems.length) process.stdout.write(`\nProblems: ${problems.join('; ')}\n`);
process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(totals.failed > 0 || totals.passed === 0 ? 1 : 0);
