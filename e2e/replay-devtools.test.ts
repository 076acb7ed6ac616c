import { describe, expect, it } from 'vitest';
import { HttpClient } from '../server/src/testing/http-client.js';
import { newPage, serverAndBrowser } from './support/fixtures.js';
import { playhead, readyInsights } from './support/insights.js';
import { recorderRunning, startChat, waitForSettledSeqs, waitForStoredText } from './support/recording.js';
import { demoApp, openReplay, replayFrame } from './support/replay.js';

const setup = serverAndBrowser();

describe('the replay’s devtools (issue 21)', () => {
  it('lists the page’s console messages and requests, filters them, and seeks the player to a row', async () => {
    const app = await demoApp(setup.server);
    const owner = new HttpClient(setup.server.url);
    await owner.signIn();
    const patched = await owner.request('PATCH', `/api/apps/${app.id}`, { settings: { recording: { captureConsole: true, captureNetwork: true } } });
    expect(patched.status).toBe(200);

    // The visitor: a chat under way, then the demo shop's own console messages and requests.
    const visitor = await newPage(setup.browser);
    await visitor.goto(`${setup.server.url}/demo/`);
    const sessionId = await startChat(visitor);
    await visitor.getByRole('button', { name: 'Close chat' }).click();
    await recorderRunning(visitor);
    await visitor.getByRole('button', { name: 'Add to basket' }).first().click();
    await visitor.getByText('Snake plant — added').waitFor();
    await visitor.waitForTimeout(1500); // the failed request comes later in the replay than the basket
    await visitor.getByRole('button', { name: 'Check delivery dates' }).click();
    await visitor.getByText('Delivery dates are not available right now.').waitFor();
    await visitor.waitForTimeout(1500);
    await visitor.getByRole('button', { name: 'Empty basket' }).click();
    await waitForStoredText(owner, app.id, sessionId, '/demo/api/basket');
    await waitForSettledSeqs(owner, app.id, sessionId, 2000);
    await visitor.context().close();
    await setup.server.app.sessions.end(sessionId, 'visitor-ended');

    const agent = await newPage(setup.browser, { width: 1440, height: 900 });
    await openReplay(agent, setup.server.url, app.id, sessionId);
    await replayFrame(agent);
    const view = agent.locator('replay-view');
    const devtools = view.locator('devtools-panel');
    const consoleRows = devtools.locator('li[data-level] .text');
    // Beside the conversation: the side column's Console tab.
    await view.getByRole('tab', { name: /^Console/ }).click();

    // Console: the shop's messages, the widget's none.
    await expect.poll(() => consoleRows.allTextContents(), { timeout: 15_000 }).toEqual(
      expect.arrayContaining([
        'Added to basket: Snake plant {items: 1}',
        'Snake plant: in stock',
        'Delivery check failed: 503 Service Unavailable',
      ]),
    );
    await devtools.getByLabel('Level').selectOption('error');
    await expect.poll(() => consoleRows.allTextContents()).toEqual(['Delivery check failed: 503 Service Unavailable']);
    await devtools.getByLabel('Level').selectOption('all');

    // Network: the shop's three requests (query values masked), none of the widget's own traffic.
    await view.getByRole('tab', { name: /^Network/ }).click();
    const requests = devtools.locator('li[data-failed]');
    const rowText = (row: import('playwright-core').Locator) =>
      row.evaluateAll((items) => items.map((item) => [...item.querySelectorAll('.method, .url, .status')].map((cell) => cell.textContent!.trim()).join(' ')));
    await expect.poll(() => rowText(requests)).toEqual([
      'GET /demo/api/stock?plant=* 200',
      'POST /demo/api/delivery 503',
      'DELETE /demo/api/basket 204',
    ]);
    const titles = await requests.locator('button').evaluateAll((buttons) => buttons.map((button) => button.getAttribute('title')));
    expect(titles.every((title) => !/socket\.io|\/ingest|widget/.test(title ?? ''))).toBe(true);
    await devtools.getByLabel('Failed only').check();
    await expect.poll(() => rowText(requests)).toEqual(['POST /demo/api/delivery 503']);

    // The failed request and the console error are timeline markers.
    const markers = await view.locator('.rr-progress [title]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('title') ?? ''));
    expect(markers.some((title) => title.startsWith('Request failed: POST') && title.endsWith('→ 503'))).toBe(true);
    expect(markers).toContain('Console error: Delivery check failed: 503 Service Unavailable');

    // A row seeks the player to its moment, and is then the row at the playhead.
    await view.locator('header h1').click(); // the shortcuts are not taken from a focused checkbox
    await agent.keyboard.press('End');
    await expect.poll(() => requests.first().getAttribute('aria-current')).toBe('true');
    await devtools.getByLabel('Failed only').uncheck();
    const stock = requests.first();
    await stock.locator('button').click();
    await expect.poll(() => stock.getAttribute('aria-current')).toBe('true');
    const stockTs = Date.parse((await stock.locator('time').getAttribute('datetime'))!);
    const at = (await playhead(view))!;
    expect(Math.abs(at.startTs + at.offsetMs - stockTs)).toBeLessThan(250);
    expect(await requests.nth(1).getAttribute('aria-current')).toBeNull();
    await agent.context().close();

    // The insights take the click that got a 503 for an error click.
    const insights = await readyInsights(owner, app.id, sessionId);
    expect(insights.signals.filter((signal) => signal.type === 'error_click').map((signal) => signal.label)).toEqual([
      'Click on “Check delivery dates” made a request that failed: POST /demo/api/delivery → 503',
    ]);
    expect(insights.timeline.map((entry) => entry.text)).toEqual(
      expect.arrayContaining(['Request failed: POST /demo/api/delivery → 503', 'Console error: Delivery check failed: 503 Service Unavailable']),
    );
  });
});
