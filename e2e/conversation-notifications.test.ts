import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { demoVisitorWrites, widget } from './support/demo-chat.js';
import { serverAndBrowser, signInThroughConsole } from './support/fixtures.js';

/**
 * Issue 18: agents are told when a visitor waits for a person, on any console page — a desktop
 * notification (permission granted), a sound, the count in the tab title and beside Conversations —
 * and each conversation shows its unread messages until opened. Headless Chromium has no screen or
 * speakers: the page's Notification and OscillatorNode are observed as the page calls them.
 */
const setup = serverAndBrowser();

/** Records, in the agent's page, every notification shown and every tone started. */
const OBSERVE_ALERTS = () => {
  type Seen = { notifications: Array<{ title: string; body?: string }>; tones: number };
  const seen: Seen = { notifications: [], tones: 0 };
  (window as unknown as { alertsSeen: Seen }).alertsSeen = seen;
  const Original = window.Notification;
  class Observed extends Original {
    constructor(title: string, options?: NotificationOptions) {
      super(title, options);
      seen.notifications.push({ title, body: options?.body });
    }
  }
  Object.defineProperty(Observed, 'permission', { get: () => Original.permission });
  window.Notification = Observed as typeof Notification;
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...args: Parameters<typeof start>) {
    seen.tones += 1;
    return start.apply(this, args);
  };
};
const alerts = (page: Page) => page.evaluate(() => (window as unknown as { alertsSeen: { notifications: Array<{ title: string; body?: string }>; tones: number } }).alertsSeen);

describe('agents are told a visitor waits (issue 18)', () => {
  it('notifies on the desktop with a sound, counts waiting chats in the title and the menu, and unread messages on each conversation', async () => {
    const { server, browser } = setup;
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    await context.grantPermissions(['notifications'], { origin: server.url });
    await context.addInitScript(OBSERVE_ALERTS);
    const agent = await context.newPage();
    await signInThroughConsole(agent, server.url);
    await agent.getByRole('link', { name: 'Activity' }).click();
    const menuLink = agent.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: /^Conversations/ });
    await expect.poll(() => agent.title()).toBe('Chatreel console');

    // A visitor writes; nobody (no AI) answers: they wait for a person.
    const { visitor, box } = await demoVisitorWrites(browser, server.url, 'Is someone there? My payment failed.');

    await expect.poll(async () => (await alerts(agent)).notifications, { timeout: 15_000 }).toEqual([
      { title: 'A visitor is waiting for a person', body: expect.any(String) },
    ]);
    expect((await alerts(agent)).tones).toBe(1);
    await expect.poll(() => agent.title()).toBe('(1) Chatreel console');
    await expect.poll(() => menuLink.textContent()).toMatch(/Conversations\s*1/);

    // On Conversations, the chat shows its unread messages; the visitor writes again and the count grows.
    await menuLink.click();
    await agent.getByRole('tab', { name: /^Waiting/ }).click();
    const row = agent.getByRole('navigation', { name: 'Conversations' }).locator('li button[data-session-id]').first();
    const unread = row.locator('.unread');
    const before = Number(await unread.textContent({ timeout: 15_000 }));
    expect(before).toBeGreaterThanOrEqual(1);
    await box.fill('Hello?');
    await box.press('Enter');
    await expect.poll(async () => Number(await unread.textContent()), { timeout: 15_000 }).toBeGreaterThan(before);
    // Still one waiting conversation: no second notification for the same wait.
    expect((await alerts(agent)).notifications).toHaveLength(1);

    // Opened, it has nothing unread; answered, nobody waits any more.
    await row.click();
    await expect.poll(() => unread.count()).toBe(0);
    const transcript = agent.getByRole('region', { name: 'Transcript' });
    await transcript.getByLabel('Reply').fill('Hi! Let me look at your payment.');
    await transcript.getByRole('button', { name: 'Send reply' }).click();
    await expect.poll(() => agent.title()).toBe('Chatreel console');
    await expect.poll(() => menuLink.textContent()).toMatch(/^\s*Conversations\s*$/);

    await context.close();
    await visitor.context().close();
  });
});
