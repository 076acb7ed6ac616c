import { describe, expect, it } from 'vitest';
import { HttpClient } from '../server/src/testing/http-client.js';
import { newPage, serverAndBrowser } from './support/fixtures.js';
import { pixelDifference } from './support/pixel-diff.js';
import { startChat, waitForSettledSeqs, widgetSession } from './support/recording.js';
import { demoApp, openReplay, replayFrame } from './support/replay.js';

/** The visitor's window; the agent's is large enough for the replay to show it at scale 1. */
const VISITOR_VIEWPORT = { width: 1024, height: 640 };
const AGENT_VIEWPORT = { width: 1440, height: 900 };
/** At most this share of pixels may differ (by more than 32/255 in a channel) between live and replay. */
const MAX_DIFFERING_PIXELS_RATIO = 0.02;

const setup = serverAndBrowser();

async function sendMessage(page: import('playwright-core').Page, text: string) {
  const widget = page.locator('chatreel-widget');
  await widget.getByLabel('Message').fill(text);
  await widget.getByRole('button', { name: 'Send' }).click();
  await widget.locator(`li[data-role="visitor"][data-seq] .text`, { hasText: text }).waitFor();
}

describe('replaying a session recorded on the demo site', () => {
  it('shows the demo text, the rr-block placeholder and the chat, and matches the live page', async () => {
    const app = await demoApp(setup.server);
    const owner = new HttpClient(setup.server.url);
    await owner.signIn();

    const visitor = await newPage(setup.browser, VISITOR_VIEWPORT);
    await visitor.goto(`${setup.server.url}/demo/`);
    const sessionId = await startChat(visitor);
    await sendMessage(visitor, 'Do you ship plants abroad?');
    await sendMessage(visitor, 'And <i>gift wrap</i>?');
    await visitor.getByRole('button', { name: 'Add to basket' }).first().click();
    await visitor.getByRole('link', { name: /checkout/i }).first().click();
    await visitor.waitForURL('**/demo/checkout.html');
    expect(await widgetSession(visitor)).toBe(sessionId);
    await waitForSettledSeqs(owner, app.id, sessionId);
    await visitor.mouse.move(0, 0);
    const live = await visitor.screenshot();
    await visitor.context().close(); // the pagehide flush sends the tail
    await waitForSettledSeqs(owner, app.id, sessionId, 2000);
    await setup.server.app.sessions.end(sessionId, 'visitor-ended');

    const agent = await newPage(setup.browser, AGENT_VIEWPORT);
    await openReplay(agent, setup.server.url, app.id, sessionId);
    const view = agent.locator('replay-view');
    const { frame } = await replayFrame(agent);

    // First page: the demo's own text, the blocked element as an empty placeholder of its size.
    await expect.poll(() => frame.getByRole('heading', { name: 'Snake plant' }).count(), { timeout: 10_000 }).toBe(1);
    // rrweb keeps only the class of a blocked element, and its size.
    const placeholder = frame.locator('.rr-block');
    expect(await placeholder.count()).toBe(1);
    expect(await placeholder.textContent()).toBe('');
    const box = await placeholder.boundingBox();
    expect(box!.width).toBeGreaterThan(100);
    expect(box!.height).toBeGreaterThan(5);
    expect(await frame.locator('body').textContent()).not.toContain('4411-2290');

    // The conversation beside the replay, and as bubbles inside the replayed widget.
    const transcript = view.locator('.transcript .message.visitor .text');
    await expect.poll(() => transcript.allTextContents()).toEqual(['Do you ship plants abroad?', 'And <i>gift wrap</i>?']);

    // Timeline markers: two pages and the messages.
    const markers = await view.locator('.rr-progress [title]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('title')));
    expect(markers.filter((title) => title?.startsWith('Page: '))).toEqual([`Page: ${setup.server.url}/demo/`, `Page: ${setup.server.url}/demo/checkout.html`]);
    expect(markers.filter((title) => title?.startsWith('Message: visitor: ')).length).toBe(2);

    // Clicking a message seeks there: it becomes the current one, and the replayed widget shows the chat.
    await view.locator('.transcript .message.visitor button').nth(1).click();
    await expect.poll(() => view.locator('.transcript .message[aria-current="true"] .text').textContent()).toBe('And <i>gift wrap</i>?');
    const bubble = frame.locator('chatreel-widget li[data-role="visitor"] .text', { hasText: 'Do you ship plants abroad?' });
    await expect.poll(() => bubble.count(), { timeout: 10_000 }).toBe(1);
    expect(await bubble.isVisible()).toBe(true);

    // The end of the replay looks like the live page did at that moment.
    await agent.keyboard.press('End');
    await expect.poll(() => frame.locator('#name').count(), { timeout: 10_000 }).toBe(1);
    await view.evaluate((element) => {
      const style = document.createElement('style');
      style.textContent = '.replayer-mouse, .replayer-mouse-tail { display: none !important; }';
      element.shadowRoot!.append(style);
    });
    await agent.waitForTimeout(500);
    // The frame's content box (inside the iframe's border), at the visitor's size and scale 1.
    const clip = await view.locator('.replayer-wrapper iframe').evaluate((iframe: HTMLIFrameElement) => {
      const rect = iframe.getBoundingClientRect();
      return { x: rect.x + iframe.clientLeft, y: rect.y + iframe.clientTop, width: iframe.clientWidth, height: iframe.clientHeight };
    });
    expect([clip.width, clip.height]).toEqual([VISITOR_VIEWPORT.width, VISITOR_VIEWPORT.height]);
    const replayed = await agent.screenshot({ clip });
    const difference = await pixelDifference(setup.browser, live, replayed);
    console.info(`live vs replay: ${difference.differing} of ${difference.width * difference.height} pixels differ (${(difference.ratio * 100).toFixed(2)}%)`);
    expect(difference.ratio).toBeLessThan(MAX_DIFFERING_PIXELS_RATIO);
    // The comparison does tell moments apart: the first page is far from the live checkout page.
    await agent.keyboard.press('Home');
    await expect.poll(() => frame.locator('#name').count(), { timeout: 30_000 }).toBe(0);
    const otherMoment = await pixelDifference(setup.browser, live, await agent.screenshot({ clip }));
    expect(otherMoment.ratio).toBeGreaterThan(MAX_DIFFERING_PIXELS_RATIO * 5);
    await agent.context().close();
  });
});
