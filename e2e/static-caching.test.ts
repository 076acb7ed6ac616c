import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { newPage, serverAndBrowser, signInThroughConsole } from './support/fixtures.js';
import { recorderRunning, startChat, widgetSession } from './support/recording.js';

const setup = serverAndBrowser();

/**
 * Paths of the requests the page sent to the server since the last `reset()`: neither served from the
 * memory cache (CDP's requestServedFromCache) nor from the disk cache. A revalidation (304) counts.
 */
async function networkFetches(page: Page) {
  const sent = new Map<string, string>();
  const cached = new Set<string>();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  cdp.on('Network.requestWillBeSent', ({ requestId, request }) => sent.set(requestId, new URL(request.url).pathname));
  cdp.on('Network.requestServedFromCache', ({ requestId }) => cached.add(requestId));
  cdp.on('Network.responseReceived', ({ requestId, response }) => {
    if (response.fromDiskCache || response.fromPrefetchCache) cached.add(requestId);
  });
  return {
    paths: () => [...sent].filter(([id]) => !cached.has(id)).map(([, path]) => path),
    reset: () => sent.clear(),
  };
}

describe('what the browser fetches again', () => {
  it('a later page view takes every widget file from its cache: hashed chunks are immutable, the entry is briefly fresh', async () => {
    const page = await newPage(setup.browser);
    const fetched = await networkFetches(page);
    // First view: the widget, its chat and its recorder are loaded.
    await page.goto(`${setup.server.url}/demo/`);
    await startChat(page);
    await page.locator('chatreel-widget').getByRole('textbox', { name: 'Message' }).waitFor();
    const widgetFiles = (paths: string[]) => paths.filter((path) => path === '/widget.js' || path.startsWith('/widget-chunks/'));
    // The recorder's own chunk (`recording-<hash>.js`; `recording-events-<hash>.js` is a small shared one).
    const recorderChunk = /^\/widget-chunks\/recording-[\w-]{8}\.js$/;
    await expect.poll(() => widgetFiles(fetched.paths()).filter((path) => recorderChunk.test(path)).length, { timeout: 15_000 }).toBe(1);
    // The recorder has run (its chunk's own imports, fetched only once it arrived, are in the cache too): a
    // request still in flight when the page is left would be cancelled and fetched again on the next page.
    await recorderRunning(page);
    await page.waitForLoadState('networkidle');
    const firstView = widgetFiles(fetched.paths());
    expect(firstView.length).toBeGreaterThanOrEqual(6);

    // The next page of the shop, the chat and the recording resuming on it.
    fetched.reset();
    await page.getByRole('link', { name: 'Checkout' }).first().click();
    await page.waitForURL('**/checkout.html');
    // The session resumes here: the chat and the recorder start again (from the cache).
    await widgetSession(page);
    await page.locator('chatreel-widget chatreel-chat-panel').waitFor({ state: 'attached' });
    await page.waitForTimeout(1_000);
    // Requests of the page itself do go out (the page, the appearance check's cache aside): the tap sees them.
    expect(fetched.paths()).toContain('/demo/checkout.html');
    expect(widgetFiles(fetched.paths())).toEqual([]);
    await page.context().close();
  });

  it('the console loads without a failed file request, and has an icon', async () => {
    const page = await newPage(setup.browser);
    const failed: string[] = [];
    page.on('response', (response) => {
      // (The API answers 401 before sign-in by design.)
      const path = new URL(response.url()).pathname;
      if (response.status() >= 400 && !path.startsWith('/api/')) failed.push(`${response.status()} ${path}`);
    });
    await signInThroughConsole(page, setup.server.url);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.waitForTimeout(1_000);
    expect(failed).toEqual([]);
    const icon = await page.evaluate(() => document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.href ?? null);
    expect(icon).not.toBeNull();
    const response = await fetch(icon!);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^image\//);
    expect((await fetch(`${setup.server.url}/favicon.ico`)).status).toBe(200);
    await page.context().close();
  });
});
