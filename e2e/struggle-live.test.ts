import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { HttpClient } from '../server/src/testing/http-client.js';
import { newPage, serverAndBrowser, signInThroughConsole } from './support/fixtures.js';
import { recordedSeq, recorderRunning, startChat, waitForStoredText } from './support/recording.js';
import { demoApp } from './support/replay.js';

/** The figure: struggle to prompt on the visitor's screen. */
const PROMPT_WITHIN_MS = 3000;
const PROMPT_TEXT = 'Stuck? Someone from Greenleaf can help right now.';

const setup = serverAndBrowser();

/** The demo application and its owner, signed in over HTTP. */
async function demoOwner() {
  const app = await demoApp(setup.server);
  const owner = new HttpClient(setup.server.url);
  await owner.signIn();
  return { app, owner };
}

/** A session's live struggle as the Sessions list reads it. */
async function struggleOf(owner: HttpClient, appId: string, sessionId: string) {
  const listed = await owner.request('GET', `/api/apps/${appId}/sessions?status=active`);
  return listed.json.data.items.find((item: { id: string }) => item.id === sessionId)?.struggle;
}

async function offerHelp(owner: HttpClient, appId: string, on: boolean) {
  const patched = await owner.request('PATCH', `/api/apps/${appId}`, { settings: { help: { offerOnStruggle: on, promptText: PROMPT_TEXT } } });
  expect(patched.status).toBe(200);
}

/** A visitor on the demo shop with a chat session under way and the chat closed again. */
async function visitorWithSession(): Promise<{ visitor: Page; sessionId: string }> {
  const visitor = await newPage(setup.browser);
  await visitor.goto(`${setup.server.url}/demo/`);
  const sessionId = await startChat(visitor);
  await visitor.getByRole('button', { name: 'Close chat' }).click();
  await recorderRunning(visitor);
  return { visitor, sessionId };
}

async function rageClick(visitor: Page, name: string) {
  const button = visitor.getByRole('button', { name });
  await button.scrollIntoViewIfNeeded();
  const box = (await button.boundingBox())!;
  for (let i = 0; i < 4; i++) await visitor.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
}

const prompt = (visitor: Page): Locator => visitor.locator('chatreel-widget chatreel-help-prompt');
const launcherExpanded = (visitor: Page) => visitor.locator('chatreel-widget button.launcher').getAttribute('aria-expanded');

