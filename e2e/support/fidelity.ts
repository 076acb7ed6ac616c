import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { createSiteApp } from '../../server/src/testing/site-app.js';
import type { TestServer } from '../../server/src/testing/test-server.js';
import { serverAndBrowser, signInThroughConsole } from './fixtures.js';
import { startFidelitySite } from './fidelity-site.js';
import { pixelDifference } from './pixel-diff.js';
import { FLUSH_INTERVAL_MS } from '../../widget/src/recorder/outbox.js';
import { waitUntil } from '../../server/src/testing/server-process.js';
import { recordedSeq, recorderRunning, storedSeqs, waitForSettledSeqs, widgetSession } from './recording.js';

/**
 * Live page against console replay, moment by moment (issue 19). The visitor's window is 1024×640 and
 * the agent's 1440×900, so the player shows the page at scale 1 (it only ever scales down): the
 * replay's frame is captured at exactly the visitor's size, pixel for pixel.
 */
export const VISITOR_VIEWPORT = { width: 1024, height: 640 };
const AGENT_VIEWPORT = { width: 1440, height: 900 };
/** At most this share of pixels may differ (a channel by more than 32/255) between live and replay. */
export const MAX_DIFFERING_RATIO = 0.01;
/**
 * rrweb sends pointer moves and scrolls in batches (every 500 ms), stamped when the batch goes out: a
 * moment is taken once they are out, with room for a loaded machine to be late with that batch.
 */
const SETTLE_BEFORE_MOMENT_MS = 1_200;
const SHOTS_DIR = path.join(os.tmpdir(), 'chatreel-fidelity');

export interface Moment {
  name: string;
  /** The visitor's clock when the screenshot was taken (the page is still then). */
  ts: number;
  live: Buffer;
}

export interface FidelityFigure {
  page: string;
  moment: string;
  ratio: number;
}

export type FidelityEnv = Awaited<ReturnType<typeof fidelitySetup>>;

/** The fidelity site, an application for its origin (recording from the chat's opening) and a signed-in agent. */
export async function fidelitySetup(server: TestServer, browser: Browser, options: { maskAllInputs: boolean; name: string }) {
  let key = '';
  const site = await startFidelitySite({ url: server.url, key: () => key });
  const app = await createSiteApp(server, [site.origin], options.name);
  key = app.key;
  const patched = await app.owner.request('PATCH', `/api/apps/${app.appId}`, { settings: { recording: { startOn: 'open', maskAllInputs: options.maskAllInputs } } });
  if (patched.status !== 200) throw new Error(`could not set the recording settings: ${patched.status} ${patched.text}`);
  const agent = await (await browser.newContext({ viewport: AGENT_VIEWPORT })).newPage();
  await signInThroughConsole(agent, server.url);
  await agent.getByRole('button', { name: 'Sign out' }).waitFor();
  return { server, browser, site, app, agent, figures: [] as FidelityFigure[] };
}

/**
 * A test server, a browser and a fidelity setup (site, application, agent) for one test file; the
 * figures of every comparison are printed at the end.
 */
export function fidelitySuite(name: string): { env: FidelityEnv } {
  const setup = serverAndBrowser();
  const suite = {} as { env: FidelityEnv };
  beforeAll(async () => {
    suite.env = await fidelitySetup(setup.server, setup.browser, { maskAllInputs: false, name });
  });
  afterAll(async () => {
    await suite.env?.site.close();
    if (suite.env) console.info(suite.env.figures.map(({ page, moment, ratio }) => `${page} · ${moment}: ${(ratio * 100).toFixed(2)} %`).join('\n'));
  });
  return suite;
}

/** A visitor on one of the site's pages who opened the chat (the recording starts) and closed the panel again. */
export async function visit(env: FidelityEnv, page: string) {
  const visitor = await (await env.browser.newContext({ viewport: VISITOR_VIEWPORT })).newPage();
  await visitor.goto(`${env.site.origin}/${page}`);
  await visitor.getByRole('button', { name: 'Open chat' }).click();
  const sessionId = await widgetSession(visitor);
  // The recorder's chunk arrives after the session: what the visitor does before it runs is not recorded
  // (a pointer already over a button would replay as nothing hovered).
  await recorderRunning(visitor);
  await visitor.getByRole('button', { name: 'Close chat' }).click();
  return { visitor, sessionId };
}

/** The visitor's screen now, and when. */
export async function moment(visitor: Page, name: string): Promise<Moment> {
  await visitor.waitForTimeout(SETTLE_BEFORE_MOMENT_MS);
  const ts = await visitor.evaluate(() => Date.now());
  return { name, ts, live: await visitor.screenshot() };
}

