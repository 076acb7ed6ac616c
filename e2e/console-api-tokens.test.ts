import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { newPage, serverAndBrowser, signInThroughConsole } from './support/fixtures.js';

const started = serverAndBrowser();
let owner: Page;

beforeAll(async () => {
  owner = await newPage(started.browser);
  await signInThroughConsole(owner, started.server.url);
  await owner.getByRole('button', { name: 'Sign out' }).waitFor();
});

const apiStatus = async (secret: string, appId: string) =>
  (await fetch(`${started.server.url}/api/v1/apps/${appId}/sessions`, { headers: { authorization: `Bearer ${secret}` } })).status;

describe('API tokens in the console (issue 22)', () => {
  it('creates a token, shows it once, lists it, and revokes it', async () => {
    await owner.goto(`${started.server.url}/#/settings`);
    const panel = owner.locator('api-tokens-panel');
    await panel.getByText('No API tokens yet.').waitFor();
    await owner.getByLabel('Token name').fill('CRM sync');
    await owner.getByLabel('Access').selectOption({ label: 'Read only' });
    await owner.getByRole('button', { name: 'Create token' }).click();

    // Shown once, in full.
    const shown = owner.getByRole('region', { name: 'New API token' });
    await shown.getByText('It is shown only once.').waitFor();
    const secret = (await shown.getByTestId('new-token').textContent())!.trim();
    expect(secret).toMatch(/^crt_[\w-]{43}$/);
    const row = owner.getByRole('table', { name: 'API tokens' }).getByRole('row').filter({ hasText: 'CRM sync' });
    await expect.poll(() => row.textContent()).toContain('Read only');
    expect(await row.textContent()).toContain(`${secret.slice(0, 8)}…`);
    expect(await row.textContent()).not.toContain(secret);

    // It works against the API; the demo application is the one the settings show.
    const appId = await owner.evaluate(async () => ((await (await fetch('/api/apps')).json()) as { data: { apps: Array<{ id: string; demo: boolean }> } }).data.apps.find((app) => app.demo)!.id);
    expect(await apiStatus(secret, appId)).toBe(200);

    // Never again: after a reload the list has it, the token itself is nowhere on the page.
    await owner.reload();
    await owner.getByRole('table', { name: 'API tokens' }).getByRole('row').filter({ hasText: 'CRM sync' }).waitFor();
    expect(await owner.getByRole('region', { name: 'New API token' }).count()).toBe(0);
    expect(await owner.locator('api-tokens-panel').evaluate((panel) => panel.shadowRoot!.innerHTML)).not.toContain(secret);

    await owner.getByRole('button', { name: 'Revoke CRM sync' }).click();
    await owner.getByRole('status').filter({ hasText: 'Revoked CRM sync' }).waitFor();
    await owner.locator('api-tokens-panel').getByText('No API tokens yet.').waitFor();
    expect(await apiStatus(secret, appId)).toBe(401);
  });
});
