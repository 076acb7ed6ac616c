import type { Page, Request } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../server/src/protocol/recording-events.js';
import { newPage, serverAndBrowser, signInThroughConsole, TEST_OWNER } from './support/fixtures.js';
import { replayFrame, storeRecording } from './support/replay.js';

/**
 * Issue 20: opening a replay by its address asks for who is signed in, the chunk list and the first
 * chunk at once — not one after the other once the console has booted — and asks for each once.
 */

const setup = serverAndBrowser();

function recording(start: number): RecordedEvent[][] {
  const doc = { type: 0, id: 1, childNodes: [{ type: 2, tagName: 'html', attributes: {}, id: 2, childNodes: [{ type: 2, tagName: 'body', attributes: {}, id: 3, childNodes: [{ type: 2, tagName: 'h1', attributes: {}, id: 4, childNodes: [{ type: 3, textContent: 'First frame', id: 5 }] }] }] }] };
  const batches: RecordedEvent[][] = [
    [
      { type: 4, timestamp: start, data: { href: 'http://first.example/', width: 1024, height: 640 } },
      { type: 2, timestamp: start + 1, data: { node: doc, initialOffset: { top: 0, left: 0 } } },
    ],
  ];
  for (let i = 1; i <= 6; i++) batches.push([{ type: 3, timestamp: start + i * 2000, data: { source: 1, positions: [{ x: i, y: i, id: 3, timeOffset: 0 }] } }]);
  return batches;
}

/** The console's API requests in the order the page sent them, and when each one's answer came. */
function watchApi(page: Page): { sent: string[]; answeredAt: Map<string, number>; sentAt: Map<string, number> } {
  const sent: string[] = [];
  const sentAt = new Map<string, number>();
  const answeredAt = new Map<string, number>();
  const name = (request: Request) => new URL(request.url()).pathname;
  page.on('request', (request) => {
    if (!request.url().includes('/api/')) return;
    sent.push(name(request));
    if (!sentAt.has(name(request))) sentAt.set(name(request), sent.length);
  });
  page.on('response', (response) => {
    if (response.url().includes('/api/') && !answeredAt.has(name(response.request()))) answeredAt.set(name(response.request()), sent.length);
  });
  return { sent, sentAt, answeredAt };
}

describe('the first requests of a replay address', () => {
  it('asks for the chunk list and the first chunk beside who is signed in, once each, and shows the first frame', async () => {
    const { appId, sessionId } = await storeRecording(setup.server, recording(Date.UTC(2026, 10, 2, 9)));
    const signIn = await newPage(setup.browser);
    await signInThroughConsole(signIn, setup.server.url);
    await signIn.getByRole('button', { name: 'Sign out' }).waitFor();

    // A new tab of the signed-in browser, opened at the replay's address.
    const page = await signIn.context().newPage();
    const api = watchApi(page);
    await page.goto(`${setup.server.url}/#/replay/${appId}/${sessionId}`);
    const { frame } = await replayFrame(page);
    await expect.poll(() => frame.locator('h1').textContent().catch(() => null), { timeout: 10_000 }).toBe('First frame');
    await expect.poll(() => page.getByRole('progressbar', { name: 'Loading the recording' }).count(), { timeout: 30_000 }).toBe(0);

    const manifest = `/api/apps/${appId}/sessions/${sessionId}/replay`;
    const me = '/api/auth/me';
    // Before the console knew who was signed in, the chunk list and the first chunk were asked for.
    expect(api.sentAt.get(manifest)).toBeLessThanOrEqual(api.answeredAt.get(me)!);
    expect(api.sentAt.get(`${manifest}/chunks/1`)).toBeLessThanOrEqual(api.answeredAt.get(me)!);
    // Each once: the console took over what the early script asked for, and the later chunks once each.
    const count = (path: string) => api.sent.filter((sent) => sent === path).length;
    expect([count(me), count(manifest)]).toEqual([1, 1]);
    for (let seq = 1; seq <= 7; seq++) expect(count(`${manifest}/chunks/${seq}`)).toBe(1);
    await page.context().close();
  });

  it('signed out, shows the sign-in page, then the replay once signed in (the early answers were refusals)', async () => {
    const { appId, sessionId } = await storeRecording(setup.server, recording(Date.UTC(2026, 10, 2, 10)));
    const page = await newPage(setup.browser);
    await page.goto(`${setup.server.url}/#/replay/${appId}/${sessionId}`);
    // Signed in on the replay's own address, within seconds of the early script's refused requests.
    await page.getByLabel('Email').fill(TEST_OWNER.email);
    await page.getByLabel('Password').fill(TEST_OWNER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const { frame } = await replayFrame(page);
    await expect.poll(() => frame.locator('h1').textContent().catch(() => null), { timeout: 10_000 }).toBe('First frame');
    await page.close();
  });
});