/**
 * The visitor leaves and the session ends. What the last moment recorded goes out with the outbox's next
 * flush, stored before the page closes: the pagehide beacon of a browser context being torn down is not
 * something to count on on a loaded machine (a last moment replayed as the one before it, twice in CI).
 */
export async function leave(env: FidelityEnv, visitor: Page, sessionId: string) {
  await visitor.waitForTimeout(FLUSH_INTERVAL_MS + 250);
  const given = await recordedSeq(visitor);
  await waitUntil(
    async () => (await storedSeqs(env.app.owner, env.app.appId, sessionId)).includes(given - 1),
    30_000,
    `the last batch given out (${given - 1}) stored`,
  );
  await visitor.context().close();
  await waitForSettledSeqs(env.app.owner, env.app.appId, sessionId, 1_500);
  await env.server.app.sessions.end(sessionId, 'visitor-ended');
}

/**
 * Opens the replay at each moment in the console (a link to the moment) and compares the frame with
 * the live screenshot: at most MAX_DIFFERING_RATIO of pixels may differ. The control comparison —
 * the first moment's live screen against the replay of `control` — must differ by more, or the
 * comparison could not tell moments apart. Screenshots are kept in SHOTS_DIR.
 */
export async function compareWithReplay(env: FidelityEnv, replay: { sessionId: string; page: string }, moments: Moment[], control: string) {
  const { agent, browser } = env;
  mkdirSync(SHOTS_DIR, { recursive: true });
  const replayed = new Map<string, Buffer>();
  for (const shown of moments) {
    const shot = await replayAt(agent, env.server.url, env.app.appId, replay.sessionId, shown.ts);
    replayed.set(shown.name, shot);
    const file = (kind: string) => path.join(SHOTS_DIR, `${replay.page.replace('.html', '')}-${shown.name}-${kind}.png`);
    writeFileSync(file('live'), shown.live);
    writeFileSync(file('replay'), shot);
    const difference = await pixelDifference(browser, shown.live, shot);
    env.figures.push({ page: replay.page, moment: shown.name, ratio: difference.ratio });
    console.info(`${replay.page} ${shown.name}: ${difference.differing} of ${difference.width * difference.height} pixels differ (${(difference.ratio * 100).toFixed(2)} %)`);
    expect(difference.ratio, `${replay.page} at "${shown.name}" (screenshots in ${SHOTS_DIR})`).toBeLessThanOrEqual(MAX_DIFFERING_RATIO);
  }
  const other = await pixelDifference(browser, moments[0].live, replayed.get(control)!);
  console.info(`${replay.page} control, live "${moments[0].name}" against replay "${control}": ${(other.ratio * 100).toFixed(2)} % differ`);
  expect(other.ratio, `${replay.page}: the control comparison must differ`).toBeGreaterThan(MAX_DIFFERING_RATIO);
}

/** The replay's frame at `ts`, opened by its link in the console, once it is still and its fonts are in. */
async function replayAt(agent: Page, baseUrl: string, appId: string, sessionId: string, ts: number): Promise<Buffer> {
  await agent.goto(`${baseUrl}/#/replay/${appId}/${sessionId}/${ts}`);
  const view = agent.locator('replay-view[data-mode="replay"]');
  await view.waitFor({ timeout: 15_000 });
  await agent.locator('replay-view progress').waitFor({ state: 'detached', timeout: 15_000 });
  // The agent's pointer is drawn over the page by the player; the visitor's screenshot has none.
  await view.evaluate((element) => {
    if (element.shadowRoot!.querySelector('#no-pointer')) return;
    const style = Object.assign(document.createElement('style'), { id: 'no-pointer' });
    style.textContent = '.replayer-mouse, .replayer-mouse-tail { display: none !important; }';
    element.shadowRoot!.append(style);
  });
  const iframe = view.locator('.replayer-wrapper iframe');
  await iframe.waitFor({ state: 'attached' });
  // The frame's content box (inside its border), at the visitor's size and scale 1.
  const clip = await iframe.evaluate((frame: HTMLIFrameElement) => {
    const box = frame.getBoundingClientRect();
    return { x: box.x + frame.clientLeft, y: box.y + frame.clientTop, width: frame.clientWidth, height: frame.clientHeight };
  });
  expect([clip.width, clip.height]).toEqual([VISITOR_VIEWPORT.width, VISITOR_VIEWPORT.height]);
  await iframe.evaluate((frame: HTMLIFrameElement) => frame.contentDocument?.fonts.ready);
  // Still: two screenshots in a row alike (images and style sheets of the recorded page load meanwhile).
  let previous = await agent.screenshot({ clip });
  for (let attempt = 0; attempt < 20; attempt++) {
    await agent.waitForTimeout(250);
    const next = await agent.screenshot({ clip });
    if (next.equals(previous)) return next;
    previous = next;
  }
  return previous;
}
