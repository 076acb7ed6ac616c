import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_TAG, GAP_TAG, type RecordedEvent } from '../server/src/protocol/recording-events.js';
import { startServerProcess, waitUntil } from '../server/src/testing/server-process.js';
import { launchChromium } from './support/browser.js';
import { demoVisitor, dumpDatabase, sessionEvents, storedSeqs, waitForSettledSeqs, waitForStoredText } from './support/recording.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

/** Marks the recording: an uncaught error on the page, recorded as a `chatreel/error` custom event. */
const mark = (page: Page, label: string) =>
  page.evaluate((text) => {
    setTimeout(() => {
      throw new Error(text);
    });
  }, label);

const markers = (events: RecordedEvent[]) =>
  events
    .filter((event) => event.type === 5 && (event.data as { tag: string }).tag === ERROR_TAG)
    .map((event) => String((event.data as { payload: { message: string } }).payload.message).replace(/^Uncaught Error: /, ''));

const custom = (events: RecordedEvent[], tag: string) => events.filter((event) => event.type === 5 && (event.data as { tag: string }).tag === tag);

describe('recording under faults (Chromium)', () => {
  it('stores every seq 1..N exactly once across a server restart in the middle of a session', async () => {
    let server = await startServerProcess();
    const { dataDir, port } = server;
    try {
      const { owner, appId, page, sessionId } = await demoVisitor(browser, server.url);
      await waitUntil(async () => (await storedSeqs(owner, appId, sessionId)).length > 0, 20_000, 'recording under way');
      for (let i = 0; i < 4; i += 1) {
        await mark(page, `before-restart-${i}`);
        await page.mouse.move(100 + i * 20, 200);
        await page.waitForTimeout(700);
      }
      await waitForStoredText(owner, appId, sessionId, 'before-restart-0');

      await server.stop();
      for (let i = 0; i < 6; i += 1) {
        await mark(page, `while-down-${i}`);
        await page.mouse.move(300 + i * 20, 250);
        await page.waitForTimeout(700);
      }
      server = await startServerProcess({}, dataDir, { port });
      await owner.signIn();
      for (let i = 0; i < 3; i += 1) {
        await mark(page, `after-restart-${i}`);
        await page.waitForTimeout(700);
      }
      await waitForStoredText(owner, appId, sessionId, 'after-restart-2');
      const seqs = await waitForSettledSeqs(owner, appId, sessionId, 3_000, 90_000);
      await page.context().close();
      await server.stop();

      const dump = await dumpDatabase(dataDir);
      const stored = dump.chunks.filter((chunk) => chunk.sessionId === sessionId).map((chunk) => chunk.seq);
      // At least a batch before, one while down (kept by the outbox and sent as one) and one after.
      expect(stored.length).toBeGreaterThanOrEqual(3);
      expect(stored).toEqual(seqs);
      expect(stored).toEqual(stored.map((_, i) => i + 1)); // 1..N, each exactly once
      const expected = [
        ...[0, 1, 2, 3].map((i) => `before-restart-${i}`),
        ...[0, 1, 2, 3, 4, 5].map((i) => `while-down-${i}`),
        ...[0, 1, 2].map((i) => `after-restart-${i}`),
      ];
      expect(markers(sessionEvents(dump, sessionId))).toEqual(expected);
      expect(custom(sessionEvents(dump, sessionId), GAP_TAG)).toEqual([]);
    } finally {
      await server.dispose();
    }
  }, 180_000);

  it('delivers every event, in order, after 30 s offline', async () => {
    const server = await startServerProcess();
    try {
      const { owner, appId, page, sessionId } = await demoVisitor(browser, server.url);
      await waitUntil(async () => (await storedSeqs(owner, appId, sessionId)).length > 0, 20_000, 'recording under way');
      await mark(page, 'online-0');
      await page.waitForTimeout(2_500);

      await page.context().setOffline(true);
      const offlineStart = Date.now();
      let n = 0;
      while (Date.now() - offlineStart < 30_000) {
        await mark(page, `offline-${n}`);
        await page.mouse.move(50 + (n % 40) * 10, 300);
        n += 1;
        await page.waitForTimeout(1_000);
      }
      await page.context().setOffline(false);
      await mark(page, 'online-again');
      await waitForStoredText(owner, appId, sessionId, 'online-again');
      await waitForSettledSeqs(owner, appId, sessionId, 3_000, 90_000);
      await page.context().close();
      await server.stop();

      const dump = await dumpDatabase(server.dataDir);
      const events = sessionEvents(dump, sessionId);
      expect(markers(events)).toEqual(['online-0', ...Array.from({ length: n }, (_, i) => `offline-${i}`), 'online-again']);
      // In order: timestamps never go back across the whole stored stream.
      const timestamps = events.map((event) => event.timestamp);
      expect(timestamps).toEqual([...timestamps].sort((a, b) => a - b));
      expect(custom(events, GAP_TAG)).toEqual([]);
      const seqs = dump.chunks.filter((chunk) => chunk.sessionId === sessionId).map((chunk) => chunk.seq);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    } finally {
      await server.dispose();
    }
  }, 180_000);
});
