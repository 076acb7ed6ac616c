import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../server/src/protocol/recording-events.js';
import { newPage, serverAndBrowser } from './support/fixtures.js';
import { openReplay, storeRecording } from './support/replay.js';

const SESSION_S = 60;
/** The visitor focuses the page's field here: replaying it focuses it inside the replay's frame. */
const FOCUS_AT_S = 8;
const MESSAGES = ['Hello?', 'Do you ship to Norway?', 'And to Iceland?', 'How long does it take?', 'Can I pay by invoice?', 'Is there a discount?', 'Where is my order?', 'Thanks!'];
const PAGES = ['/plants/indoor?sort=price', '/plants/indoor/snake-plant', '/cart', '/checkout/shipping', '/checkout/payment', '/order'];
/** Screens agents work on: the conversation must be on screen at each. */
const COMMON_SIZES = [
  { width: 1366, height: 768 },
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
];

/** One page with a text field, a counter changing every second, the visitor focusing the field once. */
function recording(start: number): RecordedEvent[][] {
  let id = 0;
  const node = (tagName: string, childNodes: unknown[] = [], attributes: Record<string, string> = {}) => ({ type: 2, tagName, attributes, childNodes, id: ++id });
  const counterText = { type: 3, textContent: '0', id: ++id };
  const field = node('input', [], { id: 'field', type: 'text' });
  const body = node('body', [node('h1', [{ type: 3, textContent: 'Order form', id: ++id }]), field, node('span', [counterText])]);
  const events: RecordedEvent[] = [
    { type: 4, timestamp: start, data: { href: 'http://shop.example/order', width: 1024, height: 640 } },
    { type: 2, timestamp: start + 1, data: { node: { type: 0, id: ++id, childNodes: [node('html', [node('head'), body])] }, initialOffset: { top: 0, left: 0 } } },
  ];
  for (let second = 1; second <= SESSION_S; second++) {
    events.push({ type: 3, timestamp: start + second * 1000, data: { source: 0, texts: [{ id: counterText.id, value: String(second) }], attributes: [], removes: [], adds: [] } });
    if (second === FOCUS_AT_S) events.push({ type: 3, timestamp: start + second * 1000 + 100, data: { source: 2, type: 5, id: field.id } });
  }
  return [events.slice(0, 30), events.slice(30)];
}

async function storeSession() {
  const start = Date.UTC(2026, 10, 30, 9);
  const { appId, sessionId } = await storeRecording(setup.server, recording(start));
  const repos = setup.server.db.repos;
  const { visitorId } = (await repos.sessions.findById(sessionId))!;
  // A visitor who looked around first: the session's facts list every page, above the conversation.
  for (const [index, path] of PAGES.entries()) await repos.sessions.addPage(sessionId, `http://shop.example${path}`, new Date(start + (index + 1) * 1000));
  for (const [index, text] of MESSAGES.entries()) {
    await repos.messages.append({ appId, sessionId, visitorId, role: index % 2 ? 'agent' : 'visitor', text, createdAt: new Date(start + (10 + index * 6) * 1000) });
  }
  return { appId, sessionId };
}

/** The player's own time display ("00:30"), in seconds. */
const shownSeconds = async (view: Locator) => {
  const [minutes, seconds] = (await view.locator('.rr-timeline__time').first().textContent())!.split(':').map(Number);
  return minutes * 60 + seconds;
};

async function openAt(page: Page, ids: { appId: string; sessionId: string }) {
  await openReplay(page, setup.server.url, ids.appId, ids.sessionId);
  const view = page.locator('replay-view');
  await view.locator('.rr-controller').waitFor({ timeout: 15_000 });
  await expect.poll(() => view.locator('.replayer-wrapper iframe').count()).toBe(1);
  return view;
}

const setup = serverAndBrowser();

describe('the replay viewer', () => {
  it('keeps its keyboard shortcuts after a seek that focuses a field inside the replayed page', async () => {
    const ids = await storeSession();
    const page = await newPage(setup.browser, COMMON_SIZES[0]);
    const view = await openAt(page, ids);

    // Seek by clicking a message said after the visitor focused the field.
    await view.getByRole('list', { name: 'Conversation' }).getByRole('button', { name: /And to Iceland/ }).click();
    await expect.poll(() => shownSeconds(view)).toBe(22);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => shownSeconds(view), { timeout: 5_000 }).toBe(27);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => shownSeconds(view), { timeout: 5_000 }).toBe(22);
    // Space plays: the time moves on by itself.
    await page.keyboard.press(' ');
    await expect.poll(() => shownSeconds(view), { timeout: 10_000 }).toBeGreaterThan(23);
    await page.keyboard.press(' ');
    await page.keyboard.press('Home');
    await expect.poll(() => shownSeconds(view), { timeout: 5_000 }).toBe(0);
    // A seek on the timeline itself, then a shortcut.
    const bar = (await view.locator('.rr-progress').boundingBox())!;
    await page.mouse.click(bar.x + bar.width * 0.5, bar.y + bar.height / 2);
    const sought = await shownSeconds(view);
    expect(sought).toBeGreaterThan(FOCUS_AT_S);
    await page.keyboard.press('End');
    await expect.poll(() => shownSeconds(view), { timeout: 5_000 }).toBe(SESSION_S);
    await page.context().close();
  });

  it('shows the whole conversation panel on screen at common laptop sizes (screenshots in /tmp)', async () => {
    const ids = await storeSession();
    for (const size of COMMON_SIZES) {
      const page = await newPage(setup.browser, size);
      const view = await openAt(page, ids);
      const conversation = view.getByRole('tabpanel', { name: 'Conversation' });
      await conversation.getByRole('button', { name: /Hello\?/ }).waitFor();
      await page.screenshot({ path: `/tmp/chatreel-replay-${size.width}x${size.height}.png` });
      const box = (await conversation.boundingBox())!;
      expect(box.y, `${size.width}×${size.height}`).toBeGreaterThanOrEqual(0);
      expect(box.y + box.height, `${size.width}×${size.height}`).toBeLessThanOrEqual(size.height);
      // Room for messages, not a sliver: the first one is fully visible.
      expect(box.height).toBeGreaterThanOrEqual(200);
      const first = (await conversation.getByRole('button', { name: /Hello\?/ }).boundingBox())!;
      expect(first.y).toBeGreaterThanOrEqual(box.y);
      expect(first.y + first.height).toBeLessThanOrEqual(box.y + box.height);
      await page.context().close();
    }
  });
});
