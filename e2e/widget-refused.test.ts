import { describe, expect, it } from 'vitest';
import { HttpClient } from '../server/src/testing/http-client.js';
import { FIXTURE_PAGE_CHROMIUM_ARGS, serveFixturePage } from './support/fixture-pages.js';
import { newPage, serverAndBrowser } from './support/fixtures.js';

/** How long the widget's connection takes to open. */
const CONNECTING_FOR_MS = 2_000;

const setup = serverAndBrowser(FIXTURE_PAGE_CHROMIUM_ARGS);

describe('the widget on a site its application does not allow', () => {
  it('says so once, takes no message and leaves nothing pending', async () => {
    const owner = new HttpClient(setup.server.url);
    await owner.signIn();
    const created = await owner.request('POST', '/api/apps', { name: 'Elsewhere', allowedOrigins: ['https://elsewhere.example'] });
    const page = await newPage(setup.browser);
    await page.goto(await serveFixturePage(page, setup.server.url, 'plain-host.html', created.json.data.app.publicKey));
    // A slow network: the connection takes a while to open, so the visitor writes while the widget is
    // still connecting; the refusal comes after the message was sent.
    await page.routeWebSocket(/\/socket\.io\//, async (socket) => {
      await new Promise((resolve) => setTimeout(resolve, CONNECTING_FOR_MS));
      socket.connectToServer();
    });
    const widget = page.locator('chatreel-widget');
    await widget.getByRole('button', { name: 'Open chat' }).click();
    const box = widget.getByRole('textbox', { name: 'Message' });
    await box.fill('Hello, anyone?');
    await box.press('Enter');
    expect(await widget.getByText('Connecting…').count()).toBeGreaterThan(0);

    const refusal = 'This website is not allowed to use this widget key.';
    await widget.getByText(refusal).first().waitFor({ timeout: 15_000 });
    await page.waitForTimeout(500);
    expect(await widget.getByText(refusal).count()).toBe(1);
    expect(await widget.locator('li.msg[data-role="visitor"]').count()).toBe(0);
    expect(await box.isDisabled()).toBe(true);
    expect(await widget.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    await page.context().close();
  });
});
