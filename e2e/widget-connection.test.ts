import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../server/src/testing/test-server.js';
import { launchChromium } from './support/browser.js';
import { newPage } from './support/fixtures.js';
import { widgetSession } from './support/recording.js';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the widget connection', () => {
  it('opens one socket when it is asked to connect several times at once, and the next page resumes the session', async () => {
    const page = await newPage(browser);
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    await page.goto(`${server.url}/demo/checkout.html`);
    // A first visit (no stored visitor id): the launcher's click and two API calls race for the socket.
    const sessionId = await page.evaluate(async () => {
      const widget = document.querySelector('chatreel-widget') as unknown as {
        connection: { connect(): Promise<void>; onReady(cb: () => void): void; ensureSession(): Promise<{ id: string } | null> };
        shadowRoot: ShadowRoot;
      };
      (widget.shadowRoot.querySelector('button') as HTMLButtonElement).click();
      await Promise.all([widget.connection.connect(), widget.connection.connect()]);
      await new Promise<void>((resolve) => widget.connection.onReady(() => resolve()));
      return (await widget.connection.ensureSession())?.id ?? null;
    });
    expect(sessionId).toMatch(/^[0-9a-f]{24}$/);
    expect(sockets).toHaveLength(1);

    await page.getByRole('link', { name: 'Shop' }).click();
    await page.waitForURL('**/demo/');
    expect(await widgetSession(page)).toBe(sessionId);
    await page.context().close();
  });
});
