import { signInThroughConsole } from '../e2e/support/fixtures.js';
import { launchChromium } from '../e2e/support/browser.js';
import { storeRecording } from '../e2e/support/replay.js';
import { startTestServer } from '../server/src/testing/test-server.js';
import { atMost, type Benchmark, type Figure } from './figure.js';
import { FIRST_FRAME_ID, thirtyMinuteSession } from './fixtures/long-session.js';
import { percentile } from './stats.js';
import { DEEP_IFRAME_SOURCE } from './fixtures/replay-iframe-probe.js';

const BENCH = 'replay-first-frame';
/** Generous: on a loaded machine the chunk list alone took over 30 s; a figure beats a timeout. */
const FIRST_FRAME_TIMEOUT_MS = 120_000;

/**
 * Runs in the console page from its first byte: on every animation frame, looks for the recording's
 * first-frame marker in the replay iframe (through open shadow roots; the sandbox keeps
 * allow-same-origin so the parent may read it) and notes performance.now() — time since navigation
 * started — on the first frame that shows it. A string: tsx would wrap named functions in a helper.
 */
const FIRST_FRAME_PROBE = `(() => {
  if (window.top !== window) return;
  ${DEEP_IFRAME_SOURCE}
  const tick = () => {
    const iframe = document.documentElement && deepIframe(document);
    const doc = iframe && iframe.contentDocument;
    if (doc && doc.getElementById('${FIRST_FRAME_ID}')) {
      window.__firstFrameAt = performance.now();
      return;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})()`;

/** Navigation → first frame of a 30-minute recording in the console's replay viewer (Chromium). */
export const replayFirstFrame: Benchmark = {
  name: BENCH,
  description: 'a 30-minute session (six pages, 720 stored 2-s batches): console replay navigation → first frame in the player iframe',
  async run({ quick, options }) {
    const runs = quick ? 3 : 10;
    // `--layout=compacted`: the completed session as it is kept once compacted (issue 20: brotli segments).
    const compacted = options.layout === 'compacted';
    const server = await startTestServer();
    const browser = await launchChromium();
    try {
      const seedStarted = Date.now();
      const batches = thirtyMinuteSession(Date.now() - 3 * 3600_000);
      const { appId, sessionId } = await storeRecording(server, batches);
      if (compacted && (await server.app.compaction.compact(sessionId)) !== 'compacted') throw new Error('the session was not compacted');
      const events = batches.reduce((total, batch) => total + batch.length, 0);
      const rawMiB = Buffer.byteLength(JSON.stringify(batches)) / 2 ** 20;
      process.stdout.write(`  stored ${batches.length} batches (${events} events, ${rawMiB.toFixed(1)} MiB raw) in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s\n`);

      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const login = await context.newPage();
      await signInThroughConsole(login, server.url);
      await login.getByRole('button', { name: 'Sign out' }).waitFor();
      await login.close();
      await context.addInitScript({ content: FIRST_FRAME_PROBE });

      const times: number[] = [];
      const stages: Array<{ manifestStart: number; manifestEnd: number; chunkEnd: number }> = [];
      for (let run = 0; run < runs; run++) {
        // Each run a new tab; the first one's cache is cold for the replay's code (rrweb-player).
        const page = await context.newPage();
        await page.goto(`${server.url}/#/replay/${appId}/${sessionId}`);
        const handle = await page.waitForFunction(() => (window as unknown as { __firstFrameAt?: number }).__firstFrameAt, undefined, { timeout: FIRST_FRAME_TIMEOUT_MS, polling: 50 });
        times.push((await handle.jsonValue()) as number);
        // Where the time went, from the same navigation's Resource Timing (ms since navigation start).
        const timing = await page.evaluate(() => {
          const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
          const manifest = entries.find((e) => /\/replay(\?|$)/.test(e.name));
          const first = entries.find((e) => /\/replay\/chunks\/1(\?|$)/.test(e.name));
          return { manifestStart: manifest?.startTime ?? NaN, manifestEnd: manifest?.responseEnd ?? NaN, chunkEnd: first?.responseEnd ?? NaN };
        });
        stages.push(timing);
        await page.close();
      }
      const [cold, ...warm] = times;
      const median = (pick: (s: (typeof stages)[number]) => number) => percentile(stages.map(pick), 50).toFixed(0);
      const breakdown = `medians since navigation: manifest request sent ${median((s) => s.manifestStart)} ms, manifest in ${median((s) => s.manifestEnd)} ms, first chunk in ${median((s) => s.chunkEnd)} ms, first frame ${percentile(times, 50).toFixed(0)} ms`;
      const figures: Figure[] = [
        { benchmark: BENCH, figure: 'navigation → first frame, first open', value: cold, unit: 'ms', budget: atMost(1000, 'ms'), note: `console and player code not yet cached; ${batches.length} chunks, ${rawMiB.toFixed(1)} MiB raw${compacted ? ', compacted (--layout=compacted)' : ''}` },
        { benchmark: BENCH, figure: 'navigation → first frame, later opens p50', value: percentile(warm, 50), unit: 'ms', budget: atMost(1000, 'ms'), note: `max ${Math.max(...warm).toFixed(0)} ms over ${warm.length} opens (code cached)` },
        { benchmark: BENCH, figure: 'manifest (chunk list) request duration p50', value: percentile(stages.map((t) => t.manifestEnd - t.manifestStart), 50), unit: 'ms', budget: null, note: breakdown },
      ];
      return figures;
    } finally {
      await browser.close();
      await server.close();
    }
  },
};
