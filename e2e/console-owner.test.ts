import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hashPasswordNow } from '../server/src/auth/password-hashing.js';
import { newPage, serverAndBrowser, signInThroughConsole, TEST_OWNER } from './support/fixtures.js';

/**
 * Issue 18, as an owner in Chromium: a new widget key refuses the old one at once; changing one's
 * password signs out every other browser; the console works at phone width (375×812).
 */
const setup = serverAndBrowser();
const SHOTS = '/tmp/e2e-console-owner';
const PHONE = { width: 375, height: 812 };

const widget = (page: Page) => page.locator('chatreel-widget');

describe('widget key rotation', () => {
  it('refuses the old key for a page that still has it, says the script tag must change, and the new key works', async () => {
    // A page of the site loaded before the rotation: its script tag has the old key.
    const stale = await newPage(setup.browser);
    await stale.goto(`${setup.server.url}/demo/`);
    const oldKey = await stale.locator('script[data-key]').getAttribute('data-key');

    const owner = await newPage(setup.browser);
    await signInThroughConsole(owner, setup.server.url);
    const card = owner.locator('section.card', { hasText: 'Demo site' });
    await card.getByText('Manage this application').click();
    await card.getByRole('button', { name: 'Rotate key' }).click();
    const told = card.getByRole('status');
    await told.getByText(/The old key no longer works: update the script tag on your site now\./).waitFor();
    const newKey = (await told.textContent())!.match(/pk_[\w-]+/)![0];
    expect(newKey).not.toBe(oldKey);
    await card.locator('pre').getByText(`data-key="${newKey}"`).waitFor();

    await stale.getByRole('button', { name: 'Open chat' }).click();
    await widget(stale).getByText('No application has this widget key.').waitFor({ timeout: 15_000 });

    // The site's pages with the new key (the demo serves it): the chat works again.
    await stale.reload();
    expect(await stale.locator('script[data-key]').getAttribute('data-key')).toBe(newKey);
    await stale.getByRole('button', { name: 'Open chat' }).click();
    await widget(stale).getByRole('log').getByText('Hi! How can we help?').waitFor();
    await Promise.all([stale.context().close(), owner.context().close()]);
  });
});

describe('deleting an application', () => {
  it('deletes only once its name is typed, and the application is gone with its data', async () => {
    const owner = await newPage(setup.browser);
    await signInThroughConsole(owner, setup.server.url);
    await owner.locator('#app-name').fill('Short-lived shop');
    await owner.getByRole('button', { name: 'Create application' }).click();
    const card = owner.locator('section.card', { hasText: 'Short-lived shop' });
    await card.getByText('Manage this application').click();
    const remove = card.getByRole('button', { name: 'Delete application' });
    expect(await remove.isDisabled()).toBe(true);
    await card.getByLabel(/to confirm/).fill('short-lived shop');
    expect(await remove.isDisabled()).toBe(true);
    await card.getByLabel(/to confirm/).fill('Short-lived shop');
    await remove.click();
    await card.waitFor({ state: 'detached' });
    const apps = await setup.server.db.repos.apps.listByIds((await setup.server.db.repos.users.findByEmail(TEST_OWNER.email))!.appIds);
    expect(apps.map((app) => app.name)).not.toContain('Short-lived shop');
    await owner.reload();
    await owner.locator('section.card', { hasText: 'Demo site' }).waitFor();
    expect(await owner.locator('section.card', { hasText: 'Short-lived shop' }).count()).toBe(0);
    await owner.context().close();
  });
});

describe('changing the password', () => {
  it('signs out the other browsers of that user at once', async () => {
    const laptop = await newPage(setup.browser);
    const phone = await newPage(setup.browser, PHONE);
    await signInThroughConsole(laptop, setup.server.url);
    await signInThroughConsole(phone, setup.server.url);
    await phone.getByRole('button', { name: 'Menu' }).click();
    await phone.getByRole('link', { name: 'Activity' }).click();

    await laptop.getByRole('link', { name: 'Account' }).click();
    await laptop.getByLabel('Current password').fill('not the password');
    await laptop.getByLabel('New password').fill('a-brand-new-password');
    await laptop.getByRole('button', { name: 'Change password' }).click();
    await laptop.getByRole('alert').getByText('The current password is not correct.').waitFor();

    await laptop.getByLabel('Current password').fill(TEST_OWNER.password);
    await laptop.getByLabel('New password').fill('a-brand-new-password');
    await laptop.getByRole('button', { name: 'Change password' }).click();
    // The phone's, and those of the tests before (their browsers closed, their sign-ins valid until now).
    await laptop.getByRole('status').getByText(/^Password changed\. \d+ other sign-ins? (was|were) ended\.$/).waitFor();

    // The phone's console is signed out by the server, without a reload.
    await phone.getByText('You were signed out.').waitFor({ timeout: 10_000 });
    await phone.getByRole('button', { name: 'Sign in' }).waitFor();
    // The laptop stays signed in; the new password is the one that works from now on.
    await laptop.getByRole('link', { name: 'Activity' }).click();
    await laptop.getByRole('heading', { name: 'Activity' }).first().waitFor();
    await signInThroughConsole(phone, setup.server.url, TEST_OWNER.email, 'a-brand-new-password');
    // The owner's own pages fit the phone too.
    await phone.getByRole('button', { name: 'Menu' }).click();
    await phone.getByRole('link', { name: 'Team' }).click();
    await phone.locator('team-view table').getByText(TEST_OWNER.email).waitFor();
    await phone.screenshot({ path: `${SHOTS}-phone-team.png`, fullPage: true });
    expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await Promise.all([laptop.context().close(), phone.context().close()]);
  });
});

