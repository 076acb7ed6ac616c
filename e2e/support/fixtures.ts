import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startTestServer, TEST_OWNER, type TestServer } from '../../server/src/testing/test-server.js';
import { launchChromium } from './browser.js';

export { TEST_OWNER };

/** Signs in through the console's form, as a person would. */
export async function signInThroughConsole(page: Page, baseUrl: string, email = TEST_OWNER.email, password = TEST_OWNER.password) {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * A test server and a Chromium for one test file: started before its tests, closed after them.
 * `chromiumArgs`: more switches (fixture-pages.ts).
 */
export function serverAndBrowser(chromiumArgs: string[] = []): { readonly server: TestServer; readonly browser: Browser } {
  const started = {} as { server: TestServer; browser: Browser };
  beforeAll(async () => {
    [started.server, started.browser] = await Promise.all([startTestServer(), launchChromium(chromiumArgs)]);
  });
  afterAll(async () => {
    await started.browser?.close();
    await started.server?.close();
  });
  return started;
}

export async function newPage(browser: Browser, viewport = { width: 1280, height: 800 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  return context.newPage();
}
