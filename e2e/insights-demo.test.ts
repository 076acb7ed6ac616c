import { describe, expect, it } from 'vitest';
import type { SessionSignal } from '../server/src/protocol/insights.js';
import { HttpClient } from '../server/src/testing/http-client.js';
import { newPage, serverAndBrowser, signInThroughConsole } from './support/fixtures.js';
import { playhead, readyInsights, visitorEndsChat, visitorStruggles } from './support/insights.js';
import { demoApp, replayFrame } from './support/replay.js';

/**
 * Issue #7 on the demo site: a visitor rage-clicks "Apply coupon" (a button with no handler) and
 * clicks "Track my order" (its handler throws). After the chat ends, the console shows both signals
 * on the session, the summary names them, and the replay's markers and links seek to the moment.
 * The test server has no Anthropic key, so the summary is the deterministic one, built from the
 * same timeline (labelled "Automatic summary").
 */

const VISITOR_VIEWPORT = { width: 1024, height: 640 };
const AGENT_VIEWPORT = { width: 1440, height: 900 };
/** A seek lands on the marker's moment; the player may round to its frame. */
const SEEK_TOLERANCE_MS = 250;

const setup = serverAndBrowser();

describe('insights of a session on the demo site', () => {
  it('shows rage and error clicks on the session, names them in the summary, and seeks the replay to them', async () => {
    const app = await demoApp(setup.server);
    const owner = new HttpClient(setup.server.url);
    await owner.signIn();

    const visitor = await newPage(setup.browser, VISITOR_VIEWPORT);
    const { sessionId, pageErrors } = await visitorStruggles(visitor, setup.server.url, 'My coupon does not work');
    expect(pageErrors[0]).toMatch(/null/);
    await visitorEndsChat(visitor, owner, app.id, sessionId);
    const insights = await readyInsights(owner, app.id, sessionId);
    const signal = (type: SessionSignal['type']) => insights.signals.find((found) => found.type === type)!;
    expect(signal('rage_click').label).toContain('Apply coupon');
    expect(signal('error_click').label).toContain('Track my order');

    // The Sessions page: both signals as chips on the row, and the summary's first line.
    const agent = await newPage(setup.browser, AGENT_VIEWPORT);
    await signInThroughConsole(agent, setup.server.url);
    await agent.getByRole('button', { name: 'Sign out' }).waitFor();
    await agent.goto(`${setup.server.url}/#/sessions`);
    const row = agent.locator(`sessions-table tr[data-session-id="${sessionId}"]`);
    await expect.poll(() => row.locator('signal-chips li').evaluateAll((chips) => chips.map((chip) => (chip as HTMLElement).dataset.signal)), { timeout: 15_000 }).toEqual(
      expect.arrayContaining(['rage_click', 'error_click']),
    );
    expect(await row.locator('.summary-source').textContent()).toBe('Automatic summary');

    // The signal filter keeps the session for "Rage click" and drops it for a signal it does not have.
    const filter = agent.locator('sessions-view signal-filter select');
    await filter.selectOption('handoff_requested');
    await expect.poll(() => row.count()).toBe(0);
    await filter.selectOption('rage_click');
    await expect.poll(() => row.count()).toBe(1);

    // The Activity feed shows them too.
    await agent.goto(`${setup.server.url}/#/activity`);
    const item = agent.locator(`activity-feed li[data-kind="session"][data-id="${sessionId}"]`);
    await expect.poll(() => item.locator('signal-chips li').count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);

    // The replay: the insights panel with the summary and the signals, markers on the timeline.
    await agent.goto(`${setup.server.url}/#/replay/${app.id}/${sessionId}`);
    const view = agent.locator('replay-view');
    await replayFrame(agent);
    const panel = view.locator('insights-panel');
    const summary = panel.locator('.summary-text');
    await summary.waitFor({ timeout: 15_000 });
    const summaryText = (await summary.textContent())!;
    expect(summaryText).toContain('Apply coupon');
    expect(summaryText).toContain('Track my order');
    expect(await panel.locator('.source').textContent()).toBe('Automatic summary');

    const rage = signal('rage_click');
    const errorClick = signal('error_click');
    // Each seek starts from the far end of the recording (Home or End), seconds away from the signal (the
    // visitor waited 3 s between the two), so a seek that did nothing cannot pass for one that worked.
    expect(errorClick.offsetMs - rage.offsetMs).toBeGreaterThan(2000);
    const farFrom = async (target: SessionSignal) => {
      await agent.keyboard.press(target === rage ? 'End' : 'Home');
      await expect.poll(async () => Math.abs((await playhead(view))!.offsetMs - target.offsetMs)).toBeGreaterThan(2000);
    };
    const marker = view.locator('.rr-progress [title^="Signal: Rage click"]');
    await marker.waitFor({ state: 'attached', timeout: 15_000 });
    // The marker is 10 px wide and 5 px high: click its centre, as a person would aim.
    await farFrom(rage);
    await marker.click({ force: true });
    await expect.poll(async () => {
      const at = await playhead(view);
      return at ? Math.abs(at.startTs + at.offsetMs - rage.ts) : Infinity;
    }).toBeLessThan(SEEK_TOLERANCE_MS);
    expect(Math.abs((await playhead(view))!.offsetMs - rage.offsetMs)).toBeLessThan(1000);

    // The error click in the signal list, and a timestamp link in the summary, seek the same way.
    await farFrom(errorClick);
    await panel.locator('.signals li[data-signal="error_click"] button').click();
    await expect.poll(async () => Math.abs((await playhead(view))!.startTs + (await playhead(view))!.offsetMs - errorClick.ts)).toBeLessThan(SEEK_TOLERANCE_MS);
    const links = panel.locator('button.timestamp');
    expect(await links.count()).toBeGreaterThanOrEqual(2);
    await farFrom(rage);
    await links.first().click();
    await expect.poll(async () => Math.abs((await playhead(view))!.offsetMs - rage.offsetMs)).toBeLessThan(1000);

    await agent.context().close();
    await visitor.context().close();
  });
});
