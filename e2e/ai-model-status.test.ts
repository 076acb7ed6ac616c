import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AI_MODEL } from '../server/src/ai/model-lifecycle.js';
import { startAnthropicDouble, type AnthropicDouble } from '../server/src/testing/anthropic-double.js';
import { startServerProcess } from '../server/src/testing/server-process.js';
import { launchChromium } from './support/browser.js';
import { newPage, signInThroughConsole } from './support/fixtures.js';

/** Retired on 2026-11-30, the end of life the SDK announces for it. */
const RETIRED_MODEL = 'claude-sonnet-4-5';
/** The line @anthropic-ai/sdk prints on each request naming a deprecated model. */
const SDK_DEPRECATION_LINE = /is deprecated and will reach end-of-life/g;

let browser: Browser;
let double: AnthropicDouble;
beforeAll(async () => {
  [browser, double] = await Promise.all([launchChromium(), startAnthropicDouble()]);
});
afterAll(async () => {
  await browser?.close();
  await double?.close();
});

async function aiStatusInSettings(page: Page, baseUrl: string) {
  await signInThroughConsole(page, baseUrl);
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  await page.goto(`${baseUrl}/#/settings`);
  const status = page.locator('settings-view').getByRole('status', { name: 'AI status' });
  await status.waitFor({ timeout: 10_000 });
  return status;
}

async function chatOnce(page: Page, baseUrl: string, text: string) {
  await page.goto(`${baseUrl}/demo/`);
  await page.getByRole('button', { name: 'Open chat' }).click();
  const box = page.locator('chatreel-widget').getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}

describe('the AI model in use', () => {
  it('is a current one by default: answers come, no deprecation warning, and Settings names it', async () => {
    const server = await startServerProcess({ ANTHROPIC_API_KEY: 'sk-e2e-double', ANTHROPIC_BASE_URL: double.url });
    try {
      const before = double.requests.length;
      const visitor = await newPage(browser);
      const answers = visitor.locator('chatreel-widget li.msg[data-role="ai"]:not(.streaming)');
      await chatOnce(visitor, server.url, 'First question?');
      await expect.poll(() => answers.count(), { timeout: 15_000 }).toBe(1);
      const box = visitor.locator('chatreel-widget').getByRole('textbox', { name: 'Message' });
      await box.fill('Second question?');
      await box.press('Enter');
      await expect.poll(() => answers.count(), { timeout: 15_000 }).toBe(2);
      expect(double.requests.slice(before).map((request) => request.body.model)).toEqual([DEFAULT_AI_MODEL, DEFAULT_AI_MODEL]);
      const owner = await newPage(browser);
      expect(await (await aiStatusInSettings(owner, server.url)).textContent()).toBe(`AI answers use ${DEFAULT_AI_MODEL}.`);
      expect(server.output().match(SDK_DEPRECATION_LINE)).toBeNull();
      await visitor.context().close();
      await owner.context().close();
    } finally {
      await server.dispose();
    }
  });

  it('once retired, says so once in the log and plainly in Settings, and chats go to people without a request', async () => {
    const server = await startServerProcess({ ANTHROPIC_API_KEY: 'sk-e2e-double', ANTHROPIC_BASE_URL: double.url, ANTHROPIC_MODEL: RETIRED_MODEL });
    try {
      const owner = await newPage(browser);
      const status = await aiStatusInSettings(owner, server.url);
      expect(await status.textContent()).toMatch(new RegExp(`^${RETIRED_MODEL} is retired \\(since 2026-11-30\\).*set ANTHROPIC_MODEL`));
      expect(await status.getAttribute('data-state')).toBe('retired');
      await owner.screenshot({ path: '/tmp/chatreel-settings-retired-model.png', fullPage: true });

      const before = double.requests.length;
      const visitor = await newPage(browser);
      await chatOnce(visitor, server.url, 'Anyone there?');
      await visitor.locator('chatreel-widget').getByText('Our assistant cannot answer right now. A member of our team will reply here.').first().waitFor({ timeout: 15_000 });
      expect(double.requests.length).toBe(before);
      // Said once at start, by Chatreel; never by the SDK on each request.
      expect(server.output().split('\n').filter((line) => line.includes(`${RETIRED_MODEL} is retired`))).toHaveLength(1);
      expect(server.output().match(SDK_DEPRECATION_LINE)).toBeNull();
      await visitor.context().close();
      await owner.context().close();
    } finally {
      await server.dispose();
    }
  });
});
