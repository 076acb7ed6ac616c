import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { childPids, startServerProcess } from '../server/src/testing/server-process.js';
import { topSelfTime } from './cpu-profile-summary.js';
import { atLeast, atMost, type Benchmark, type Figure } from './figure.js';
import { cpuSeconds, rssMiB } from './proc-stats.js';
import { ensureMongoSemanticsJar, startMongoSemantics } from '../server/src/testing/mongo-semantics.js';
import { percentile } from './stats.js';

const P99_LIMIT_MS = 250;
/** Each simulated visitor sends one batch this often (as ingest-visitor-worker.ts does). */
const BATCH_INTERVAL_MS = 2_000;
const WORKERS = 2;
/** Wait after a level's visitors connected before its window is measured. */
const SETTLE_MS = 2 * BATCH_INTERVAL_MS;
/** Past the listed levels the ramp goes on by this factor until a level fails. */
const RAMP_FACTOR = 1.25;
/** The JVM heap of the MongoDB-semantics engine: it keeps every chunk in memory. */
const MONGO_SEMANTICS_HEAP = '3g';

type Engine = 'embedded' | 'mongo-semantics';

interface Step {
  visitors: number;
  p50: number;
  p99: number;
  cpu: number;
  dbCpu: number;
  rss: number;
  /** CPU milliseconds per acknowledged batch, server and database. */
  cpuPerBatchMs: number;
  dbCpuPerBatchMs: number;
  load: string;
}

const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

/**
 * Ramps simulated recording visitors until a level fails (p99 acknowledgement latency past 250 ms,
 * an error, a visitor that could not connect, or acknowledgements falling behind), on the embedded
 * database and then on the MongoDB-semantics engine (mongo-java-server standing in for MongoDB),
 * printing each level's CPU per batch (server and database) and the machine's load average.
 */
export const ingestCapacity: Benchmark = {
  name: 'ingest-capacity',
  description: 'simulated visitors (socket.io-client in separate processes) sending a compressed batch every 2 s; ramp until a level fails, embedded database then MongoDB semantics (`--engine=embedded|mongo-semantics` for one)',
  async run({ quick, options }) {
    const engines: Engine[] = options.engine === 'embedded' || options.engine === 'mongo-semantics' ? [options.engine] : ['embedded', 'mongo-semantics'];
    const figures: Figure[] = [];
    for (const engine of engines) figures.push(...(await rampOn(engine, quick)));
    return figures;
  },
};

