import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { FIXTURE_PAGE_CHROMIUM_ARGS, serveFixturePage } from './support/fixture-pages.js';
import { newPage, serverAndBrowser } from './support/fixtures.js';
import { pixelDifference } from './support/pixel-diff.js';
import { demoApp } from './support/replay.js';

const VIEWPORT = { width: 1280, height: 800 };
/** The launcher's distance from the viewport's edges, and its size (chatreel-widget.ts). */
const EDGE_PX = 20;
const LAUNCHER_PX = 56;
/** Share of the open panel's pixels that may differ between a plain page and the hostile one. */
const MAX_PANEL_DIFFERENCE_RATIO = 0.01;
const SCREENSHOTS = '/tmp/chatreel-hostile-css';

const setup = serverAndBrowser(FIXTURE_PAGE_CHROMIUM_ARGS);

const launcherOf = (page: Page) => page.locator('chatreel-widget').locator('button.launcher');

/** Text styles of the widget's own text, read inside its shadow roots. */
const textStyles = (page: Page) =>
  page.locator('chatreel-widget').evaluate((host) => {
    const panel = host.shadowRoot!.querySelector('chatreel-chat-panel')!.shadowRoot!;
    const pick = (element: Element) => {
      const style = getComputedStyle(element);
      return [style.fontFamily, style.fontSize, style.color, style.lineHeight, style.letterSpacing, style.textTransform, style.visibility].join(' | ');
    };
    return {
      greeting: pick(panel.querySelector('[data-role="greeting"]')!),
      title: pick(panel.querySelector('h2')!),
      composer: pick(panel.querySelector('textarea')!),
      send: pick(panel.querySelector('button.send')!),
    };
  });

async function openWidget(page: Page, url: string) {
  await page.goto(url);
  await launcherOf(page).click();
  const panel = page.locator('chatreel-widget').locator('[part="panel"]');
  await panel.locator('chatreel-chat-panel [data-role="greeting"]').waitFor();
  await page.waitForTimeout(300); // the composer's focus ring settles
  return panel;
}

describe('the widget on a page with aggressive global CSS', () => {
  it('keeps its corner, its stacking and its own look against the page’s rules (screenshots in /tmp)', async () => {
    const app = await demoApp(setup.server);
    const plain = await newPage(setup.browser, VIEWPORT);
    const plainPanel = await openWidget(plain, `${setup.server.url}/demo/`);
    const plainShot = await plain.screenshot({ clip: (await plainPanel.boundingBox())! });
    const plainStyles = await textStyles(plain);

    const page = await newPage(setup.browser, VIEWPORT);
    const url = await serveFixturePage(page, setup.server.url, 'hostile-css.html', app.publicKey);
    await page.goto(url);
    await page.mouse.wheel(0, 1200); // scrolled: a fixed element must not move with the page
    await expect.poll(() => page.evaluate(() => scrollY)).toBeGreaterThan(500);
    const launcher = launcherOf(page);
    await launcher.waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}-closed.png` });

    // The launcher: in the bottom-right corner, whole, on top of everything the page stacked there.
    const box = (await launcher.boundingBox())!;
    expect({ width: box.width, height: box.height }).toEqual({ width: LAUNCHER_PX, height: LAUNCHER_PX });
    expect(VIEWPORT.width - (box.x + box.width)).toBeCloseTo(EDGE_PX, 0);
    expect(VIEWPORT.height - (box.y + box.height)).toBeCloseTo(EDGE_PX, 0);
    const onTop = (x: number, y: number) =>
      page.evaluate(([px, py]) => {
        let element = document.elementFromPoint(px, py);
        while (element?.shadowRoot?.elementFromPoint(px, py) && element.shadowRoot.elementFromPoint(px, py) !== element) {
          element = element.shadowRoot.elementFromPoint(px, py);
        }
        return element ? `${element.tagName.toLowerCase()}.${element.getAttribute('class') ?? ''}` : null;
      }, [x, y]);
    expect(await onTop(box.x + box.width / 2, box.y + box.height / 2)).toMatch(/^(button\.launcher|svg|path)/);
    // …and the page around it still gets its clicks.
    expect(await onTop(box.x - 40, box.y + box.height / 2)).not.toMatch(/^chatreel-widget/);

    // Open: the panel stands above the launcher, inside the viewport, and looks as it does on a plain page.
    await launcher.click();
    const panel = page.locator('chatreel-widget').locator('[part="panel"]');
    await panel.locator('chatreel-chat-panel [data-role="greeting"]').waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${SCREENSHOTS}-open.png` });
    const panelBox = (await panel.boundingBox())!;
    expect(panelBox.x).toBeGreaterThanOrEqual(0);
    expect(panelBox.y).toBeGreaterThanOrEqual(0);
    expect(panelBox.x + panelBox.width).toBeLessThanOrEqual(VIEWPORT.width);
    expect(panelBox.y + panelBox.height).toBeLessThanOrEqual(box.y);
    expect(panelBox.x + panelBox.width).toBeCloseTo(box.x + box.width, 0);
    expect(await textStyles(page)).toEqual(plainStyles);
    expect(plainStyles.greeting).toMatch(/^system-ui/);
    const difference = await pixelDifference(setup.browser, plainShot, await page.screenshot({ clip: panelBox }));
    expect(difference.ratio).toBeLessThan(MAX_PANEL_DIFFERENCE_RATIO);

    // The application's other corner holds as well.
    await setup.server.db.repos.apps.update(app.id, { settings: { 'settings.position': 'left' } });
    await page.reload();
    await page.mouse.wheel(0, 1200);
    await launcher.click();
    await panel.locator('chatreel-chat-panel [data-role="greeting"]').waitFor();
    const left = (await launcher.boundingBox())!;
    expect(left.x).toBeCloseTo(EDGE_PX, 0);
    expect(VIEWPORT.height - (left.y + left.height)).toBeCloseTo(EDGE_PX, 0);
    const leftPanel = (await panel.boundingBox())!;
    expect(leftPanel.x).toBeCloseTo(EDGE_PX, 0);
    expect(leftPanel.y + leftPanel.height).toBeLessThanOrEqual(left.y);
    await page.screenshot({ path: `${SCREENSHOTS}-left-open.png` });
    await setup.server.db.repos.apps.update(app.id, { settings: { 'settings.position': 'right' } });
    await page.context().close();
    await plain.context().close();
  });
});
