import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STOPPED_TAG, type RecordedEvent } from '../server/src/protocol/recording-events.js';
import { waitUntil } from '../server/src/testing/server-process.js';
import { launchChromium } from './support/browser.js';
import { newPage } from './support/fixtures.js';
import { dumpDatabase, recorderRunning, sessionEvents, startChat, storedSeqs, waitForSettledSeqs, waitForStoredText, walkNodes, widgetSession, withServerProcess } from './support/recording.js';

const FULL_SNAPSHOT = 2;
const INCREMENTAL = 3;
const INPUT_SOURCE = 5;

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());


const inputsOf = (events: RecordedEvent[], id: number) =>
  events.filter((e) => e.type === INCREMENTAL && (e.data as any).source === INPUT_SOURCE && (e.data as any).id === id).map((e) => (e.data as any).text);

describe('recording settings per application (Chromium)', () => {
  it("applies the owner's extra block/mask selectors and unmasked inputs, yet never records a password", async () => {
    await withServerProcess(async (server, owner, appId) => {
      const patched = await owner.request('PATCH', `/api/apps/${appId}`, {
        settings: { recording: { maskAllInputs: false, blockSelectors: ['#basket', 'not a [valid selector'], maskSelectors: ['main h1'] } },
      });
      expect(patched.status).toBe(200);
      const page = await newPage(browser);
      await page.goto(`${server.url}/demo/checkout.html`);
      const sessionId = await startChat(page);
      // The recorder's chunk arrives after the session: what is typed before it runs is not recorded as input.
      await recorderRunning(page);
      await page.locator('#name').pressSequentially('Visible Name');
      await page.locator('#password').pressSequentially('Never-Stored-5512');
      await page.waitForTimeout(2_500);
      await page.getByRole('link', { name: 'Shop' }).click();
      await page.waitForURL('**/demo/');
      expect(await widgetSession(page)).toBe(sessionId);
      // The shop page's own recorder (its chunk loads after the session resumes) has sent its snapshot.
      await waitForStoredText(owner, appId, sessionId, 'Loyalty card');
      await waitForSettledSeqs(owner, appId, sessionId);
      await page.context().close();
      await server.stop();

      const dump = await dumpDatabase(server.dataDir);
      const events = sessionEvents(dump, sessionId);
      const [checkout, shop] = events.filter((e) => e.type === FULL_SNAPSHOT).map((e) => [...walkNodes((e.data as any).node)]);
      const idOf = (nodes: any[], id: string) => nodes.find((node) => node.attributes?.id === id)?.id;
      expect(inputsOf(events, idOf(checkout, 'name')).at(-1)).toBe('Visible Name');
      expect(inputsOf(events, idOf(checkout, 'password')).at(-1)).toBe('*'.repeat('Never-Stored-5512'.length));
      const heading = checkout.find((node) => node.tagName === 'h1');
      expect(heading.childNodes.map((child: any) => child.textContent)).toEqual(['********']);
      const basket = shop.find((node) => node.tagName === 'ul' && node.attributes?.rr_width);
      expect(basket?.childNodes).toEqual([]);
      expect(shop.some((node) => node.textContent === 'Nothing yet.')).toBe(false);
      expect(dump.documents.filter((doc) => doc.text.includes('Never-Stored-5512'))).toEqual([]);
    });
  });

  it('stops recording a page whose mutation storm passes the cap, with a marker, and the page stays usable', async () => {
    await withServerProcess(async (server, owner, appId) => {
      const page = await newPage(browser);
      await page.goto(`${server.url}/demo/`);
      const sessionId = await startChat(page);
      await waitUntil(async () => (await storedSeqs(owner, appId, sessionId)).length > 0, 20_000, 'recording under way');
      // Thousands of node changes every few milliseconds, for six seconds.
      await page.evaluate(async () => {
        const box = document.createElement('div');
        document.body.append(box);
        for (const end = Date.now() + 6_000; Date.now() < end; ) {
          box.replaceChildren(...Array.from({ length: 1_000 }, (_, i) => Object.assign(document.createElement('span'), { textContent: String(i) })));
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        box.remove();
      });
      await page.getByRole('button', { name: 'Add to basket' }).first().click();
      await expect.poll(() => page.locator('#basket li').count()).toBe(1);
      await waitForSettledSeqs(owner, appId, sessionId);
      await page.context().close();
      await server.stop();

      const events = sessionEvents(await dumpDatabase(server.dataDir), sessionId);
      const stopped = events.findIndex((e) => e.type === 5 && (e.data as any).tag === STOPPED_TAG);
      expect(stopped).toBeGreaterThan(0);
      expect((events[stopped].data as any).payload).toEqual({ reason: 'mutation-storm' });
      // Nothing after the marker: the click on "Add to basket" was not recorded.
      expect(events.slice(stopped + 1)).toEqual([]);
    });
  });
});
