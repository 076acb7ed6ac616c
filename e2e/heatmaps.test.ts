import { describe, expect, it } from 'vitest';
import type { Heatmap } from '../server/src/protocol/heatmaps.js';
import { HttpClient } from '../server/src/testing/http-client.js';
import { waitUntil } from '../server/src/testing/server-process.js';
import { newPage, serverAndBrowser, signInThroughConsole } from './support/fixtures.js';
import { recorderRunning, startChat, waitForSettledSeqs } from './support/recording.js';
import { demoApp } from './support/replay.js';

/**
 * Issue 22, part 4, through the UI: a visitor on the demo shop clicks "Add to basket" three times and
 * scrolls; once the session completes, the owner opens Heatmaps, asks for /demo and sees the click
 * density drawn over the demo page rebuilt from its stored snapshot (in the sandboxed replay frame),
 * hot where the visitor clicked and clear elsewhere, then the scroll depth map.
 */

const VISITOR_VIEWPORT = { width: 1280, height: 720 };
const AGENT_VIEWPORT = { width: 1440, height: 1000 };
const CLICKS = 3;

const setup = serverAndBrowser();

describe('heatmaps in the console', () => {
  it('draws the clicks of a completed session over its page, and the scroll depth', async () => {
    const app = await demoApp(setup.server);
    const owner = new HttpClient(setup.server.url);
    await owner.signIn();

    const visitor = await newPage(setup.browser, VISITOR_VIEWPORT);
    await visitor.goto(`${setup.server.url}/demo/`);
    const sessionId = await startChat(visitor);
    // The recorder's chunk arrives after the session: clicks before it runs are not recorded.
    await recorderRunning(visitor);
    await visitor.getByRole('button', { name: 'Close chat' }).click();
    const add = visitor.getByRole('button', { name: 'Add to basket' }).first();
    const box = (await add.boundingBox())!;
    const scrollY = await visitor.evaluate(() => window.scrollY);
    const clicked = { x: box.x + box.width / 2, y: box.y + box.height / 2 + scrollY };
    for (let i = 0; i < CLICKS; i++) await visitor.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await visitor.mouse.wheel(0, 400);
    await waitForSettledSeqs(owner, app.id, sessionId, 2000);
    await visitor.evaluate(() => (document.querySelector('chatreel-widget') as unknown as { connection: { endSession(): Promise<void> } }).connection.endSession());

    const today = new Date().toISOString().slice(0, 10);
    let heatmap: Heatmap | undefined;
    await waitUntil(
      async () => {
        heatmap = (await owner.request('GET', `/api/apps/${app.id}/heatmaps?path=/demo&from=${today}&to=${today}`)).json?.data;
        return (heatmap?.clicks ?? 0) >= CLICKS;
      },
      60_000,
      'the session counted in the heatmap',
    );

    const agent = await newPage(setup.browser, AGENT_VIEWPORT);
    await signInThroughConsole(agent, setup.server.url);
    await agent.getByRole('button', { name: 'Sign out' }).waitFor();
    await agent.getByRole('link', { name: 'Heatmaps' }).click();
    const view = agent.locator('heatmaps-view');
    await view.getByLabel('Page').fill('/demo');
    await view.getByLabel('Device').selectOption('desktop');
    await view.getByRole('button', { name: 'Show heatmap' }).click();
    expect(await view.locator('[data-stat="clicks"] strong').textContent()).toBe(String(heatmap!.clicks));

    // The page itself, rebuilt from the stored snapshot in rrweb's sandboxed frame.
    const frame = view.locator('heatmap-page iframe');
    await frame.waitFor({ state: 'attached', timeout: 15_000 });
    expect(await frame.getAttribute('sandbox')).toBe('allow-same-origin');
    await expect.poll(() => frame.contentFrame().locator('h1').textContent(), { timeout: 15_000 }).toBe('Houseplants that forgive you');

    const canvas = view.locator('heatmap-page canvas');
    await view.locator('heatmap-page canvas[data-drawn="clicks"]').waitFor({ timeout: 15_000 });
    // Alpha of the canvas at the clicked spot of the page, and at a spot nobody clicked (top right corner).
    const alphaAt = (fx: number, fy: number) =>
      canvas.evaluate(
        (element, [x, y]) => {
          const c = element as HTMLCanvasElement;
          return c.getContext('2d')!.getImageData(Math.round(x * c.width), Math.round(y * c.height), 1, 1).data[3];
        },
        [fx, fy],
      );
    const size = await canvas.evaluate((element) => ({ width: (element as HTMLCanvasElement).width, height: (element as HTMLCanvasElement).height }));
    const scale = size.width / VISITOR_VIEWPORT.width;
    expect(await alphaAt(clicked.x / VISITOR_VIEWPORT.width, (clicked.y * scale) / size.height)).toBeGreaterThan(100);
    expect(await alphaAt(0.99, 2 / size.height)).toBe(0);

    // Scroll depth: everyone saw the top of the page.
    await view.getByRole('button', { name: 'Scroll depth' }).click();
    await view.locator('heatmap-page canvas[data-drawn="scroll"]').waitFor();
    expect(await alphaAt(0.5, 2 / size.height)).toBeGreaterThan(0);
    await agent.screenshot({ path: '/tmp/h-heat-e2e-heatmap.png' });
  });
});