describe('the console at phone width', () => {
  it('folds the navigation, fits Conversations, a conversation and Activity, and keeps the reply box in reach (screenshots)', async () => {
    const visitor = await newPage(setup.browser);
    await visitor.goto(`${setup.server.url}/demo/`);
    await visitor.evaluate(() =>
      (window as unknown as { Chatreel: { identify(i: unknown): Promise<void> } }).Chatreel.identify({ userId: 'phone-visitor', name: 'Kim Mobile' }),
    );
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    const box = widget(visitor).getByRole('textbox', { name: 'Message' });
    await box.fill('My parcel says delivered but it is not here. Can someone check order 5521?');
    await box.press('Enter');

    // An agent of the demo application of its own (whatever the other tests did to the owner's password).
    const demo = (await setup.server.db.repos.apps.findDemo())!;
    await setup.server.db.repos.users.create({ email: 'phone-agent@test.local', passwordHash: hashPasswordNow('phone-agent-password'), role: 'agent', appIds: [demo.id] });
    const agent = await newPage(setup.browser, PHONE);
    await signInThroughConsole(agent, setup.server.url, 'phone-agent@test.local', 'phone-agent-password');
    const menu = agent.getByRole('button', { name: 'Menu' });
    await menu.waitFor();
    expect(await agent.getByRole('link', { name: 'Conversations' }).isVisible()).toBe(false);
    await menu.click();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    await agent.screenshot({ path: `${SHOTS}-phone-menu.png` });
    await agent.getByRole('link', { name: 'Conversations' }).click();
    // The menu folds once the view has changed (a render later).
    await expect.poll(() => agent.getByRole('link', { name: 'Conversations' }).isVisible()).toBe(false);

    const list = agent.getByRole('navigation', { name: 'Conversations' });
    await list.getByRole('button', { name: /Kim Mobile/ }).waitFor();
    const noSideScroll = () => agent.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    expect(await noSideScroll()).toBe(true);
    await agent.screenshot({ path: `${SHOTS}-phone-conversations.png` });

    await list.getByRole('button', { name: /Kim Mobile/ }).click();
    const transcript = agent.getByRole('region', { name: 'Transcript' });
    await transcript.getByText('Can someone check order 5521?', { exact: false }).waitFor();
    expect(await list.isVisible()).toBe(false);
    expect(await noSideScroll()).toBe(true);
    const reply = transcript.getByLabel('Reply');
    const replyBox = (await reply.boundingBox())!;
    expect(replyBox.x).toBeGreaterThanOrEqual(0);
    expect(replyBox.x + replyBox.width).toBeLessThanOrEqual(PHONE.width);
    await reply.fill('Checking order 5521 now.');
    await transcript.getByRole('button', { name: 'Send reply' }).click();
    await transcript.locator('li.msg[data-role="agent"]').getByText('Checking order 5521 now.').waitFor();
    const sendBox = (await transcript.getByRole('button', { name: 'Send reply' }).boundingBox())!;
    expect(sendBox.y + sendBox.height).toBeLessThanOrEqual(PHONE.height);
    await agent.screenshot({ path: `${SHOTS}-phone-conversation.png` });
    await transcript.getByRole('button', { name: '← All conversations' }).click();
    await list.waitFor();
    await agent.getByRole('button', { name: 'Menu' }).click();
    await agent.getByRole('link', { name: 'Activity' }).click();
    await agent.getByText('Kim Mobile').first().waitFor();
    expect(await noSideScroll()).toBe(true);
    await agent.screenshot({ path: `${SHOTS}-phone-activity.png`, fullPage: true });
    // Every other page fits the width too (a wide table scrolls inside its own box).
    const wide: string[] = [];
    const loaded: Record<string, () => Promise<void>> = {
      Sessions: () => agent.locator('sessions-table').getByText('Kim Mobile').waitFor(),
      Settings: () => agent.getByRole('heading', { name: 'Settings' }).waitFor(),
      Account: () => agent.getByRole('heading', { name: 'Change password' }).waitFor(),
      Applications: () => agent.locator('section.card', { hasText: 'Demo site' }).waitFor(),
    };
    for (const [name, ready] of Object.entries(loaded)) {
      await agent.getByRole('button', { name: 'Menu' }).click();
      await agent.getByRole('link', { name }).click();
      await ready();
      await agent.screenshot({ path: `${SHOTS}-phone-${name.toLowerCase()}.png`, fullPage: true });
      if (!(await noSideScroll())) wide.push(name);
    }
    expect(wide).toEqual([]);
    await Promise.all([visitor.context().close(), agent.context().close()]);
  });
});
