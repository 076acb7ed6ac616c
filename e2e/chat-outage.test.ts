import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess } from '../server/src/testing/server-process.js';
import { launchChromium } from './support/browser.js';
import { demoVisitor } from './support/recording.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

const widget = (page: Page) => page.locator('chatreel-widget');
const confirmed = (page: Page) => widget(page).locator('li.msg[data-role="visitor"][data-seq] .text');

async function type(page: Page, text: string) {
  const box = widget(page).getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}

describe('messages typed while the chat server is down (Chromium)', () => {
  it('are delivered once each, in order, when the server is back, without the visitor doing anything', async () => {
    let server = await startServerProcess();
    const { dataDir, port } = server;
    try {
      const { owner, appId, page, sessionId } = await demoVisitor(browser, server.url);
      await type(page, 'Before the outage');
      await expect.poll(() => confirmed(page).allTextContents(), { timeout: 15_000 }).toEqual(['Before the outage']);

      await server.stop();
      await widget(page).getByText('Cannot reach the chat server. Retrying…').first().waitFor({ timeout: 15_000 });
      await type(page, 'Typed while down, first');
      await type(page, 'Typed while down, second');
      // Waiting to be sent: shown as the visitor's, not yet confirmed.
      await expect.poll(() => widget(page).locator('li.msg.pending .text').allTextContents()).toEqual([
        'Typed while down, first',
        'Typed while down, second',
      ]);
      // Longer than the widget's own waits (connecting, one send): the messages must still be waiting then.
      await page.waitForTimeout(12_000);

      server = await startServerProcess({}, dataDir, { port });
      await owner.signIn();
      const expected = ['Before the outage', 'Typed while down, first', 'Typed while down, second'];
      await expect.poll(() => confirmed(page).allTextContents(), { timeout: 45_000 }).toEqual(expected);
      expect(await widget(page).locator('li.msg.pending').count()).toBe(0);
      expect(await widget(page).getByRole('alert').count()).toBe(0);

      // The server stored each exactly once, in the order typed.
      const manifest = await owner.request('GET', `/api/apps/${appId}/sessions/${sessionId}/replay`);
      const stored = manifest.json.data.messages.filter((message: { role: string }) => message.role === 'visitor');
      expect(stored.map((message: { text: string }) => message.text)).toEqual(expected);
      await page.context().close();
    } finally {
      await server.dispose();
    }
  }, 180_000);
});
