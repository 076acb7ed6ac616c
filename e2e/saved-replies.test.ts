import { describe, expect, it } from 'vitest';
import { demoVisitorWrites, widget } from './support/demo-chat.js';
import { newPage, serverAndBrowser, signInThroughConsole } from './support/fixtures.js';

/**
 * Saved replies per application (issue 18): the owner keeps them in Settings; an agent inserts one into
 * a reply in Conversations, edits it or not, and sends it; the visitor receives it. The widget's own
 * settings never carry them.
 */
const setup = serverAndBrowser();
const SAVED = ['Thanks for waiting! Let me look into it.', 'Your parcel ships within 2 working days.'];

describe('saved replies (issue 18)', () => {
  it('are kept per application in Settings and inserted into a reply in Conversations', async () => {
    const { server, browser } = setup;
    const owner = await newPage(browser, { width: 1366, height: 768 });
    await signInThroughConsole(owner, server.url);
    await owner.getByRole('button', { name: 'Sign out' }).waitFor();
    await owner.goto(`${server.url}/#/settings`);
    await owner.getByLabel('Saved replies (separate them with a blank line)').fill(SAVED.join('\n\n'));
    await owner.getByRole('button', { name: 'Save settings' }).click();
    await owner.getByRole('status').filter({ hasText: 'Saved' }).waitFor();

    const { visitor, box } = await demoVisitorWrites(browser, server.url, 'When will my parcel ship?');

    await owner.goto(`${server.url}/#/conversations`);
    await owner.reload();
    const row = owner.getByRole('navigation', { name: 'Conversations' }).locator('li button[data-session-id]').first();
    await row.click();
    const transcript = owner.getByRole('region', { name: 'Transcript' });
    await transcript.getByText('When will my parcel ship?').waitFor();
    const saved = transcript.getByLabel('Saved replies', { exact: true });
    expect(await saved.locator('option').allTextContents()).toEqual(['Saved replies…', ...SAVED]);
    await saved.selectOption({ label: SAVED[1] });
    await expect.poll(() => transcript.getByLabel('Reply').inputValue()).toBe(SAVED[1]);
    await transcript.getByRole('button', { name: 'Send reply' }).click();

    await widget(visitor).getByText(SAVED[1]).waitFor({ timeout: 10_000 });
    // The widget's settings (sent at its handshake) never hold them.
    const widgetSettings = await visitor.evaluate(() => JSON.stringify((document.querySelector('chatreel-widget') as unknown as { connection?: { settings?: unknown } }).connection?.settings ?? null));
    expect(widgetSettings).toContain('"appearance"');
    expect(widgetSettings).not.toContain(SAVED[0]);
    expect(widgetSettings).not.toContain(SAVED[1]);

    await owner.context().close();
    await visitor.context().close();
  });
});
