import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { HttpClient } from '../server/src/testing/http-client.js';
import { childPids, isAlive, startServerProcess } from '../server/src/testing/server-process.js';
import { topSelfTime } from './cpu-profile-summary.js';
import { atMost, type Benchmark, type Figure } from './figure.js';
import { cpuSeconds, rssMiB } from './proc-stats.js';
import { percentile } from './stats.js';

/**
 * Issue #14's soak: 200 attacking visitors (only the public widget key, each from its own loopback
 * address) send the worst recordings and floods for a minute while 20 honest visitors record and chat
 * from 127.0.0.1. Honest visitors must lose nothing and keep p99 ack ≤ 500 ms; /healthz p99 ≤ 200 ms;
 * the server's memory stays under MAX_RSS_MIB. Loopback only, bounded in time.
 */
const ATTACKERS = 200;
const ATTACKER_PROCESSES = 4;
const HONEST = 20;
const HONEST_ACK_P99_MS = 500;
const HEALTHZ_P99_MS = 200;
const HEALTHZ_POLL_MS = 100;
/** The bound we hold the server process to (heap, worker threads and buffers; the embedded database is a separate process). */
const MAX_RSS_MIB = 1_024;
const add = (into: Record<string, number>, from: Record<string, number>) => {
  for (const [code, n] of Object.entries(from)) into[code] = (into[code] ?? 0) + n;
};

