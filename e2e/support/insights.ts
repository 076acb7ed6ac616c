import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { SessionInsights } from '../../server/src/protocol/insights.js';
import type { HttpClient } from '../../server/src/testing/http-client.js';
import { waitUntil } from '../../server/src/testing/server-process.js';
import { startChat, waitForSettledSeqs, waitForStoredText } from './recording.js';

/** Clicks of the rage burst, all on one spot, well inside the 1 s window. */
const RAGE_CLICKS = 4;
/** Longer than the dead-click window (2.5 s): nothing happens on the page meanwhile. */
const DEAD_CLICK_WAIT_MS = 3000;

/**
 * On /demo/: the visitor starts a chat, rage-clicks "Apply coupon" (a button with no handler), waits,
 * then clicks "Track my order" (its handler throws). Answers the session and the page's errors.
 */
export async function visitorStruggles(visitor: Page, baseUrl: string, message?: string): Promise<{ sessionId: string; pageErrors: string[] }> {
  const pageErrors: string[] = [];
  visitor.on('pageerror', (error) => pageErrors.push(error.message));
  await visitor.goto(`${baseUrl}/demo/`);
  const sessionId = await startChat(visitor);
  if (message) {
    const widget = visitor.locator('chatreel-widget');
    await widget.getByLabel('Message').fill(message);
    await widget.getByRole('button', { name: 'Send' }).click();
    await widget.locator('li[data-role="visitor"][data-seq] .text', { hasText: message }).waitFor();
  }
  // The panel would cover the page's controls.
  await visitor.getByRole('button', { name: 'Close chat' }).click();

  const coupon = visitor.getByRole('button', { name: 'Apply coupon' });
  await coupon.scrollIntoViewIfNeeded();
  const box = (await coupon.boundingBox())!;
  for (let i = 0; i < RAGE_CLICKS; i++) await visitor.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await visitor.waitForTimeout(DEAD_CLICK_WAIT_MS);
  await visitor.getByRole('link', { name: 'Track my order' }).click();
  await expect.poll(() => pageErrors.length).toBe(1);
  return { sessionId, pageErrors };
}

/** Waits until everything recorded (the error included) is stored, then ends the chat as the widget does. */
export async function visitorEndsChat(visitor: Page, owner: HttpClient, appId: string, sessionId: string) {
  // The widget records a JavaScript error as a custom event with this tag.
  await waitForStoredText(owner, appId, sessionId, 'chatreel/error');
  await waitForSettledSeqs(owner, appId, sessionId, 2000);
  await visitor.evaluate(() => (document.querySelector('chatreel-widget') as unknown as { connection: { endSession(): Promise<void> } }).connection.endSession());
}

/** The session's insights once the server has computed them (it does when the session completes). */
export async function readyInsights(owner: HttpClient, appId: string, sessionId: string): Promise<SessionInsights> {
  let insights: SessionInsights | undefined;
  await waitUntil(
    async () => {
      const response = await owner.request('GET', `/api/apps/${appId}/sessions/${sessionId}/insights`);
      insights = response.json?.data;
      return insights?.status === 'ready';
    },
    60_000,
    `insights of ${sessionId} ready`,
  );
  return insights!;
}

/** What the replay viewer's player reports: its playhead (ms from its start) and its start time. */
export const playhead = (view: Locator) =>
  view.evaluate((element) => {
    const player = (element as unknown as { replay: { player?: { currentTime(): number; meta(): { startTime: number } } } }).replay.player;
    return player ? { offsetMs: player.currentTime(), startTs: player.meta().startTime } : null;
  });
