import type { Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../server/src/protocol/recording-events.js';
import { newPage, serverAndBrowser } from './support/fixtures.js';
import { openReplay, replayFrame, storeRecording } from './support/replay.js';

const SESSION_MS = 30 * 60_000;
const TICK_MS = 1000;
const CHUNK_MS = 10_000;

/**
 * A synthetic 30-minute recording: one page whose counter changes every second while the pointer
 * moves, cut into one chunk per 10 s (180 chunks), as the widget would send them.
 */
function syntheticSession(start: number): RecordedEvent[][] {
  let id = 0;
  const node = (tagName: string, childNodes: unknown[] = [], attributes: Record<string, string> = {}) => ({ type: 2, tagName, attributes, childNodes, id: ++id });
  const counterText = { type: 3, textContent: '0', id: 0 };
  const heading = node('h1', [{ type: 3, textContent: 'Synthetic session', id: ++id }]);
  counterText.id = ++id;
  const counter = node('span', [counterText], { id: 'counter' });
  const body = node('body', [heading, counter]);
  const doc = { type: 0, id: ++id, childNodes: [node('html', [node('head'), body])] };
  const events: RecordedEvent[] = [
    { type: 4, timestamp: start, data: { href: 'http://synthetic.example/', width: 1024, height: 640 } },
    { type: 2, timestamp: start + 1, data: { node: doc, initialOffset: { top: 0, left: 0 } } },
  ];
  for (let at = TICK_MS; at <= SESSION_MS; at += TICK_MS) {
    const tick = at / TICK_MS;
    events.push({ type: 3, timestamp: start + at, data: { source: 0, texts: [{ id: counterText.id, value: String(tick) }], attributes: [], removes: [], adds: [] } });
    events.push({ type: 3, timestamp: start + at + 500, data: { source: 1, positions: [{ x: 100 + (tick % 400), y: 200, id: body.id, timeOffset: 0 }] } });
  }
  const chunks: RecordedEvent[][] = [];
  for (const event of events) {
    const index = Math.floor((event.timestamp - start) / CHUNK_MS);
    (chunks[index] ??= []).push(event);
  }
  return chunks.filter(Boolean);
}

const setup = serverAndBrowser();
/** A chunk request's seq (its URL also names the chunk's version: `/chunks/12?v=…`). */
const chunkSeq = (route: Route) => Number(new URL(route.request().url()).pathname.split('/').pop());

describe('a long recording', () => {
  it('shows its first frame before all chunks have arrived, with a progress bar, then the whole 30 minutes', async () => {
    const batches = syntheticSession(Date.UTC(2026, 10, 1, 9));
    expect(batches).toHaveLength(SESSION_MS / CHUNK_MS + 1);
    const { appId, sessionId } = await storeRecording(setup.server, batches);

    const page = await newPage(setup.browser);
    // Hold back every chunk but the first until the first frame has been seen.
    const held: Route[] = [];
    const served: number[] = [];
    let release = false;
    await page.route('**/replay/chunks/*', (route) => {
      const seq = chunkSeq(route);
      if (seq === 1 || release) {
        served.push(seq);
        return route.continue();
      }
      held.push(route);
    });
    await openReplay(page, setup.server.url, appId, sessionId);
    const { frame } = await replayFrame(page);
    await expect.poll(() => frame.locator('h1').textContent().catch(() => null), { timeout: 10_000 }).toBe('Synthetic session');
    expect(await frame.locator('#counter').textContent()).toBe('0');

    // First frame on screen while the rest is still on its way, and the progress bar says so.
    expect(served).toEqual([1]);
    expect(held.length).toBeGreaterThan(0);
    const progress = page.getByRole('progressbar', { name: 'Loading the recording' });
    expect(await progress.evaluate((bar: HTMLProgressElement) => [bar.value, bar.max])).toEqual([1, batches.length]);

    release = true;
    for (const route of held.splice(0)) {
      served.push(chunkSeq(route));
      await route.continue();
    }
    await progress.waitFor({ state: 'detached', timeout: 60_000 });
    expect(new Set(served).size).toBe(batches.length);
    await expect.poll(() => page.locator('replay-view .rr-timeline__time').last().textContent()).toBe('30:00');

    // The arrow keys seek 5 s each: 15 s in, the counter (one tick per second) reads 14 or 15
    // (an event exactly at the playhead may or may not have been applied yet); back 5 s, 9 or 10.
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await expect.poll(() => frame.locator('#counter').textContent()).toMatch(/^1[45]$/);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => frame.locator('#counter').textContent()).toMatch(/^(9|10)$/);

    // Space plays: the counter moves on. Space again pauses it.
    await page.keyboard.press('Space');
    await expect.poll(() => frame.locator('#counter').textContent().then(Number), { timeout: 10_000 }).toBeGreaterThan(10);
    await page.keyboard.press('Space');

    // Fullscreen, and Esc leaves it; Esc outside fullscreen leaves the viewer for the sessions list.
    const fullscreenTag = () => page.evaluate(() => document.fullscreenElement?.tagName ?? null);
    await page.locator('replay-view').getByRole('button', { name: 'Fullscreen' }).click();
    await expect.poll(fullscreenTag).toBe('CHATREEL-CONSOLE');
    await page.keyboard.press('Escape');
    await expect.poll(fullscreenTag).toBe(null);
    expect(new URL(page.url()).hash).toBe(`#/replay/${appId}/${sessionId}`);
    await page.keyboard.press('Escape');
    await expect.poll(() => new URL(page.url()).hash).toBe('#/sessions');
    await page.context().close();
  });
});
