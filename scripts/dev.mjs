#!/usr/bin/env node
// `npm run dev`: rebuilds the widget and the console on change (rollup --watch) and restarts the
// server when its code changes (node --watch). One Ctrl-C stops both.
import { spawn } from 'node:child_process';

const env = { ...process.env, NODE_ENV: 'development', LOG_LEVEL: process.env.LOG_LEVEL ?? 'debug' };
const children = [
  spawn('npx', ['rollup', '-c', '--watch', '--no-watch.clearScreen'], { stdio: 'inherit', env }),
  spawn(process.execPath, ['--watch-path=server/src', '--import', 'tsx', 'server/src/main.ts'], { stdio: 'inherit', env }),
];

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 500).unref();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
for (const child of children) child.on('exit', (code) => stop(code ?? 0));
