import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { MAX_SESSION_STORED_BYTES } from '../server/src/protocol/limits.js';
import { waitUntil } from '../server/src/testing/server-process.js';
import { newPage, serverAndBrowser } from './support/fixtures.js';
import { startChat } from './support/recording.js';
import { pretendStored } from '../server/src/storage/test-seams.js';

const setup = serverAndBrowser();

/** Times at which the page sent a `recording:batch` over its socket (the frame that names the event). */
function batchFrames(page: Page): number[] {
  const sent: number[] = [];
  page.on('websocket', (socket) => socket.on('framesent', (frame) => String(frame.payload).includes('"recording:batch"') && sent.push(Date.now())));
  return sent;
}

const widget = (page: Page) => page.locator('chatreel-widget');

describe('a session past its storage quota (Chromium)', () => {
  it('the widget stops recording and sends nothing more; the server keeps a stopped marker; the chat goes on', async () => {
    const { server } = setup;
    const page = await newPage(setup.browser);
    const frames = batchFrames(page);
    await page.goto(`${server.url}/demo/`);
    const sessionId = await startChat(page);
    await waitUntil(async () => (await server.db.repos.recordings.maxSeq(sessionId)) > 0, 20_000, 'recording under way');

    // As if the session had stored nearly its 200 MB (the per-minute byte limit makes that take minutes).
    await pretendStored(server.db, { sessionId }, MAX_SESSION_STORED_BYTES);
    for (let i = 0; i < 10 && !(await server.db.repos.sessions.findById(sessionId))!.recordingStopped; i += 1) {
      await page.mouse.move(100 + i * 30, 300);
      await page.waitForTimeout(500);
    }
    expect((await server.db.repos.sessions.findById(sessionId))!.recordingStopped).toBe('session-quota');

    // The page goes on moving; the widget neither retries nor records.
    await page.waitForTimeout(500);
    const framesAtStop = frames.length;
    for (let i = 0; i < 12; i += 1) {
      await page.mouse.move(400 + i * 20, 200 + i * 10);
      await page.waitForTimeout(500);
    }
    expect(frames.length).toBe(framesAtStop);

    // The chat still works.
    const box = widget(page).getByRole('textbox', { name: 'Message' });
    await box.fill('Is my order on its way?');
    await box.press('Enter');
    await waitUntil(
      async () => (await server.db.repos.messages.listAfter(sessionId, 0, 10)).some((message) => message.text === 'Is my order on its way?'),
      10_000,
      'the message stored',
    );
    await page.context().close();
  }, 90_000);
});
