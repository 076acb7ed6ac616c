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

/** Visitor DOM change → the agent's live replay shows it, both pages in one Chromium (one clock: Date.now()). */
export const liveLatency: Benchmark = {
  name: BENCH,
  description: `${CHANGES} visitor DOM changes on the demo page → seen in the agent's live replay iframe (Chromium, loopback)`,
  async run({ quick }) {
    const [minGapMs, maxGapMs] = quick ? [25, 100] : [100, 300];
    const server = await startServerProcess({ LOG_LEVEL: 'error' });
    const browser = await launchChromium();
    try {
      const owner = new HttpClient(server.url);
      await owner.signIn();
      const appId = await demoAppId(owner);
      const visitor = await newPage(browser);
      const sent = tapMarkers(visitor, 'framesent');
      await visitor.goto(`${server.url}/demo/`);
      const sessionId = await startChat(visitor);
      await visitor.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<div id="bench-markers"></div>'));

      const agent = await newPage(browser);
      const received = tapMarkers(agent, 'framereceived');
      await openReplay(agent, server.url, appId, sessionId);
      await agent.locator('replay-view').getByRole('status').filter({ hasText: 'LIVE' }).waitFor({ timeout: 30_000 });
      const { frame } = await replayFrame(agent);
      await frame.locator('#bench-markers').waitFor({ state: 'attached', timeout: 15_000 });
      await visitor.locator('chatreel-widget').getByText('An agent is viewing this page with you.').waitFor({ timeout: 10_000 });
      await watchReplayFrame(agent);

      // Changes at random gaps, so they fall at every phase of the widget's flush rhythm.
      const created = await visitor.evaluate(
        async ({ count, minGap, maxGap }) => {
          const box = document.getElementById('bench-markers')!;
          const at: number[] = [];
          for (let i = 0; i < count; i++) {
            const el = document.createElement('span');
            el.setAttribute('data-bench-marker', String(i));
            el.textContent = `change ${i}`;
            at[i] = Date.now();
            box.append(el);
            await new Promise((resolve) => setTimeout(resolve, minGap + Math.random() * (maxGap - minGap)));
          }
          return at;
        },
        { count: CHANGES, minGap: minGapMs, maxGap: maxGapMs },
      );
      const shownCount = () => agent.evaluate(() => Object.keys((window as unknown as { __shown: object }).__shown).length);
      const deadline = Date.now() + SETTLE_MS;
      while ((await shownCount()) < CHANGES && Date.now() < deadline) await agent.waitForTimeout(100);
      const { shown, frames, since } = await agent.evaluate(() => {
        const w = window as unknown as { __shown: Record<number, number>; __frames: number; __t0: number };
        return { shown: w.__shown, frames: w.__frames, since: performance.now() - w.__t0 };
      });

      const latencies: number[] = [];
      const stages = { flush: [] as number[], server: [] as number[], replay: [] as number[] };
      for (let i = 0; i < CHANGES; i++) {
        if (shown[i] === undefined) continue;
        latencies.push(shown[i] - created[i]);
        const out = sent.get(i);
        const inn = received.get(i);
        if (out !== undefined && inn !== undefined) {
          stages.flush.push(out - created[i]);
          stages.server.push(inn - out);
          stages.replay.push(shown[i] - inn);
        }
      }
      const lost = CHANGES - latencies.length;
      const stage = (values: number[]) => `p50 ${percentile(values, 50).toFixed(0)} / p95 ${percentile(values, 95).toFixed(0)} ms`;
      const breakdown = `visitor → sent ${stage(stages.flush)}; sent → agent received ${stage(stages.server)}; received → shown ${stage(stages.replay)}`;
      const figures: Figure[] = [
        { benchmark: BENCH, figure: 'change → shown p50', value: percentile(latencies, 50), unit: 'ms', budget: null, note: `${latencies.length}/${CHANGES} changes seen, ${lost} lost; gaps ${minGapMs}–${maxGapMs} ms` },
        { benchmark: BENCH, figure: 'change → shown p95', value: percentile(latencies, 95), unit: 'ms', budget: atMost(500, 'ms'), note: breakdown },
        { benchmark: BENCH, figure: 'agent page animation frames', value: frames / (since / 1000), unit: 'frames/s', budget: null, note: 'rAF rate of the observer (its time resolution)' },
      ];
      if (lost > 0) figures.push({ benchmark: BENCH, figure: 'changes never shown', value: lost, unit: 'changes', budget: atMost(0, 'changes') });
      return figures;
    } finally {
      await browser.close();
      await server.dispose();
    }
  },
};
