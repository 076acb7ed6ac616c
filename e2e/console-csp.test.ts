import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../server/src/protocol/recording-events.js';
import { newPage, serverAndBrowser } from './support/fixtures.js';
import { openReplay, replayFrame, storeRecording } from './support/replay.js';

const setup = serverAndBrowser();

const T0 = Date.UTC(2026, 0, 5, 9);
let nextId = 1;
const el = (tagName: string, attributes: Record<string, string>, childNodes: unknown[] = []) => ({ type: 2, tagName, attributes, childNodes, id: nextId++ });
const text = (textContent: string) => ({ type: 3, textContent, id: nextId++ });

/** An ordinary shop page: its own stylesheet text, an inline style attribute and a picture from another host. */
function ordinaryPage(): RecordedEvent[] {
  const html = el('html', {}, [
    el('head', {}, [el('style', {}, [text('h1 { color: rgb(200, 30, 30); font-family: "Shop Sans", serif; }')])]),
    el('body', { style: 'background: rgb(250, 250, 240)' }, [
      el('h1', {}, [text('Winter boots')]),
      el('img', { src: 'http://127.0.0.1:9/boots.png', alt: 'boots', width: '40', height: '40' }),
    ]),
  ]);
  return [
    { type: 4, timestamp: T0, data: { href: 'http://shop.example/boots', width: 1024, height: 640 } },
    { type: 2, timestamp: T0 + 10, data: { node: { type: 0, id: nextId++, childNodes: [html] }, initialOffset: { top: 0, left: 0 } } },
    { type: 3, timestamp: T0 + 2000, data: { source: 1, positions: [{ x: 10, y: 10, id: 1, timeOffset: 0 }] } },
  ];
}

/** Console messages in which Chromium reports a blocked resource or inline code. */
function cspReports(page: Page): string[] {
  const reports: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) reports.push(message.text());
  });
  return reports;
}

describe('the console under its Content-Security-Policy', () => {
  it('sends a strict policy and still draws the activity chart, the sessions list and a replay without a violation', async () => {
    const { appId, sessionId } = await storeRecording(setup.server, [ordinaryPage()]);
    const page = await newPage(setup.browser);
    const reports = cspReports(page);

    const response = await page.goto(setup.server.url);
    const policy = response?.headers()['content-security-policy'] ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");

    await openReplay(page, setup.server.url, appId, sessionId);
    const { frame } = await replayFrame(page);
    await expect.poll(() => frame.locator('h1').textContent().catch(() => null), { timeout: 15_000 }).toBe('Winter boots');
    // The recorded stylesheet applies inside the rebuilt page.
    expect(await frame.locator('h1').evaluate((h1) => getComputedStyle(h1).color)).toBe('rgb(200, 30, 30)');

    await page.goto(`${setup.server.url}/#/activity`);
    await page.locator('activity-chart canvas').waitFor({ timeout: 15_000 });
    await page.goto(`${setup.server.url}/#/sessions`);
    await page.locator('sessions-table tbody tr').first().waitFor({ timeout: 15_000 });

    expect(reports).toEqual([]);
    await page.context().close();
  });
});
