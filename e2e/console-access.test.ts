import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashPasswordNow } from '../server/src/auth/password-hashing.js';
import { HttpClient } from '../server/src/testing/http-client.js';
import { newPage, serverAndBrowser, signInThroughConsole } from './support/fixtures.js';

/**
 * Issue 14, class 7, as a person sees it: the console follows access taken away while it is open,
 * without a reload: signed out elsewhere, an application taken away, a new role, the account removed.
 */

const setup = serverAndBrowser();
let owner: HttpClient;
const apps: Record<'north' | 'south', { id: string; name: string }> = {} as never;

beforeAll(async () => {
  owner = new HttpClient(setup.server.url);
  await owner.signIn();
  for (const key of ['north', 'south'] as const) {
    const name = `${key === 'north' ? 'North' : 'South'} shop`;
    apps[key] = (await owner.request('POST', '/api/apps', { name, allowedOrigins: [] })).json.data.app;
  }
});

let accounts = 0;
async function agentPage(appIds: string[]): Promise<{ id: string; page: Page }> {
  const email = `agent-${++accounts}@access.test`;
  const password = 'agent-password-123';
  const user = await setup.server.db.repos.users.create({ email, passwordHash: hashPasswordNow(password), role: 'agent', appIds });
  const page = await newPage(setup.browser);
  await signInThroughConsole(page, setup.server.url, email, password);
  await page.getByText(`${email} (agent)`).waitFor();
  return { id: user.id, page };
}

const picker = (page: Page) => page.locator('app-picker');

describe('the console when access is taken away', () => {
  it('a tab signed out in another tab shows the sign-in page and says why', async () => {
    const first = await newPage(setup.browser);
    await signInThroughConsole(first, setup.server.url);
    await first.getByRole('button', { name: 'Sign out' }).waitFor();
    const second = await first.context().newPage();
    await second.goto(`${setup.server.url}/#/activity`);
    await second.locator('session-counters [data-counter="total"] dd').filter({ hasText: /^\d+$/ }).waitFor();

    await first.getByRole('button', { name: 'Sign out' }).click();
    await first.getByRole('button', { name: 'Sign in' }).waitFor();
    // No reload: the other tab's connection was ended by the server.
    await second.getByRole('status').filter({ hasText: 'You were signed out.' }).waitFor({ timeout: 5_000 });
    await second.getByRole('button', { name: 'Sign in' }).waitFor();
    await first.context().close();
  });

  it('an application taken away disappears from the picker, and a page showing it starts over without it', async () => {
    const { id, page } = await agentPage([apps.north.id, apps.south.id]);
    await page.goto(`${setup.server.url}/#/sessions`);
    await picker(page).getByRole('combobox', { name: 'Application' }).selectOption(apps.south.id);
    await page.locator('sessions-view session-counters [data-counter="total"] dd').filter({ hasText: /^\d+$/ }).waitFor();

    // Not the one shown: it just leaves the choice.
    expect((await owner.request('DELETE', `/api/team/${id}/apps/${apps.north.id}`)).status).toBe(200);
    await picker(page).getByText(apps.south.name).waitFor({ timeout: 5_000 });
    expect(await picker(page).getByRole('combobox').count()).toBe(0);

    // The one shown: the page says so and shows what is left (nothing).
    expect((await owner.request('DELETE', `/api/team/${id}/apps/${apps.south.id}`)).status).toBe(200);
    await page.getByRole('status').filter({ hasText: 'An application was taken away from you' }).waitFor({ timeout: 5_000 });
    await picker(page).getByText('No applications yet.').waitFor();
    expect(await page.locator('sessions-view sessions-table').count()).toBe(0);
    await page.context().close();
  });

  it('a new role shows at once, with what it may do', async () => {
    const { id, page } = await agentPage([apps.north.id]);
    await page.goto(`${setup.server.url}/#/team`);
    await page.getByText('Only an owner can manage the team.').waitFor();

    const ownerPage = await newPage(setup.browser);
    await signInThroughConsole(ownerPage, setup.server.url);
    await ownerPage.goto(`${setup.server.url}/#/team`);
    const row = ownerPage.locator(`team-view tr[data-member="agent-${accounts}@access.test"]`);
    await row.getByRole('combobox').selectOption('owner');
    await expect.poll(async () => (await owner.request('GET', '/api/team')).json.data.members.find((m: { id: string }) => m.id === id).role).toBe('owner');

    await page.getByRole('status').filter({ hasText: 'Your role is now owner.' }).waitFor({ timeout: 5_000 });
    await page.getByText(`agent-${accounts}@access.test (owner)`).waitFor();
    await page.locator('team-view').getByRole('button', { name: 'Create agent account' }).waitFor();
    await ownerPage.context().close();
    await page.context().close();
  });

  it('an account removed while its console is open is signed out, and told so', async () => {
    const { id, page } = await agentPage([apps.north.id]);
    await page.goto(`${setup.server.url}/#/activity`);
    await page.locator('session-counters [data-counter="total"] dd').filter({ hasText: /^\d+$/ }).waitFor();
    expect((await owner.request('DELETE', `/api/team/${id}`)).status).toBe(200);
    await page.getByRole('status').filter({ hasText: 'Your account was removed.' }).waitFor({ timeout: 5_000 });
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.context().close();
  });
});