export const hostileSoak: Benchmark = {
  name: 'hostile-soak',
  description: `${ATTACKERS} attacking visitors send the worst recordings and floods while ${HONEST} honest visitors record and chat; nothing lost, acks, /healthz and memory bounded`,
  async run({ quick }) {
    const holdMs = quick ? 20_000 : 60_000;
    // `--profile`: the server runs under `node --cpu-prof`; its top self-time functions are printed.
    const profileDir = process.argv.includes('--profile') ? mkdtempSync(path.join(os.tmpdir(), 'chatreel-soak-prof-')) : undefined;
    const server = await startServerProcess({ LOG_LEVEL: 'error' }, undefined, { execArgv: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [] });
    const serverPid = server.child.pid!;
    const dbPid = childPids(serverPid)[0];
    const key = (await (await fetch(`${server.url}/demo/`)).text()).match(/data-key="(pk_[\w-]+)"/)![1];
    const owner = new HttpClient(server.url);
    await owner.signIn();
    const apps = await owner.request('GET', '/api/apps', undefined, { origin: server.url });
    const appId = String(apps.json.data.apps.find((app: { demo: boolean }) => app.demo).id);
    const children: ChildProcess[] = [];
    const workerFile = (name: string) => fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
    const honestLatencies: number[] = [];
    const honestRefusals: Record<string, number> = {};
    const attackAnswers: Record<string, number>[] = Array.from({ length: ATTACKER_PROCESSES }, () => ({}));
    const healthz: number[] = [];
    /** A request no database answers (a 404 of the API): how long the event loop itself takes to answer. */
    const loopProbe: number[] = [];
    let healthzFailures = 0;
    let maxRss = 0;
    let maxDbRss = 0;

    try {
      const honest = fork(workerFile('hostile-honest-worker'), [server.url, key, String(HONEST)], { execArgv: ['--import', 'tsx'] });
      children.push(honest);
      let report: Array<{ sessionId: string; ackedSeqs: number[]; sentClientIds: string[] }> = [];
      const done = new Promise<void>((resolve) =>
        honest.on('message', (m: { type: string; latencies?: number[]; refusals?: Record<string, number>; report?: typeof report }) => {
          if (m.type === 'latencies') {
            honestLatencies.push(...m.latencies!);
            add(honestRefusals, m.refusals!);
          }
          if (m.type === 'done') {
            report = m.report!;
            resolve();
          }
        }),
      );
      await new Promise<void>((resolve, reject) => {
        honest.once('message', (m: { type: string }) => (m.type === 'connected' ? resolve() : reject(new Error(`honest visitors: ${m.type}`))));
        honest.once('exit', (code) => reject(new Error(`honest visitors exited with ${code}`)));
      });
      const perProcess = ATTACKERS / ATTACKER_PROCESSES;
      for (let w = 0; w < ATTACKER_PROCESSES; w++) {
        const attacker = fork(workerFile('hostile-attacker-worker'), [server.url, key, String(perProcess), String(1 + w * perProcess)], { execArgv: ['--import', 'tsx'] });
        attacker.on('message', (m: { type: string; answers?: Record<string, number> }) => {
          if (m.type === 'answers') attackAnswers[w] = m.answers!;
        });
        children.push(attacker);
      }

      const cpu0 = cpuSeconds(serverPid);
      const dbCpu0 = cpuSeconds(dbPid);
      const until = Date.now() + holdMs;
      while (Date.now() < until) {
        const sentAt = performance.now();
        const ok = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.ok, () => false);
        const tookMs = performance.now() - sentAt;
        if (ok) healthz.push(tookMs);
        else healthzFailures += 1;
        const probeAt = performance.now();
        await fetch(`${server.url}/api/no-such-thing`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.text(), () => '');
        loopProbe.push(performance.now() - probeAt);
        maxRss = Math.max(maxRss, rssMiB(serverPid));
        maxDbRss = Math.max(maxDbRss, rssMiB(dbPid));
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, HEALTHZ_POLL_MS - tookMs)));
      }
      const serverCpu = ((cpuSeconds(serverPid) - cpu0) / (holdMs / 1000)) * 100;
      const dbCpu = ((cpuSeconds(dbPid) - dbCpu0) / (holdMs / 1000)) * 100;

      for (const child of children.slice(1)) child.send({ type: 'stop' });
      honest.send({ type: 'stop' });
      await done;
      const alive = isAlive(serverPid);

      // Lost: an acknowledged batch or message the owner cannot find afterwards.
      let lostBatches = 0;
      let lostMessages = 0;
      let acked = 0;
      let sent = 0;
      for (const visitor of report) {
        const replay = await owner.request('GET', `/api/apps/${appId}/sessions/${visitor.sessionId}/replay`, undefined, { origin: server.url });
        const storedSeqs = new Set<number>((replay.json?.data?.chunks ?? []).map((chunk: { seq: number }) => chunk.seq));
        const storedClientIds = new Set<string>((replay.json?.data?.messages ?? []).map((message: { clientId?: string }) => message.clientId));
        acked += visitor.ackedSeqs.length;
        sent += visitor.sentClientIds.length;
        lostBatches += visitor.ackedSeqs.filter((seq) => !storedSeqs.has(seq)).length;
        lostMessages += visitor.sentClientIds.filter((id) => !storedClientIds.has(id)).length;
      }

      const answers: Record<string, number> = {};
      for (const a of attackAnswers) add(answers, a);
      const attackSummary = Object.entries(answers).sort((a, b) => b[1] - a[1]).map(([code, n]) => `${code} ${n}`).join(', ');
      const refusalSummary = Object.entries(honestRefusals).map(([code, n]) => `${code} ${n}`).join(', ') || 'none';
      process.stdout.write(`  attackers' answers: ${attackSummary}\n  honest refusals (retried): ${refusalSummary}\n`);
      const figures: Figure[] = [
        { benchmark: 'hostile-soak', figure: 'server alive after the soak', value: alive ? 1 : 0, unit: '1 = yes', budget: { label: '= 1', check: (v) => v === 1 } },
        { benchmark: 'hostile-soak', figure: 'honest batches and messages lost', value: lostBatches + lostMessages, unit: 'entries', budget: atMost(0, 'entries'), note: `${acked} batches and ${sent} messages acknowledged; lost ${lostBatches} batches, ${lostMessages} messages` },
        { benchmark: 'hostile-soak', figure: 'honest ack latency p99', value: percentile(honestLatencies, 99), unit: 'ms', budget: atMost(HONEST_ACK_P99_MS, 'ms'), note: `p50 ${percentile(honestLatencies, 50).toFixed(0)} ms over ${honestLatencies.length} acks; refusals retried: ${refusalSummary}` },
        { benchmark: 'hostile-soak', figure: '/healthz p99 during the attack', value: percentile(healthz, 99), unit: 'ms', budget: atMost(HEALTHZ_P99_MS, 'ms'), note: `p50 ${percentile(healthz, 50).toFixed(0)} ms, max ${Math.max(...healthz).toFixed(0)} ms, ${healthz.length} probes, ${healthzFailures} failed; a request without the database (API 404): p50 ${percentile(loopProbe, 50).toFixed(0)} ms, p99 ${percentile(loopProbe, 99).toFixed(0)} ms` },
        { benchmark: 'hostile-soak', figure: 'server memory, peak', value: maxRss, unit: 'MiB RSS', budget: atMost(MAX_RSS_MIB, 'MiB'), note: `embedded database peak ${maxDbRss.toFixed(0)} MiB; CPU: server ${serverCpu.toFixed(0)} %, embedded database ${dbCpu.toFixed(0)} % of a core; machine load average ${os.loadavg()[0].toFixed(1)} at the end` },
        { benchmark: 'hostile-soak', figure: 'attack requests answered', value: Object.values(answers).reduce((a, b) => a + b, 0), unit: 'answers', budget: null, note: `${ATTACKERS} attackers, ${holdMs / 1000} s; ${attackSummary}`.slice(0, 600) },
      ];
      return figures;
    } finally {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
      await server.dispose();
      if (profileDir) printProfile(profileDir);
    }
  },
};

/** The server's CPU profile: the largest .cpuprofile in the directory (the server, not a tsx helper). */
function printProfile(dir: string): void {
  const files = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile')).map((name) => path.join(dir, name));
  const file = files.sort((a, b) => statSync(b).size - statSync(a).size)[0];
  if (!file) return void process.stdout.write(`  no CPU profile written in ${dir}\n`);
  const { busyMs, idleMs, top } = topSelfTime(file, 20);
  process.stdout.write(`  server CPU profile ${file}: busy ${(busyMs / 1000).toFixed(1)} s, idle ${(idleMs / 1000).toFixed(1)} s; top self time:\n`);
  for (const entry of top) process.stdout.write(`    ${(entry.share * 100).toFixed(1).padStart(5)} %  ${entry.ms.toFixed(0).padStart(6)} ms  ${entry.name}\n`);
}
