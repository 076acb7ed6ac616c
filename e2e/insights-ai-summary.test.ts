import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnthropicDouble, type AnthropicDouble } from '../server/src/testing/anthropic-double.js';
import { HttpClient } from '../server/src/testing/http-client.js';
import { startTestServer, type TestServer } from '../server/src/testing/test-server.js';
import { launchChromium } from './support/browser.js';
import { newPage, signInThroughConsole } from './support/fixtures.js';
import { playhead, readyInsights, visitorEndsChat, visitorStruggles } from './support/insights.js';
import { demoApp, replayFrame } from './support/replay.js';

/**
 * Issue #7 with an API key: the summary comes from Claude (here the Anthropic test double, reached
 * by the real SDK through ANTHROPIC_BASE_URL), is labelled "AI summary" in the console, and
 * "Regenerate summary" asks for a new one. What the double answers is scripted; what is checked is
 * the console's handling of it and that the model was asked about the session's real signals.
 */

const FIRST_SUMMARY = 'The visitor tried to apply a coupon [00:00] but the button did nothing.\nThey then hit an error tracking an order and left.';
const SECOND_SUMMARY = 'A second look: the coupon button failed [00:00], and tracking the order threw an error.';

let server: TestServer;
let browser: Browser;
let ai: AnthropicDouble;

beforeAll(async () => {
  ai = await startAnthropicDouble();
  [server, browser] = await Promise.all([startTestServer({ ANTHROPIC_API_KEY: 'sk-e2e-double', ANTHROPIC_BASE_URL: ai.url }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await ai?.close();
});

const promptText = (index: number) => JSON.stringify(ai.requests[index]?.body.messages ?? []);

describe('AI summaries in the console', () => {
  it('shows the stored AI summary with seeking timestamps, and "Regenerate summary" replaces it', async () => {
    ai.script({ tokens: [FIRST_SUMMARY], inputTokens: 900, outputTokens: 40 }, { tokens: [SECOND_SUMMARY], inputTokens: 900, outputTokens: 30 });
    const app = await demoApp(server);
    const owner = new HttpClient(server.url);
    await owner.signIn();

    // No chat message: the only requests the double sees are summaries.
    const visitor = await newPage(browser, { width: 1024, height: 640 });
    const { sessionId } = await visitorStruggles(visitor, server.url);
    await visitorEndsChat(visitor, owner, app.id, sessionId);
    const insights = await readyInsights(owner, app.id, sessionId);
    expect(insights.summary).toMatchObject({ source: 'ai', text: FIRST_SUMMARY });
    expect(ai.requests.length).toBe(1);
    expect(promptText(0)).toContain('Apply coupon');
    expect(promptText(0)).toContain('Track my order');

    const agent = await newPage(browser, { width: 1440, height: 900 });
    await signInThroughConsole(agent, server.url);
    await agent.getByRole('button', { name: 'Sign out' }).waitFor();
    await agent.goto(`${server.url}/#/sessions`);
    const row = agent.locator(`sessions-table tr[data-session-id="${sessionId}"]`);
    await expect.poll(() => row.locator('.summary-source').textContent(), { timeout: 15_000 }).toBe('AI summary');
    expect(await row.locator('.summary-text').textContent()).toBe(FIRST_SUMMARY.split('\n')[0]);

    await agent.goto(`${server.url}/#/replay/${app.id}/${sessionId}`);
    const view = agent.locator('replay-view');
    await replayFrame(agent);
    const panel = view.locator('insights-panel');
    await expect.poll(() => panel.locator('.source').textContent(), { timeout: 15_000 }).toBe('AI summary');
    expect(await panel.locator('.summary-text p').allTextContents()).toEqual(FIRST_SUMMARY.split('\n'));

    // The summary's timestamp seeks the replay there (from the end, seconds away).
    await agent.keyboard.press('End');
    await expect.poll(async () => (await playhead(view))!.offsetMs).toBeGreaterThan(2000);
    await panel.locator('button.timestamp', { hasText: '[00:00]' }).click();
    await expect.poll(async () => (await playhead(view))!.offsetMs).toBeLessThan(1000);

    // Regenerating asks the model again and shows the new summary; reading it again does not.
    await panel.getByRole('button', { name: 'Regenerate summary' }).click();
    await expect.poll(() => panel.locator('.summary-text p').allTextContents(), { timeout: 30_000 }).toEqual([SECOND_SUMMARY]);
    expect(ai.requests.length).toBe(2);
    expect(promptText(1)).toContain('Apply coupon');
    await agent.reload();
    await expect.poll(() => agent.locator('replay-view insights-panel .summary-text p').allTextContents(), { timeout: 15_000 }).toEqual([SECOND_SUMMARY]);
    expect(ai.requests.length).toBe(2);

    await agent.context().close();
    await visitor.context().close();
  });
});