describe('struggle spotted live, and help offered (issue 21)', () => {
  it('a rage click shows the owner’s offer within 3 s and “Struggling now” to agents; accepting opens the chat', async () => {
    const { app, owner } = await demoOwner();

    // The owner turns the rule on in Settings.
    const agent = await newPage(setup.browser);
    await signInThroughConsole(agent, setup.server.url);
    await agent.getByRole('link', { name: 'Settings' }).click();
    const settings = agent.locator('settings-view');
    await settings.getByLabel('Offer help when a visitor struggles').check();
    await settings.getByLabel('What the offer says').fill(PROMPT_TEXT);
    await settings.getByRole('button', { name: 'Save settings' }).click();
    await settings.getByText('Saved.', { exact: false }).waitFor();
    expect((await owner.request('GET', `/api/apps/${app.id}`)).json.data.app.settings.help).toEqual({ offerOnStruggle: true, promptText: PROMPT_TEXT });
    await agent.getByRole('link', { name: 'Activity' }).click();
    const struggling = agent.locator('activity-view struggling-now');

    const { visitor, sessionId } = await visitorWithSession();
    await rageClick(visitor, 'Apply coupon');
    const clickedAt = Date.now();
    // The offer on the visitor's screen and the badge on the agent's, both within the figure.
    const row = struggling.locator(`li[data-session-id="${sessionId}"]`);
    await Promise.all([
      prompt(visitor).getByText(PROMPT_TEXT).waitFor({ timeout: PROMPT_WITHIN_MS }),
      row.getByText('Struggling now').waitFor({ timeout: PROMPT_WITHIN_MS }),
    ]);
    expect(Date.now() - clickedAt).toBeLessThan(PROMPT_WITHIN_MS);

    // The agent's Activity says what happened, with the live view one click away; the feed's row too.
    expect(await row.textContent()).toMatch(/Rage click: \d rapid clicks on “Apply coupon”/);
    await agent.locator(`activity-feed li[data-id="${sessionId}"] .badge.struggling`).waitFor({ timeout: 5000 });
    expect(await row.getByRole('link', { name: 'Watch live and help' }).getAttribute('href')).toBe(`#/replay/${app.id}/${sessionId}`);

    // Accepting opens the chat; the outcome reaches the agents and the recording.
    await prompt(visitor).getByRole('button', { name: 'Chat with us' }).click();
    await expect.poll(() => launcherExpanded(visitor)).toBe('true');
    expect(await prompt(visitor).count()).toBe(0);
    await row.getByText('Help offered and accepted').waitFor({ timeout: 5000 });
    await waitForStoredText(owner, app.id, sessionId, '"outcome":"accepted"');
    await waitForStoredText(owner, app.id, sessionId, 'chatreel/struggle');

    // Conversations shows it too.
    await agent.getByRole('link', { name: 'Conversations' }).click();
    await agent.locator(`conversations-view struggling-now li[data-session-id="${sessionId}"]`).getByText('Struggling now').waitFor({ timeout: 5000 });
    await agent.context().close();
    await visitor.context().close();
  });

  it('an error click (a 503) is struggle too; the offer comes once a session, and not at all when the rule is off', async () => {
    const { app, owner } = await demoOwner();
    await offerHelp(owner, app.id, true);

    const { visitor, sessionId } = await visitorWithSession();
    await visitor.getByRole('button', { name: 'Check delivery dates' }).click();
    await prompt(visitor).getByText(PROMPT_TEXT).waitFor({ timeout: PROMPT_WITHIN_MS });
    await prompt(visitor).getByRole('button', { name: 'No thanks' }).click();
    expect(await prompt(visitor).count()).toBe(0);
    expect(await launcherExpanded(visitor)).toBe('false');
    await waitForStoredText(owner, app.id, sessionId, '"outcome":"dismissed"');
    const struggle = await struggleOf(owner, app.id, sessionId);
    expect(struggle).toMatchObject({ type: 'error_click', helpOffer: { outcome: 'dismissed' } });
    expect(struggle.label).toBe('Click on “Check delivery dates” made a request that failed: POST /demo/api/delivery → 503');

    // More struggle in the same session, on a new page too: reported, never offered again.
    const seqBefore = await recordedSeq(visitor);
    await visitor.reload();
    await recorderRunning(visitor, seqBefore);
    await rageClick(visitor, 'Apply coupon');
    await expect.poll(async () => (await struggleOf(owner, app.id, sessionId))?.type, { timeout: 10_000 }).toBe('rage_click');
    await visitor.waitForTimeout(PROMPT_WITHIN_MS);
    expect(await prompt(visitor).count()).toBe(0);
    await visitor.context().close();

    // The rule off: struggle is still reported to agents, and no offer is made.
    await offerHelp(owner, app.id, false);
    const other = await visitorWithSession();
    await rageClick(other.visitor, 'Apply coupon');
    await expect.poll(async () => (await struggleOf(owner, app.id, other.sessionId))?.type, { timeout: 10_000 }).toBe('rage_click');
    await other.visitor.waitForTimeout(PROMPT_WITHIN_MS);
    expect(await prompt(other.visitor).count()).toBe(0);
    await other.visitor.context().close();
  });

  it('an agent starts the conversation from the live view, and the visitor’s chat opens with their message', async () => {
    const { app, owner } = await demoOwner();
    await offerHelp(owner, app.id, false);
    const { visitor, sessionId } = await visitorWithSession();
    await rageClick(visitor, 'Apply coupon');

    const agent = await newPage(setup.browser, { width: 1440, height: 900 });
    await signInThroughConsole(agent, setup.server.url);
    await agent.getByRole('link', { name: 'Activity' }).click();
    await agent.locator(`struggling-now li[data-session-id="${sessionId}"]`).getByRole('link', { name: 'Watch live and help' }).click();
    const view = agent.locator('replay-view');
    await view.getByRole('status').filter({ hasText: 'LIVE' }).waitFor({ timeout: 15_000 });
    expect(await launcherExpanded(visitor)).toBe('false');

    // The page's console and requests reach the live view too.
    await visitor.getByRole('button', { name: 'Check delivery dates' }).click();
    await view.getByRole('tab', { name: /^Network/ }).click();
    await view.locator('devtools-panel li[data-failed="true"] .url', { hasText: '/demo/api/delivery' }).waitFor({ timeout: 10_000 });
    await view.getByRole('tab', { name: /^Console/ }).click();
    await view.locator('devtools-panel li[data-level="error"] .text', { hasText: 'Delivery check failed: 503' }).waitFor({ timeout: 10_000 });
    await view.getByRole('tab', { name: 'Conversation' }).click();

    await view.getByLabel('Start a conversation with the visitor').fill('Hi! I see the coupon button is not working. Can I help?');
    await view.getByRole('button', { name: 'Start the conversation' }).click();
    await expect.poll(() => launcherExpanded(visitor), { timeout: 10_000 }).toBe('true');
    await expect
      .poll(() => visitor.locator('chatreel-widget li[data-role="agent"] .text').textContent().catch(() => null), { timeout: 10_000 })
      .toBe('Hi! I see the coupon button is not working. Can I help?');
    await view.locator('.transcript .message.agent').getByText('Can I help?').waitFor();
    await agent.context().close();
    await visitor.context().close();
  });
});
