import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { WIDGET_APPEARANCE_PATH } from '../server/src/protocol/events.js';
import { newPage, serverAndBrowser } from './support/fixtures.js';
import { demoApp } from './support/replay.js';

const setup = serverAndBrowser();

/** The application's look for this test: not the default indigo, not the default corner. */
const ROSE = { hex: '#e11d48', rgb: 'rgb(225, 29, 72)' };
const EDGE_PX = 20;
/** Frames sampled per page load (about 2 s of animation frames). */
const SAMPLED_FRAMES = 120;

/**
 * From the first animation frame of every page load (and at DOMContentLoaded): how the launcher
 * looks whenever it is painted (visible, with a box), before anything is clicked.
 */
function sampleLauncherFrames(maxFrames: number) {
  const frames: Array<{ color: string; left: number; bottom: number }> = [];
  const state = { frames, done: false };
  (window as unknown as { launcher: typeof state }).launcher = state;
  let count = 0;
  const sample = () => {
    const launcher = document.querySelector('chatreel-widget')?.shadowRoot?.querySelector('button.launcher');
    if (launcher) {
      const style = getComputedStyle(launcher);
      const box = launcher.getBoundingClientRect();
      if (style.visibility !== 'hidden' && box.width > 0) {
        frames.push({ color: style.backgroundColor, left: Math.round(box.left), bottom: Math.round(innerHeight - box.bottom) });
      }
    }
  };
  const onFrame = () => {
    sample();
    if (++count < maxFrames) requestAnimationFrame(onFrame);
    else state.done = true;
  };
  requestAnimationFrame(onFrame);
  document.addEventListener('DOMContentLoaded', sample);
}

async function paintedFrames(page: Page, url: string) {
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { launcher: { done: boolean } }).launcher.done, undefined, { timeout: 15_000 });
  return page.evaluate(() => (window as unknown as { launcher: { frames: Array<{ color: string; left: number; bottom: number }> } }).launcher.frames);
}

describe('the launcher’s appearance on page load', () => {
  it('is the application’s colour and corner from its first painted frame, on a first visit and on the next page', async () => {
    const app = await demoApp(setup.server);
    await setup.server.db.repos.apps.update(app.id, { settings: { 'settings.color': ROSE.hex, 'settings.position': 'left' } });
    try {
      // A fresh browser profile: nothing cached, nothing stored.
      const page = await newPage(setup.browser);
      await page.addInitScript(sampleLauncherFrames, SAMPLED_FRAMES);
      const expected = { color: ROSE.rgb, left: EDGE_PX, bottom: EDGE_PX };

      const first = await paintedFrames(page, `${setup.server.url}/demo/`);
      expect(first.length).toBeGreaterThan(0);
      expect(first.filter((frame) => JSON.stringify(frame) !== JSON.stringify(expected))).toEqual([]);
      await page.screenshot({ path: '/tmp/chatreel-launcher-first-paint.png' });

      const next = await paintedFrames(page, `${setup.server.url}/demo/checkout.html`);
      expect(next.length).toBeGreaterThan(0);
      expect(next.filter((frame) => JSON.stringify(frame) !== JSON.stringify(expected))).toEqual([]);
      await page.context().close();

      // The appearance the widget reads: public, short-cached.
      const response = await fetch(`${setup.server.url}${WIDGET_APPEARANCE_PATH}/${app.publicKey}`);
      expect(await response.json()).toEqual({ data: { appearance: { color: ROSE.hex, position: 'left' } } });
      expect(response.headers.get('cache-control')).toMatch(/^public, max-age=60\b/);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect((await fetch(`${setup.server.url}${WIDGET_APPEARANCE_PATH}/pk_unknownkey123`)).status).toBe(404);
    } finally {
      await setup.server.db.repos.apps.update(app.id, { settings: { 'settings.color': '#4f46e5', 'settings.position': 'right' } });
    }
  });
});
