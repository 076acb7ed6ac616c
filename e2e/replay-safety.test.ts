import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../server/src/protocol/recording-events.js';
import { newPage, serverAndBrowser } from './support/fixtures.js';
import { openReplay, replayFrame, storeRecording } from './support/replay.js';

const hostile = JSON.parse(readFileSync(new URL('./fixtures/hostile-recording.json', import.meta.url), 'utf8')) as RecordedEvent[];

const setup = serverAndBrowser();

describe('replaying a hostile recording', () => {
  it('runs nothing it recorded: no dialog, no global on the console, the sandbox exactly allow-same-origin', async () => {
    const { appId, sessionId } = await storeRecording(setup.server, [hostile.slice(0, 2), hostile.slice(2)]);
    const page = await newPage(setup.browser);
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await openReplay(page, setup.server.url, appId, sessionId);
    const { sandbox, frame } = await replayFrame(page);
    expect(sandbox).toBe('allow-same-origin');

    // The page was rebuilt (so the test is not vacuous): its text is there, recorded markup stays text.
    await expect.poll(() => frame.locator('h1').textContent().catch(() => null), { timeout: 10_000 }).toBe('Hostile page');
    expect(await frame.locator('p').first().textContent()).toBe('<b>not markup</b> & friends');

    // Play through the later mutations (the added script and img onerror) to the end.
    await page.keyboard.press('Space');
    await expect.poll(() => frame.locator('#added-text').count(), { timeout: 10_000 }).toBe(1);

    // A click on the recorded javascript: link and form goes nowhere.
    await frame.evaluate(() => {
      (document.getElementById('js-link') as HTMLAnchorElement).click();
      (document.getElementById('js-submit') as HTMLButtonElement).click();
    });
    // Give anything that might fire (meta refresh, onerror, srcdoc) a moment to do so.
    await page.waitForTimeout(1500);

    expect(dialogs).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __chatreelPwned?: string }).__chatreelPwned)).toBeUndefined();
    expect(await frame.evaluate(() => (window as unknown as { __chatreelPwned?: string }).__chatreelPwned)).toBeUndefined();
    // Still the console, and still the rebuilt page (no meta refresh navigated anything).
    expect(new URL(page.url()).hash).toBe(`#/replay/${appId}/${sessionId}`);
    expect(await frame.locator('h1').textContent()).toBe('Hostile page');
    expect(await page.locator('replay-view .replayer-wrapper iframe').getAttribute('sandbox')).toBe('allow-same-origin');
    // Every other frame in the console lives inside the sandboxed replay frame, whose flags it inherits.
    for (const nested of page.frames().filter((f) => f !== page.mainFrame())) {
      let top = nested;
      while (top.parentFrame() && top.parentFrame() !== page.mainFrame()) top = top.parentFrame()!;
      expect(top).toBe(frame);
    }
    await page.context().close();
  });
});
