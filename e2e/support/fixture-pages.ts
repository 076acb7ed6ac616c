import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';

/**
 * Chromium switches for tests that use fixture pages: a page answered by `route.fulfill` counts as a
 * public site to Chromium, which then refuses its requests to the server on the loopback address
 * (Local Network Access). A real site and a real Chatreel server are both public: the check does not apply.
 */
export const FIXTURE_PAGE_CHROMIUM_ARGS = ['--disable-features=LocalNetworkAccessChecks'];

const FIXTURES = new URL('../fixtures/', import.meta.url);
const KEY_PLACEHOLDER = '%CHATREEL_KEY%';

/**
 * Serves `e2e/fixtures/<name>` at `<baseUrl>/e2e/<name>` (any query string) in this page's context, with
 * the widget key filled in: a host page on the server's own origin, which the demo application allows.
 * Answers the page's address.
 */
export async function serveFixturePage(page: Page, baseUrl: string, name: string, key: string): Promise<string> {
  const html = (await readFile(new URL(name, FIXTURES), 'utf8')).replaceAll(KEY_PLACEHOLDER, key);
  const url = `${baseUrl}/e2e/${name}`;
  await page.context().route(`${url}*`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: html }));
  return url;
}
