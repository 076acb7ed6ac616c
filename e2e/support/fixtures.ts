import type { Browser, Page } from 'playwright-core';
import { TEST_OWNER } from '../../server/src/testing/test-server.js';

export { TEST_OWNER };

/** Signs in through the console's form, as a person would. */
export async function signInThroughConsole(page: Page, baseUrl: string, email = TEST_OWNER.email, password = TEST_OWNER.password) {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function newPage(browser: Browser, viewport = { width: 1280, height: 800 }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  return context.newPage();
}
