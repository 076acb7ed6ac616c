import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../server/src/testing/server-process.js';
import { launchChromium } from './support/browser.js';
import { newPage, signInThroughConsole } from './support/fixtures.js';

let server: ServerProcess;
let browser: Browser;
let owner: Page;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServerProcess(), launchChromium()]);
  owner = await newPage(browser);
  await signInThroughConsole(owner, server.url);
  await owner.getByRole('button', { name: 'Sign out' }).waitFor();
});
afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

describe('settings and team in the console', () => {
  it('a greeting and colour saved in Settings reach the next widget connection, without a restart', async () => {
    await owner.goto(`${server.url}/#/settings`);
    await owner.locator('settings-view pre').filter({ hasText: 'data-key="pk_' }).waitFor();
    await owner.getByLabel('Greeting').fill('Welcome to the <i>demo</i> shop');
    await owner.getByLabel('Position').selectOption('left');
    await owner.getByRole('button', { name: 'Save settings' }).click();
    await owner.getByRole('status').filter({ hasText: 'Saved' }).waitFor();

    const visitor = await newPage(browser);
    await visitor.goto(`${server.url}/demo/`);
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    await expect.poll(() => visitor.locator('chatreel-widget li[data-role="greeting"]').textContent(), { timeout: 10_000 }).toBe(
      'Welcome to the <i>demo</i> shop',
    );
    const launcherLeft = await visitor.getByRole('button', { name: 'Close chat' }).evaluate((el) => el.getBoundingClientRect().left);
    expect(launcherLeft).toBeLessThan(200); // position: left
    await visitor.context().close();

    // The saved values are what the page shows after a reload.
    await owner.reload();
    await expect.poll(() => owner.getByLabel('Greeting').inputValue()).toBe('Welcome to the <i>demo</i> shop');
    expect(await owner.getByLabel('Position').inputValue()).toBe('left');
  });

  it('takes an allowed origin as copied from the address bar, and says in words what is not an origin', async () => {
    await owner.goto(`${server.url}/#/settings`);
    const origins = owner.getByLabel('Allowed origins (one per line)');
    await origins.waitFor();
    await origins.fill('https://Shop.Example.com/\nhttps://*.example.org/');
    await owner.getByRole('button', { name: 'Save settings' }).click();
    await owner.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await owner.reload();
    await expect.poll(() => owner.getByLabel('Allowed origins (one per line)').inputValue()).toBe('https://shop.example.com\nhttps://*.example.org');

    await owner.getByLabel('Allowed origins (one per line)').fill('https://shop.example.com/checkout');
    await owner.getByRole('button', { name: 'Save settings' }).click();
    const alert = owner.locator('settings-view').getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe(
      '"https://shop.example.com/checkout" is not a website origin: write its scheme and host only, such as https://www.example.com or https://*.example.com.',
    );
    await owner.getByLabel('Allowed origins (one per line)').fill('');
    await owner.getByRole('button', { name: 'Save settings' }).click();
    await owner.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  });

  it('an owner invites an agent, who signs in with the password shown once and sees the Activity tab', async () => {
    await owner.goto(`${server.url}/#/team`);
    await owner.getByLabel('Email').fill('agent@demo.test');
    await owner.getByRole('button', { name: 'Create agent account' }).click();
    const once = owner.locator('team-view .once');
    await once.waitFor();
    const password = (await once.locator('code').textContent())!;
    expect(password).toMatch(/^[A-Za-z0-9_-]{16}$/);
    await owner.locator('team-view tr[data-member="agent@demo.test"]').waitFor();

    const agent = await newPage(browser);
    await signInThroughConsole(agent, server.url, 'agent@demo.test', password);
    await agent.getByText('agent@demo.test (agent)').waitFor();
    await agent.goto(`${server.url}/#/activity`);
    await agent.locator('session-counters [data-counter="total"] dd').filter({ hasText: /^\d+$/ }).waitFor();
    await agent.goto(`${server.url}/#/team`);
    await agent.getByText('Only an owner can manage the team.').waitFor();

    // Taking the application away: the agent's Activity tab no longer loads it.
    await owner.locator('team-view tr[data-member="agent@demo.test"] input[type="checkbox"]').first().uncheck();
    await expect.poll(async () => (await owner.request.get(`${server.url}/api/team`)).json().then((b) => b.data.members.find((m: { email: string }) => m.email === 'agent@demo.test').appIds)).toEqual([]);
    await agent.goto(`${server.url}/#/sessions`);
    await agent.reload();
    await agent.getByText('No applications yet.').waitFor();
    await agent.context().close();
  });
});
