import os from 'node:os';
import { gunzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { launchChromium } from '../e2e/support/browser.js';
import { newPage } from '../e2e/support/fixtures.js';
import { demoAppId, startChat } from '../e2e/support/recording.js';
import { openReplay, replayFrame } from '../e2e/support/replay.js';
import { HttpClient } from '../server/src/testing/http-client.js';
import { startServerProcess } from '../server/src/testing/server-process.js';
import { atMost, type Benchmark, type Figure } from './figure.js';
import { percentile } from './stats.js';
import { startVisitorLoad, type VisitorLoad } from './visitor-load.js';
import { DEEP_IFRAME_SOURCE } from './fixtures/replay-iframe-probe.js';

const BENCH = 'live-latency';
const CHANGES = 200;
const MARKER = /"data-bench-marker":"(\d+)"/g;
/** After the last change, how long the agent's screen may take before a marker counts as lost. */
const SETTLE_MS = 10_000;

/** Node-side arrival times of markers in websocket frames (binary frames are gzip batches). */
function tapMarkers(page: Page, direction: 'framesent' | 'framereceived'): Map<number, number> {
  const seen = new Map<number, number>();
  const onFrame = ({ payload }: { payload: string | Buffer }) => {
    if (typeof payload === 'string') return;
    const at = Date.now();
    let text: string;
    try {
      text = gunzipSync(payload).toString('utf8');
    } catch {
      return;
    }
    for (const match of text.matchAll(MARKER)) if (!seen.has(Number(match[1]))) seen.set(Number(match[1]), at);
  };
  page.on('websocket', (ws) => (direction === 'framesent' ? ws.on('framesent', onFrame) : ws.on('framereceived', onFrame)));
  return seen;
}

/**
 * In the agent's page: every animation frame, note when each marker first exists in the replay
 * iframe's document (the parent may read it: the sandbox keeps allow-same-origin). rAF time is when
 * the frame that shows it is produced.
 */
async function watchReplayFrame(agent: Page): Promise<void> {
  // A string, not a function: tsx would wrap the inner named functions in a helper the page lacks.
  await agent.evaluate(`(() => {
    const w = window;
    w.__shown = {};
    w.__frames = 0;
    w.__t0 = performance.now();
    ${DEEP_IFRAME_SOURCE}
    let iframe = null;
    const tick = () => {
      w.__frames++;
      const now = Date.now();
      if (!iframe || !iframe.isConnected) iframe = deepIframe(document);
      const doc = iframe && iframe.contentDocument;
      if (doc) for (const el of doc.querySelectorAll('[data-bench-marker]')) {
        const n = Number(el.getAttribute('data-bench-marker'));
        if (w.__shown[n] === undefined) w.__shown[n] = now;
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })()`);
}

/** Load beside the loaded phase, unless `--visitors=N` says otherwise (half the embedded ingest budget). */
const LOAD_VISITORS = 400;
/** After the load's visitors connected, before the loaded phase is measured. */
const LOAD_SETTLE_MS = 4_000;

interface Phase {
  latencies: number[];
  stages: { flush: number[]; server: number[]; replay: number[] };
  lost: number;
  frames: number;
  /** How many of the phase's markers each websocket tap saw. */
  tapped?: string;
}

/**
 * One phase: CHANGES visitor DOM changes (markers `first`…), at random gaps so they fall at every
 * phase of the widget's send rhythm, each timed to the agent's screen and split by the frames tapped.
 */
async function measurePhase(visitor: Page, agent: Page, taps: { sent: Map<number, number>; received: Map<number, number> }, first: number, [minGap, maxGap]: number[]): Promise<Phase> {
  await agent.evaluate(() => {
    const w = window as unknown as { __frames: number; __t0: number };
    w.__frames = 0;
    w.__t0 = performance.now();
  });
  const created = await visitor.evaluate(
    async ({ count, first, minGap, maxGap }) => {
      const box = document.getElementById('bench-markers')!;
      const at: number[] = [];
      for (let i = 0; i < count; i++) {
        const el = document.createElement('span');
        el.setAttribute('data-bench-marker', String(first + i));
        el.textContent = `change ${first + i}`;
        at[i] = Date.now();
        box.append(el);
        await new Promise((resolve) => setTimeout(resolve, minGap + Math.random() * (maxGap - minGap)));
      }
      return at;
    },
    { count: CHANGES, first, minGap, maxGap },
  );
  const shownCount = () =>
    agent.evaluate((first) => Object.keys((window as unknown as { __shown: object }).__shown).filter((n) => Number(n) >= first).length, first);
  const deadline = Date.now() + SETTLE_MS;
  while ((await shownCount()) < CHANGES && Date.now() < deadline) await agent.waitForTimeout(100);
  const { shown, frames } = await agent.evaluate(() => {
    const w = window as unknown as { __shown: Record<number, number>; __frames: number; __t0: number };
    return { shown: w.__shown, frames: w.__frames / ((performance.now() - w.__t0) / 1000) };
  });
  const phase: Phase = { latencies: [], stages: { flush: [], server: [], replay: [] }, lost: 0, frames };
  for (let i = 0; i < CHANGES; i++) {
    const at = shown[first + i];
    if (at === undefined) continue;
    phase.latencies.push(at - created[i]);
    const out = taps.sent.get(first + i);
    const inn = taps.received.get(first + i);
    if (out === undefined || inn === undefined) continue;
    phase.stages.flush.push(out - created[i]);
    phase.stages.server.push(inn - out);
    phase.stages.replay.push(at - inn);
  }
  phase.lost = CHANGES - phase.latencies.length;
  const tapped = (taps: Map<number, number>) => [...taps.keys()].filter((n) => n >= first && n < first + CHANGES).length;
  // Where a lost change stopped: never sent by the widget, never received by the agent, or not shown.
  phase.tapped = `sent ${tapped(taps.sent)}, received ${tapped(taps.received)}, shown ${phase.latencies.length} of ${CHANGES}`;
  return phase;
}

function phaseFigures(phase: Phase, label: string, budget: Figure['budget'], load: string, gaps: number[]): Figure[] {
  const stage = (values: number[]) => `p50 ${percentile(values, 50).toFixed(0)} / p95 ${percentile(values, 95).toFixed(0)} ms`;
  const { flush, server, replay } = phase.stages;
  const breakdown = `visitor → sent ${stage(flush)}; sent → agent received ${stage(server)}; received → shown ${stage(replay)}`;
  const figures: Figure[] = [
    { benchmark: BENCH, figure: `${label}: change → shown p50`, value: percentile(phase.latencies, 50), unit: 'ms', budget: null, note: `${phase.latencies.length}/${CHANGES} changes seen, ${phase.lost} lost; gaps ${gaps[0]}–${gaps[1]} ms; ${load}` },
    { benchmark: BENCH, figure: `${label}: change → shown p95`, value: percentile(phase.latencies, 95), unit: 'ms', budget, note: breakdown },
    { benchmark: BENCH, figure: `${label}: agent page animation frames`, value: phase.frames, unit: 'frames/s', budget: null, note: 'rAF rate of the observer (its time resolution)' },
  ];
  if (phase.lost > 0) figures.push({ benchmark: BENCH, figure: `${label}: changes never shown`, value: phase.lost, unit: 'changes', budget: atMost(0, 'changes'), note: phase.tapped });
  return figures;
}

/**
 * Visitor DOM change → the agent's live replay shows it, both pages in one Chromium (one clock:
 * Date.now()): first on the otherwise idle server, then with recording visitors loading it (the
 * budget's condition). `--visitors=N` sets the load.
 */
export const liveLatency: Benchmark = {
  name: BENCH,
  description: `${CHANGES} visitor DOM changes on the demo page → seen in the agent's live replay iframe (Chromium, loopback), quiet and then beside recording visitors (\`--visitors=N\`, default ${LOAD_VISITORS})`,
  async run({ quick, options }) {
    const gaps = quick ? [25, 100] : [100, 300];
    const visitors = Number(options.visitors ?? LOAD_VISITORS);
    const server = await startServerProcess({ LOG_LEVEL: 'error' });
    const browser = await launchChromium();
    let load: VisitorLoad | undefined;
    try {
      const owner = new HttpClient(server.url);
      await owner.signIn();
      const appId = await demoAppId(owner);
      const visitor = await newPage(browser);
      const taps = { sent: tapMarkers(visitor, 'framesent'), received: new Map<number, number>() };
      await visitor.goto(`${server.url}/demo/`);
      const sessionId = await startChat(visitor);
      await visitor.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<div id="bench-markers"></div>'));

      const agent = await newPage(browser);
      agent.on('pageerror', (error) => process.stdout.write(`    agent page error: ${error.message}\n`));
      visitor.on('pageerror', (error) => process.stdout.write(`    visitor page error: ${error.message}\n`));
      taps.received = tapMarkers(agent, 'framereceived');
      await openReplay(agent, server.url, appId, sessionId);
      await agent.locator('replay-view').getByRole('status').filter({ hasText: 'LIVE' }).waitFor({ timeout: 30_000 });
      const { frame } = await replayFrame(agent);
      await frame.locator('#bench-markers').waitFor({ state: 'attached', timeout: 15_000 });
      await visitor.locator('chatreel-widget').getByText('An agent is viewing this page with you.').waitFor({ timeout: 10_000 });
      await watchReplayFrame(agent);

      const quietLoad = `server otherwise idle; load average ${os.loadavg()[0].toFixed(2)} (${os.cpus().length} CPUs)`;
      const quiet = await measurePhase(visitor, agent, taps, 0, gaps);
      const quietNote = `${quietLoad} → ${os.loadavg()[0].toFixed(2)}`;
      process.stdout.write(`  quiet: p95 ${percentile(quiet.latencies, 95).toFixed(0)} ms (${quietNote})\n`);

      const key = (await (await fetch(`${server.url}/demo/`)).text()).match(/data-key="(pk_[\w-]+)"/)![1];
      load = await startVisitorLoad(server.url, key, visitors, server.child.pid!);
      await new Promise((resolve) => setTimeout(resolve, LOAD_SETTLE_MS));
      load.mark();
      const loaded = await measurePhase(visitor, agent, taps, 100_000, gaps);
      const loadNote = load.report();
      process.stdout.write(`  loaded: p95 ${percentile(loaded.latencies, 95).toFixed(0)} ms beside ${loadNote}\n`);
      return [...phaseFigures(quiet, 'quiet', null, quietNote, gaps), ...phaseFigures(loaded, 'loaded', atMost(250, 'ms'), loadNote, gaps)];
    } finally {
      // The server's own errors (level error and above), so a lost change says why.
      const logged = server.output().split('\n').filter((line) => /"level":(50|60)/.test(line));
      for (const line of logged.slice(0, 3)) process.stdout.write(`    server error: ${line.slice(0, 600)}\n`);
      load?.stop();
      await browser.close();
      await server.dispose();
    }
  },
};
