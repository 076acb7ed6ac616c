import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DIST_DIR } from '../server/src/http/static-routes.js';
import { newPage, serverAndBrowser } from './support/fixtures.js';
import { startChat, widgetSession } from './support/recording.js';

const setup = serverAndBrowser();

/** How long a page is left alone to load whatever it loads by itself. */
const SETTLE_MS = 1500;
const WIDGET_DIR = path.join(DIST_DIR, 'widget');

/** The built first script: /widget.js and the chunks it imports statically, as the server serves them. */
function firstScript(file = 'widget.js', seen = new Set<string>()): Set<string> {
  const served = `/${file}`;
  if (seen.has(served)) return seen;
  seen.add(served);
  const code = readFileSync(path.join(WIDGET_DIR, file), 'utf8');
  for (const [, target] of code.matchAll(/(?:\bfrom|\bimport)\s*["'](\.{1,2}\/[^"']+)["']/g)) {
    firstScript(path.posix.join(path.posix.dirname(file), target), seen);
  }
  return seen;
}

/** The widget's scripts the page asks for, in order (paths). */
function widgetScripts(page: Page): string[] {
  const scripts: string[] = [];
  page.on('request', (request) => {
    const { pathname } = new URL(request.url());
    if (pathname === '/widget.js' || pathname.startsWith('/widget-chunks/')) scripts.push(pathname);
  });
  return scripts;
}

const defined = (page: Page) => page.evaluate(() => customElements.get('chatreel-widget') !== undefined);

/** Whether the focus is on the widget's launcher (inside its shadow root), and the launchers in that root. */
const launcherFocus = (page: Page) =>
  page.evaluate(() => {
    const host = document.querySelector('chatreel-widget')!;
    return {
      focused: document.activeElement === host && host.shadowRoot!.activeElement?.matches('button.launcher') === true,
      launchers: host.shadowRoot!.querySelectorAll('button.launcher').length,
    };
  });

describe('the widget’s first script', () => {
  it('is all a page loads until the visitor reaches for the launcher; then the chat opens and closes with the keyboard as before', async () => {
    const page = await newPage(setup.browser);
    const scripts = widgetScripts(page);
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    await page.goto(`${setup.server.url}/demo/`);
    const widget = page.locator('chatreel-widget');
    const launcher = widget.getByRole('button', { name: 'Open chat' });
    await launcher.waitFor();
    await page.waitForTimeout(SETTLE_MS);
    const initial = firstScript();
    expect(initial.size).toBeGreaterThan(0);
    expect(new Set(scripts)).toEqual(initial);
    expect(await defined(page)).toBe(false);
    expect(sockets).toEqual([]);

    // A keyboard visitor tabs to the launcher: the full widget loads, and its launcher keeps the focus.
    for (let i = 0; i < 60 && !(await launcherFocus(page)).focused; i++) await page.keyboard.press('Tab');
    expect((await launcherFocus(page)).focused).toBe(true);
    await page.waitForFunction(() => customElements.get('chatreel-widget'), undefined, { timeout: 15_000 });
    await page.waitForTimeout(200);
    expect(scripts.filter((script) => !initial.has(script)).some((script) => /\/chatreel-widget-[\w-]+\.js$/.test(script))).toBe(true);
    expect(await launcherFocus(page)).toEqual({ focused: true, launchers: 1 });

    await page.keyboard.press('Enter');
    const dialog = widget.getByRole('dialog', { name: 'Chat' });
    await dialog.waitFor();
    const message = widget.getByRole('textbox', { name: 'Message' });
    await expect.poll(() => message.evaluate((box) => box.matches(':focus')), { timeout: 10_000 }).toBe(true);
    expect(await widget.getByRole('button', { name: 'Close chat' }).getAttribute('aria-expanded')).toBe('true');

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(async () => (await launcherFocus(page)).focused).toBe(true);
    expect(await launcher.getAttribute('aria-expanded')).toBe('false');
    await page.context().close();
  });

  it('opens the chat on a press that the widget’s loading interrupts (pointer down on the first launcher, up on the element’s own)', async () => {
    const page = await newPage(setup.browser);
    // A slow network: the element arrives while the button is held down.
    let arrived = false;
    await page.route(/\/chatreel-widget-[\w-]+\.js$/, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 700));
      arrived = true;
      await route.continue();
    });
    await page.goto(`${setup.server.url}/demo/`);
    const launcher = page.locator('chatreel-widget').getByRole('button', { name: 'Open chat' });
    await launcher.waitFor();
    await page.waitForTimeout(SETTLE_MS);
    const box = (await launcher.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    expect(arrived).toBe(false);
    await page.waitForFunction(() => customElements.get('chatreel-widget'), undefined, { timeout: 15_000 });
    await page.mouse.up();
    await page.locator('chatreel-widget').getByRole('dialog', { name: 'Chat' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('chatreel-widget button.launcher').getAttribute('aria-expanded')).toBe('true');
    await page.context().close();
  });

  it('loads the whole widget at once on a page with a session under way, which resumes without a click', async () => {
    const page = await newPage(setup.browser);
    await page.goto(`${setup.server.url}/demo/`);
    const sessionId = await startChat(page);
    const scripts = widgetScripts(page);
    await page.goto(`${setup.server.url}/demo/checkout.html`);
    expect(await widgetSession(page)).toBe(sessionId);
    expect(scripts.some((script) => /\/chatreel-widget-[\w-]+\.js$/.test(script))).toBe(true);
    await page.context().close();
  });
});
