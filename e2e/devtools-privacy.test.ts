import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDevtoolsEvent, type DevtoolsEntry } from '../server/src/protocol/devtools-entries.js';
import { CONSOLE_TAG, NETWORK_TAG } from '../server/src/protocol/recording-events.js';
import { launchChromium } from './support/browser.js';
import { newPage } from './support/fixtures.js';
import { dumpDatabase, sessionEvents, startChat, waitForSettledSeqs, waitForStoredText, withServerProcess } from './support/recording.js';
import { wiretap } from './support/wiretap.js';

/** What the page sends in requests and logs: none of it may reach the server. */
const SECRETS = {
  queryValue: 'query-secret-9020',
  xhrQueryValue: 'query-secret-4417',
  header: 'header-secret-5512',
  authorization: 'header-secret-7781',
  xhrHeader: 'header-secret-3321',
  body: 'body-secret-6634',
  xhrBody: 'body-secret-2209',
  card: '4111 1111 1111 1111',
  password: 'Never-Stored-5512',
};

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());


const devtoolsEntries = (events: unknown[]) => events.map(readDevtoolsEvent).filter((read): read is DevtoolsEntry => read !== null);

describe('console and network capture keep the privacy rules (issue 21)', () => {
  it('never sends a request’s headers, body or masked query values, and stars masked field values in console messages', async () => {
    await withServerProcess(async (server, owner, appId) => {
      const patched = await owner.request('PATCH', `/api/apps/${appId}`, {
        settings: { recording: { captureConsole: true, captureNetwork: true, keepQueryValues: false, maskAllInputs: true } },
      });
      expect(patched.status).toBe(200);
      const page = await newPage(browser);
      const { wire } = wiretap(page);
      await page.goto(`${server.url}/demo/checkout.html`);
      const sessionId = await startChat(page);
      await page.getByRole('button', { name: 'Close chat' }).click();
      await page.locator('#card').pressSequentially(SECRETS.card);
      await page.locator('#password').pressSequentially(SECRETS.password);
      await page.evaluate(async (secret) => {
        await fetch(`/demo/api/stock?plant=pothos&token=${secret.queryValue}`, { headers: { 'X-Api-Key': secret.header } });
        await fetch('/demo/api/delivery', { method: 'POST', headers: { Authorization: `Bearer ${secret.authorization}` }, body: JSON.stringify({ card: secret.body }) });
        await new Promise((resolve) => {
          const request = new XMLHttpRequest();
          request.open('POST', `/demo/api/delivery?session=${secret.xhrQueryValue}`);
          request.setRequestHeader('X-Csrf', secret.xhrHeader);
          request.addEventListener('loadend', resolve);
          request.send(secret.xhrBody);
        });
        const card = (document.querySelector('#card') as HTMLInputElement).value;
        const password = (document.querySelector('#password') as HTMLInputElement).value;
        console.log('card is', card, 'password', password);
        console.warn({ payment: { card } });
      }, SECRETS);
      await waitForStoredText(owner, appId, sessionId, '{payment: {card:');
      await waitForSettledSeqs(owner, appId, sessionId, 2000);
      await page.context().close();
      await server.stop();

      const dump = await dumpDatabase(server.dataDir);
      const entries = devtoolsEntries(sessionEvents(dump, sessionId));
      // What is recorded: method, URL with masked query values, status; the console lines with stars.
      const requests = entries.flatMap((read) => (read.kind === 'network' ? [`${read.entry.initiator} ${read.entry.method} ${read.entry.url} ${read.entry.status}`] : []));
      expect(requests).toEqual([
        `fetch GET ${server.url}/demo/api/stock?plant=*&token=* 200`,
        `fetch POST ${server.url}/demo/api/delivery 503`,
        `xhr POST ${server.url}/demo/api/delivery?session=* 503`,
      ]);
      const messages = entries.flatMap((read) => (read.kind === 'console' ? [read.entry.text] : []));
      expect(messages).toContain(`card is ${'*'.repeat(SECRETS.card.length)} password ${'*'.repeat(SECRETS.password.length)}`);
      expect(messages).toContain(`{payment: {card: "${'*'.repeat(SECRETS.card.length)}"}}`);
      // …and nothing else, anywhere: not in any stored document, not on the wire.
      for (const secret of Object.values(SECRETS)) {
        expect(dump.documents.filter((doc) => doc.text.includes(secret)).map((doc) => doc.collection), secret).toEqual([]);
        expect(wire.filter((frame) => frame.includes(secret)).length, secret).toBe(0);
      }
      expect(wire.some((frame) => frame.includes(NETWORK_TAG))).toBe(true);
    });
  });

  it('with capture off, stores no console message and no request, and loads no capture code', async () => {
    await withServerProcess(async (server, owner, appId) => {
      const patched = await owner.request('PATCH', `/api/apps/${appId}`, { settings: { recording: { captureConsole: false, captureNetwork: false } } });
      expect(patched.status).toBe(200);
      const page = await newPage(browser);
      const loaded: string[] = [];
      page.on('request', (request) => loaded.push(request.url()));
      await page.goto(`${server.url}/demo/`);
      const sessionId = await startChat(page);
      await page.getByRole('button', { name: 'Close chat' }).click();
      await page.getByRole('button', { name: 'Add to basket' }).first().click();
      await page.getByRole('button', { name: 'Check delivery dates' }).click();
      await page.getByText('Delivery dates are not available right now.').waitFor();
      await page.evaluate(() => console.error('An error the page logs'));
      // The basket's change is recorded: the recording itself goes on.
      await waitForStoredText(owner, appId, sessionId, 'Snake plant — added');
      await waitForSettledSeqs(owner, appId, sessionId, 2000);
      await page.context().close();
      await server.stop();

      const events = sessionEvents(await dumpDatabase(server.dataDir), sessionId);
      expect(events.length).toBeGreaterThan(0);
      const tags = events.map((event) => (event.data as { tag?: unknown } | undefined)?.tag);
      expect(tags).not.toContain(CONSOLE_TAG);
      expect(tags).not.toContain(NETWORK_TAG);
      expect(loaded.some((url) => url.includes('/widget-chunks/recording-'))).toBe(true);
      expect(loaded.filter((url) => url.includes('devtools-capture'))).toEqual([]);
    });
  });
});
