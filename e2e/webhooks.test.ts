import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readmeWebhookVerifier, startWebhookReceiver, type WebhookReceiver } from '../server/src/testing/webhook-receiver.js';
import { demoVisitorWrites } from './support/demo-chat.js';
import { newPage, serverAndBrowser, signInThroughConsole } from './support/fixtures.js';

const setup = serverAndBrowser();
let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver?.close();
});

describe('webhooks in Settings (Chromium)', () => {
  it('an owner adds an endpoint, a visitor writes on the demo shop, the signed delivery arrives and the delivery log shows it', async () => {
    const { server, browser } = setup;
    const owner = await newPage(browser);
    await signInThroughConsole(owner, server.url);
    await owner.getByRole('button', { name: 'Sign out' }).waitFor();
    await owner.goto(`${server.url}/#/settings`);

    await owner.getByLabel('Endpoint URL').fill(receiver.url);
    // The receiver is on this machine: its loopback address is refused unless allowed for the endpoint.
    await owner.getByRole('button', { name: 'Add endpoint' }).click();
    await expect.poll(() => owner.getByRole('alert').textContent(), { timeout: 10_000 }).toContain('private, loopback or link-local');
    await owner.getByLabel('Allow private addresses').check();
    await owner.getByRole('button', { name: 'Add endpoint' }).click();
    const secretNote = owner.getByRole('status').filter({ hasText: 'Signing secret' });
    await secretNote.waitFor();
    const secret = (await secretNote.locator('code').textContent())!;
    expect(secret).toMatch(/^whsec_/);

    const { visitor } = await demoVisitorWrites(browser, server.url, 'Do you ship to Norway?');
    await expect.poll(() => receiver.received.some((r) => r.json?.data?.message?.text === 'Do you ship to Norway?'), { timeout: 15_000 }).toBe(true);
    const request = receiver.received.find((r) => r.json?.data?.message?.text === 'Do you ship to Norway?')!;
    expect(readmeWebhookVerifier()(secret, request.body, String(request.headers['chatreel-signature']))).toBe(true);

    await owner.getByRole('button', { name: 'Delivery log' }).click();
    const log = owner.getByRole('table', { name: 'Delivery log' });
    const row = log.getByRole('row').filter({ hasText: 'message.created' }).first();
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toMatch(/message\.created\s*Delivered\s*1\s*200/);
    await visitor.context().close();
    await owner.context().close();
  });
});
