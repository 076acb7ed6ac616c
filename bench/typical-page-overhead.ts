import type { Browser } from 'playwright-core';
import { startChatreelRecording, tapBatches } from './fixtures/chatreel-page.js';
import { typicalPageHtml } from './fixtures/typical-page.js';
import { busyMsPerFrame } from './frame-cost.js';

/** What the bench types into the page's search field, at a person's pace (one key every 120 ms). */
const TYPED_TEXT = 'where is my order, it was due on tuesday ';
const KEY_DELAY_MS = 120;

export interface TypicalPageRun {
  /** Main-thread ms of each 16.7 ms frame while the page ran (CPU time where the trace has it). */
  frames: number[];
  /** The share of tasks the trace gave a CPU time (the others count their wall time). */
  cpuTimeShare: number;
  /** What the widget streamed, when it recorded (a check that it did). */
  streamed?: string;
}

/**
 * The typical page (about 100 mutations a second, scrolling, typing) for `seconds`, traced: the main
 * thread's busy time per frame. `head` loads the recorder under test (nothing, bare rrweb, the widget).
 */
export async function runTypicalPage(browser: Browser, options: { serverUrl: string; head: string; widget: boolean; seconds: number }): Promise<TypicalPageRun> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    const url = `${options.serverUrl}/demo/bench-typical.html`;
    // Served at the Chatreel server's origin, where the demo application is allowed.
    await page.route(url, (route) => route.fulfill({ contentType: 'text/html', body: typicalPageHtml({ head: options.head }) }));
    const streamed = options.widget ? tapBatches(page, 'Item ') : undefined;
    await page.goto(url);
    if (options.widget) await startChatreelRecording(page);
    await page.focus('#search');
    await browser.startTracing(page, { categories: ['toplevel', 'devtools.timeline'] });
    await page.evaluate(() => {
      console.timeStamp('typical-start');
      (window as unknown as { __start(): void }).__start();
    });
    const until = Date.now() + options.seconds * 1000;
    while (Date.now() < until) await page.keyboard.type(TYPED_TEXT.slice(0, Math.max(1, Math.ceil((until - Date.now()) / KEY_DELAY_MS))), { delay: KEY_DELAY_MS });
    await page.evaluate(() => {
      (window as unknown as { __stop(): void }).__stop();
      console.timeStamp('typical-end');
    });
    const { frames, cpuTimeShare } = busyMsPerFrame(await browser.stopTracing(), 'typical-start', 'typical-end');
    if (!streamed) return { frames, cpuTimeShare };
    await page.waitForTimeout(2500); // one flush interval
    // The figure means something only if the widget really recorded the page's changes and the typing.
    if (streamed.markedEvents === 0 || streamed.inputEvents === 0 || streamed.stoppedEvents > 0) {
      throw new Error(`the widget streamed ${streamed.markedEvents} events of the page's changes and ${streamed.inputEvents} input events, and stopped ${streamed.stoppedEvents} times`);
    }
    return { frames, cpuTimeShare, streamed: `streamed ${streamed.batches} batches, ${(streamed.bytes / 1024).toFixed(0)} KB gzip, ${streamed.events} events (${streamed.markedEvents} of the feed, ${streamed.inputEvents} input)` };
  } finally {
    await context.close();
  }
}
