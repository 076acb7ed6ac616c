import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../server/src/testing/http-client.js';
import { startServerProcess, waitUntil, type ServerProcess } from '../server/src/testing/server-process.js';
import { launchChromium } from './support/browser.js';
import { newPage } from './support/fixtures.js';
import { wiretap } from './support/wiretap.js';
import { demoAppId, dumpDatabase, sessionEvents, startChat, waitForSettledSeqs, walkNodes, widgetSession } from './support/recording.js';

const META = 4;
const FULL_SNAPSHOT = 2;
const INCREMENTAL = 3;
const INPUT_SOURCE = 5;

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

async function withServer<T>(run: (server: ServerProcess, owner: HttpClient, appId: string) => Promise<T>): Promise<T> {
  const server = await startServerProcess();
  try {
    const owner = new HttpClient(server.url);
    await owner.signIn();
    return await run(server, owner, await demoAppId(owner));
  } finally {
    await server.dispose();
  }
}

describe('recording in Chromium', () => {
  it('spans two demo pages in one session; masked values, passwords and blocked elements never leave the browser', async () => {
    const SECRET_NAME = 'Zebra-Quokka-4471';
    const SECRET_PASSWORD = 'Hunter-Pass-9981';
    await withServer(async (server, owner, appId) => {
      const page = await newPage(browser);
      const { wire } = wiretap(page);
      await page.goto(`${server.url}/demo/checkout.html`);
      const sessionId = await startChat(page);
      // The recorder loads after the session starts: type once its first batch (the page's snapshot) went out.
      await waitUntil(() => wire.some((frame) => frame.startsWith('[{') && frame.includes('"type":2,')), 20_000, 'the first recorded batch');
      await page.locator('#name').pressSequentially(SECRET_NAME);
      await page.locator('#password').pressSequentially(SECRET_PASSWORD);
      await page.waitForTimeout(2_500); // one flush interval: these inputs travel over the socket
      await page.getByRole('link', { name: 'Shop' }).click();
      await page.waitForURL('**/demo/');
      expect(await widgetSession(page)).toBe(sessionId);
      const seqs = await waitForSettledSeqs(owner, appId, sessionId);
      await page.context().close();
      await server.stop();

      const dump = await dumpDatabase(server.dataDir);
      expect(dump.sessions).toHaveLength(1);
      expect(dump.sessions[0]).toMatchObject({ pageCount: 2, landingUrl: `${server.url}/demo/checkout.html` });
      expect(dump.chunks.map((chunk) => chunk.seq)).toEqual(seqs);

      const events = sessionEvents(dump, sessionId);
      const metas = events.filter((event) => event.type === META).map((event) => (event.data as { href: string }).href);
      expect(metas).toEqual([`${server.url}/demo/checkout.html`, `${server.url}/demo/`]);
      const snapshots = events.filter((event) => event.type === FULL_SNAPSHOT);
      expect(snapshots).toHaveLength(2);
      // Each page begins with a full snapshot right after its meta event.
      for (const href of metas) {
        const at = events.findIndex((event) => event.type === META && (event.data as { href: string }).href === href);
        expect(events[at + 1].type).toBe(FULL_SNAPSHOT);
      }

      // The widget's own open shadow root is in the recording.
      const checkoutNodes = [...walkNodes((snapshots[0].data as { node: unknown }).node)];
      const host = checkoutNodes.find((node) => node.tagName === 'chatreel-widget');
      expect(host?.isShadowHost).toBe(true);
      expect([...walkNodes(host)].some((node) => node.isShadow && node.tagName === 'button')).toBe(true);

      // Typing was recorded, masked: one input event per keystroke, the value as asterisks.
      const nameId = checkoutNodes.find((node) => node.attributes?.id === 'name')?.id;
      const typed = events.filter((e) => e.type === INCREMENTAL && (e.data as any).source === INPUT_SOURCE && (e.data as any).id === nameId);
      expect(typed.length).toBeGreaterThan(0);
      expect((typed.at(-1)!.data as { text: string }).text).toBe('*'.repeat(SECRET_NAME.length));

      // rr-block: a placeholder of the same size, nothing inside. rr-mask: the text is not stored.
      const shopNodes = [...walkNodes((snapshots[1].data as { node: unknown }).node)];
      const blocked = shopNodes.find((node) => String(node.attributes?.class ?? '').includes('rr-block'));
      expect(blocked).toBeDefined();
      expect(blocked.attributes.rr_width).toMatch(/^[1-9][\d.]*px$/);
      expect(blocked.attributes.rr_height).toMatch(/^[1-9][\d.]*px$/);
      expect(blocked.childNodes).toEqual([]);

      expect(wire.length).toBeGreaterThan(5);
      expect(wire.some((frame) => frame.includes('"type":2'))).toBe(true); // the tap sees the snapshots
      const everything = [...dump.documents.map((doc) => doc.text), ...wire];
      for (const secret of [SECRET_NAME, SECRET_PASSWORD, 'Member 4411-2290', '12 Elm Street']) {
        expect(everything.filter((text) => text.includes(secret)), secret).toEqual([]);
      }
    });
  });

  it('stores the last input event when the visitor navigates away right after typing', async () => {
    await withServer(async (server, owner, appId) => {
      const page = await newPage(browser);
      await page.goto(`${server.url}/demo/checkout.html`);
      const sessionId = await startChat(page);
      await page.waitForTimeout(2_500);
      const LAST_WORDS = 'leave it by the door';
      await page.locator('#notes').pressSequentially(LAST_WORDS);
      await page.getByRole('link', { name: 'Shop' }).click();
      await page.waitForURL('**/demo/');
      expect(await widgetSession(page)).toBe(sessionId);
      await waitForSettledSeqs(owner, appId, sessionId);
      await page.context().close();
      await server.stop();

      const dump = await dumpDatabase(server.dataDir);
      const events = sessionEvents(dump, sessionId);
      const snapshot = events.find((event) => event.type === FULL_SNAPSHOT)!;
      const notesId = [...walkNodes((snapshot.data as { node: unknown }).node)].find((node) => node.attributes?.id === 'notes')?.id;
      const inputs = events.filter((e) => e.type === INCREMENTAL && (e.data as any).source === INPUT_SOURCE && (e.data as any).id === notesId);
      expect((inputs.at(-1)!.data as { text: string }).text).toBe('*'.repeat(LAST_WORDS.length));
      // …and it left through POST /ingest as the page went away (the socket was gone by then).
      const lastChunk = dump.chunks.find((chunk) => chunk.events.some((event) => event === inputs.at(-1) || JSON.stringify(event) === JSON.stringify(inputs.at(-1))));
      expect(lastChunk?.via).toBe('http');
      // Stored exactly once each, 1..N.
      const seqs = dump.chunks.filter((chunk) => chunk.sessionId === sessionId).map((chunk) => chunk.seq);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    });
  });
});
