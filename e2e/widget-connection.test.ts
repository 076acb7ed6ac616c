import { describe, expect, it } from 'vitest';
import { newPage, serverAndBrowser } from './support/fixtures.js';
import { widgetSession } from './support/recording.js';

const setup = serverAndBrowser();

describe('the widget connection', () => {
  it('opens one socket when it is asked to connect several times at once, and the next page resumes the session', async () => {
    const page = await newPage(setup.browser);
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    await page.goto(`${setup.server.url}/demo/checkout.html`);
    // A first visit (no stored visitor id): the launcher's click and two API calls race for the socket.
    // The click loads the full widget (the first script paints the launcher only), which opens the chat.
    const sessionId = await page.evaluate(async () => {
      const host = document.querySelector('chatreel-widget')!;
      (host.shadowRoot!.querySelector('button.launcher') as HTMLButtonElement).click();
      await customElements.whenDefined('chatreel-widget');
      const widget = host as unknown as {
        connection: { connect(): Promise<void>; onReady(cb: () => void): void; ensureSession(): Promise<{ id: string } | null> };
      };
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
