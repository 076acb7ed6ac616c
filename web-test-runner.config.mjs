import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { countsReporter } from './scripts/wtr-counts-reporter.mjs';

/** Component tests for the widget and the console, in headless Chromium. */
export default {
  files: ['widget/src/**/*.test.ts', 'console/src/**/*.test.ts', '!**/*.unit.test.ts'],
  nodeResolve: { browser: true, exportConditions: ['browser'] },
  plugins: [esbuildPlugin({ ts: true, target: 'es2021', tsconfig: 'tsconfig.json' })],
  browsers: [
    chromeLauncher({
      // A window per test file: with two files at once, a second tab would be hidden, and a hidden page
      // gets no animation frames (the live replay player, chart.js and rrweb all run on them).
      createPage: ({ context }) => context.newPage({ type: 'window' }),
      launchOptions: {
        executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
          `--user-data-dir=${mkdtempSync(path.join(os.tmpdir(), 'chatreel-wtr-'))}`,
        ],
      },
    }),
  ],
  concurrency: 2,
  testFramework: { config: { timeout: 10_000 } },
  testsFinishTimeout: 5 * 60_000,
  reporters: countsReporter(process.env.WTR_COUNTS_FILE),
};
