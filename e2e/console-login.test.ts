import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../server/src/testing/server-process.js';
import { launchChromium } from './support/browser.js';
import { newPage, signInThroughConsole, TEST_OWNER } from './support/fixtures.js';

let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServerProcess(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

describe('console sign-in', () => {
  it('shows a clear error for a wrong password', async () => {
    const page = await newPage(browser);
    await signInThroughConsole(page, server.url, TEST_OWNER.email, 'wrong-password-1');
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Wrong email or password.');
    expect(await page.context().cookies()).toEqual([]);
    await page.context().close();
  });

  it('signs in, shows the demo application with its snippet, and signs out', async () => {
    const page = await newPage(browser);
    await signInThroughConsole(page, server.url);
    await page.getByText(`${TEST_OWNER.email} (owner)`).waitFor();
    await page.getByRole('heading', { name: 'Demo site' }).waitFor();
    expect(await page.locator('pre').first().textContent()).toMatch(/<script type="module" src="http:\/\/127\.0\.0\.1:\d+\/widget\.js" data-key="pk_/);

    const [cookie] = await page.context().cookies();
    expect(cookie).toMatchObject({ name: 'chatreel_session', httpOnly: true, sameSite: 'Lax' });

    // A reload keeps the sign-in.
    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.context().cookies()).toEqual([]);

    // The old cookie no longer opens the API.
    const me = await page.request.get(`${server.url}/api/auth/me`, { headers: { cookie: `${cookie.name}=${cookie.value}` } });
    expect(me.status()).toBe(401);
    await page.context().close();
  });
});

describe('demo site', () => {
  it('embeds the widget, which connects and greets the visitor', async () => {
    const page = await newPage(browser);
    await page.goto(`${server.url}/demo/`);
    await page.getByRole('button', { name: 'Open chat' }).click();
    // The chat panel greets the visitor once connected (its first message in the log).
    await page.locator('chatreel-widget').getByRole('log').getByText('Hi! How can we help?').waitFor({ timeout: 10_000 });
    await page.locator('chatreel-widget').getByRole('textbox', { name: 'Message' }).waitFor();
    // The host page still works around the closed widget.
    await page.getByRole('button', { name: 'Close chat' }).click();
    await page.getByRole('button', { name: 'Add to basket' }).first().click();
    await expect.poll(() => page.locator('#basket li').count()).toBe(1);
    await page.context().close();
  });
});