async function rampOn(engine: Engine, quick: boolean): Promise<Figure[]> {
  // Low steps first: on a loaded machine the knee can come early; then on until a level fails.
  const listed = quick ? [25, 100, 200, 400, 600, 800, 1000, 1200] : [25, 50, 100, 250, 500, 800, 1000, 1500, 2000, 2500, 3000];
  const stepAt = (i: number) => (i < listed.length ? listed[i] : Math.round(listed[listed.length - 1] * RAMP_FACTOR ** (i - listed.length + 1)));
  const holdMs = quick ? 8_000 : 20_000;
  const embedded = engine === 'embedded';
  const label = (figure: string) => (embedded ? figure : `[MongoDB semantics] ${figure}`);
  process.stdout.write(`  engine: ${embedded ? 'embedded FerretDB' : 'MongoDB semantics (mongo-java-server)'}\n`);
  let mongo: Awaited<ReturnType<typeof startMongoSemantics>> | undefined;
  if (!embedded) {
    ensureMongoSemanticsJar((line) => process.stdout.write(`  ${line}\n`));
    mongo = await startMongoSemantics(undefined, MONGO_SEMANTICS_HEAP);
  }
  // `--profile`: the server runs under `node --cpu-prof`; its top self-time functions are printed.
  const profileDir = process.argv.includes('--profile') ? mkdtempSync(path.join(os.tmpdir(), 'chatreel-ingest-prof-')) : undefined;
  const server = await startServerProcess(
    { LOG_LEVEL: 'error', ...(mongo ? { MONGODB_URI: `${mongo.uri.replace(/\/?$/, '/')}chatreel_bench` } : {}) },
    undefined,
    { execArgv: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [] },
  );
  const key = (await (await fetch(`${server.url}/demo/`)).text()).match(/data-key="(pk_[\w-]+)"/)![1];
  const serverPid = server.child.pid!;
  const dbPid = mongo ? mongo.pid : childPids(serverPid)[0];
  const workers: ChildProcess[] = [];
  const figures: Figure[] = [];
  let latencies: number[] = [];
  let errors = 0;
  let errorCodes: Record<string, number> = {};
  let best: Step | undefined;
  let running = 0;
  const workerFile = fileURLToPath(new URL('./ingest-visitor-worker.ts', import.meta.url));

  try {
    for (let i = 0; ; i++) {
      const target = stepAt(i);
      const add = target - running;
      const perWorker = Math.ceil(add / WORKERS);
      const connected = await Promise.all(
        Array.from({ length: WORKERS }, (_, w) =>
          new Promise<{ connected: number; failed: number }>((resolve) => {
            const worker = fork(workerFile, [server.url, key, String(perWorker), `${target}-${w}`], { execArgv: ['--import', 'tsx'] });
            worker.on('message', (m: { type: string; connected?: number; latencies?: number[]; errors?: number; errorCodes?: Record<string, number> }) => {
              if (m.type === 'connected') {
                const reasons = Object.entries((m as { failedReasons?: Record<string, number> }).failedReasons ?? {});
                if (reasons.length) process.stdout.write(`    failed to connect: ${reasons.map(([why, n]) => `${why} (${n})`).join(', ')}\n`);
                resolve({ connected: m.connected!, failed: (m as { failed?: number }).failed ?? 0 });
              }
              if (m.type === 'latencies') {
                latencies.push(...m.latencies!);
                errors += m.errors!;
                for (const [code, n] of Object.entries(m.errorCodes ?? {})) errorCodes[code] = (errorCodes[code] ?? 0) + n;
              }
            });
            workers.push(worker);
          }),
        ),
      );
      running += connected.reduce((a, b) => a + b.connected, 0);
      const failedToConnect = connected.reduce((a, b) => a + b.failed, 0);
      // Measure a steady window at this level, once the new visitors' start (a burst no real site
      // sees: session and recording starts at 100 at once) has been answered.
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      latencies = [];
      errors = 0;
      errorCodes = {};
      const cpu0 = cpuSeconds(serverPid);
      const db0 = cpuSeconds(dbPid);
      await new Promise((resolve) => setTimeout(resolve, holdMs));
      const cpuS = cpuSeconds(serverPid) - cpu0;
      const dbS = cpuSeconds(dbPid) - db0;
      const acks = Math.max(latencies.length, 1);
      const step: Step = {
        visitors: running,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        cpu: (cpuS / (holdMs / 1000)) * 100,
        dbCpu: (dbS / (holdMs / 1000)) * 100,
        rss: rssMiB(serverPid),
        cpuPerBatchMs: (cpuS * 1000) / acks,
        dbCpuPerBatchMs: (dbS * 1000) / acks,
        load: loadAverage(),
      };
      // Acknowledgements still outstanding at the end of the window are not in the percentiles: a
      // server falling behind shows as fewer acks than the visitors sent.
      const expectedAcks = (running * holdMs) / BATCH_INTERVAL_MS;
      const keepingUp = latencies.length >= 0.9 * expectedAcks;
      process.stdout.write(
        `  ${running} visitors${failedToConnect ? ` (${failedToConnect} failed to connect)` : ''}: ${latencies.length}/${Math.round(expectedAcks)} acks, p50 ${step.p50.toFixed(1)} ms, p99 ${step.p99.toFixed(1)} ms, errors ${errors}${errors ? ` (${Object.entries(errorCodes).map(([c, n]) => `${c} ${n}`).join(', ')})` : ''}, server CPU ${step.cpu.toFixed(0)} % (${step.cpuPerBatchMs.toFixed(2)} ms/batch), database CPU ${step.dbCpu.toFixed(0)} % (${step.dbCpuPerBatchMs.toFixed(2)} ms/batch), server RSS ${step.rss.toFixed(0)} MiB, load ${step.load}\n`,
      );
      if (!(step.p99 <= P99_LIMIT_MS) || errors > 0 || failedToConnect > 0 || !keepingUp) break;
      best = step;
    }
  } finally {
    for (const worker of workers) worker.send({ type: 'stop' });
    // The server's own errors (logged at level error and above), so a failed level says why.
    const logged = server.output().split('\n').filter((line) => /"level":(50|60)/.test(line));
    for (const line of logged.slice(0, 3)) process.stdout.write(`    server error: ${line.slice(0, 600)}\n`);
    await server.dispose();
    await mongo?.stop();
  }
  if (profileDir) figures.push(...profileFigures(profileDir));
  const budget = embedded ? atLeast(800, 'visitors') : atLeast(2000, 'visitors');
  figures.push({ benchmark: 'ingest-capacity', figure: label('largest sustained visitor count (p99 ≤ 250 ms)'), value: best?.visitors ?? 0, unit: 'visitors', budget, note: `sustained = p99 ≤ 250 ms, no errors, ≥ 90 % of batches acknowledged in the window (measured from 4 s after the level's visitors connected); ramp goes on until a level fails; load generator shares the 2 cores${best ? `; load average ${best.load}` : ''}` });
  if (best) {
    figures.push({ benchmark: 'ingest-capacity', figure: label('ack latency p50 at that level'), value: best.p50, unit: 'ms', budget: null });
    figures.push({ benchmark: 'ingest-capacity', figure: label('ack latency p99 at that level'), value: best.p99, unit: 'ms', budget: atMost(P99_LIMIT_MS, 'ms') });
    figures.push({ benchmark: 'ingest-capacity', figure: label('server CPU per batch at that level'), value: best.cpuPerBatchMs, unit: 'ms', budget: null, note: `server ${best.cpu.toFixed(0)} % of a core` });
    figures.push({ benchmark: 'ingest-capacity', figure: label('database CPU per batch at that level'), value: best.dbCpuPerBatchMs, unit: 'ms', budget: null, note: `database ${best.dbCpu.toFixed(0)} % of a core` });
    figures.push({ benchmark: 'ingest-capacity', figure: label('server memory at that level'), value: best.rss, unit: 'MiB RSS', budget: null });
  }
  return figures;
}

/** The server's CPU profile (the largest .cpuprofile in the directory: the server, not a tsx helper). */
function profileFigures(dir: string): Figure[] {
  const files = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile')).map((name) => path.join(dir, name));
  if (!files.length) return [{ benchmark: 'ingest-capacity', figure: 'server CPU profile', value: NaN, unit: '', budget: null, note: `no profile written in ${dir}` }];
  const file = files.sort((a, b) => readFileSync(b).length - readFileSync(a).length)[0];
  const { busyMs, idleMs, top } = topSelfTime(file, 12);
  process.stdout.write(`  server CPU profile ${file}: busy ${(busyMs / 1000).toFixed(1)} s, idle ${(idleMs / 1000).toFixed(1)} s; top self time:\n`);
  for (const entry of top) process.stdout.write(`    ${(entry.share * 100).toFixed(1).padStart(5)} %  ${entry.ms.toFixed(0).padStart(6)} ms  ${entry.name}\n`);
  return top.slice(0, 5).map((entry) => ({ benchmark: 'ingest-capacity', figure: `profile: ${entry.name}`, value: entry.share * 100, unit: '% of busy server CPU', budget: null, note: 'self time, node --cpu-prof' }));
}
