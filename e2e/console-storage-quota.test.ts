import { describe, expect, it } from 'vitest';
import { pretendStored } from '../server/src/storage/test-seams.js';
import { newPage, serverAndBrowser, signInThroughConsole } from './support/fixtures.js';
import { demoApp } from './support/replay.js';

const setup = serverAndBrowser();

describe('the storage quota in Settings (Chromium)', () => {
  it('shows what the application stores against its quota, and an owner changes the quota', async () => {
    const { server, browser } = setup;
    const app = await demoApp(server);
    // As if the demo application's sessions stored 1.5 GB.
    await pretendStored(server.db, { appId: app.id }, 1_500_000_000);
    const owner = await newPage(browser);
    await signInThroughConsole(owner, server.url);
    await owner.getByRole('button', { name: 'Sign out' }).waitFor();
    await owner.goto(`${server.url}/#/settings`);
    await expect.poll(() => owner.getByText(/GB stored of/).textContent(), { timeout: 10_000 }).toContain('1.50 GB stored of 20 GB.');

    await owner.getByLabel('Recording storage quota (GB)').fill('5');
    await owner.getByRole('button', { name: 'Save settings' }).click();
    await owner.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    expect((await server.db.repos.apps.findById(app.id))!.settings.storageQuotaGb).toBe(5);
    await owner.reload();
    await expect.poll(() => owner.getByText(/GB stored of/).textContent(), { timeout: 10_000 }).toContain('1.50 GB stored of 5 GB.');
    await owner.context().close();
  });
});
