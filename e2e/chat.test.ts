import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnthropicDouble, type AnthropicDouble } from '../server/src/testing/anthropic-double.js';
import { identityHash } from '../server/src/chat/identity.js';
import { HttpClient } from '../server/src/testing/http-client.js';
import { startServerProcess, type ServerProcess } from '../server/src/testing/server-process.js';
import { launchChromium } from './support/browser.js';
import { newPage, signInThroughConsole } from './support/fixtures.js';

let server: ServerProcess;
let browser: Browser;
let double: AnthropicDouble;

/** The model's first token comes this late: long enough to see that the widget shows it typing before. */
const FIRST_TOKEN_AFTER_MS = 5_000;
const ANSWER_TOKENS = ['Yes', ', we', ' ship', ' plants', ' across', ' Europe', ' in', ' 3', ' days.'];

beforeAll(async () => {
  double = await startAnthropicDouble();
  // Slow enough that the page shows the answer growing before it is complete.
  double.setDefault({ tokens: ANSWER_TOKENS, delayPerTokenMs: 120, inputTokens: 50, outputTokens: ANSWER_TOKENS.length });
  [server, browser] = await Promise.all([
    startServerProcess({ ANTHROPIC_API_KEY: 'sk-e2e-double', ANTHROPIC_BASE_URL: double.url }),
    launchChromium(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await server?.dispose();
  await double?.close();
});

const widget = (page: Page) => page.locator('chatreel-widget');
const finalMessages = (page: Page, role: string) => widget(page).locator(`li.msg[data-role="${role}"]:not(.streaming):not(.pending) .text`);

describe('chat journey on the demo site', () => {
  it('visitor chats with the AI, keeps the conversation across pages, and an agent takes over', async () => {
    const visitor = await newPage(browser);
    await visitor.goto(`${server.url}/demo/`);
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    const box = widget(visitor).getByRole('textbox', { name: 'Message' });
    await expect.poll(() => box.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);
    await widget(visitor).getByRole('log').getByText('Hi! How can we help?').waitFor();

    // A site can listen to the conversation through DOM events.
    await visitor.evaluate(() => {
      const seen: string[] = ((window as unknown as { seen: string[] }).seen = []);
      document.addEventListener('chatreel:message', (event) => seen.push((event as CustomEvent).detail.message.role));
    });
    await box.fill('Do you ship <b>plants</b>?');
    await box.press('Enter');
    expect(await box.inputValue()).toBe('');

    // The answer streams in: first partial text with a typing indicator, then the whole reply.
    const streaming = widget(visitor).locator('li.streaming .text');
    await streaming.waitFor();
    await widget(visitor).getByRole('status', { name: 'The assistant is typing' }).waitFor();
    const partial = await streaming.textContent();
    expect(ANSWER_TOKENS.join('').startsWith(partial!)).toBe(true);
    expect(partial!.length).toBeLessThan(ANSWER_TOKENS.join('').length);
    await expect.poll(() => finalMessages(visitor, 'ai').allTextContents(), { timeout: 15_000 }).toEqual([ANSWER_TOKENS.join('')]);
    expect(await streaming.count()).toBe(0);
    expect(await visitor.evaluate(() => (window as unknown as { seen: string[] }).seen)).toContain('ai');
    // The visitor's HTML is shown as characters.
    expect(await finalMessages(visitor, 'visitor').allTextContents()).toEqual(['Do you ship <b>plants</b>?']);
    expect(await widget(visitor).locator('li b').count()).toBe(0);

    // Another page of the site: the conversation is still there.
    await visitor.getByRole('link', { name: 'Checkout' }).first().click();
    await visitor.waitForURL(/checkout/);
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    await expect.poll(() => finalMessages(visitor, 'visitor').allTextContents(), { timeout: 15_000 }).toEqual(['Do you ship <b>plants</b>?']);
    expect(await finalMessages(visitor, 'ai').allTextContents()).toEqual([ANSWER_TOKENS.join('')]);
    const requestsBeforeTakeover = double.requests.length;
    expect(requestsBeforeTakeover).toBe(1);

    // An agent, signed in to the console in another browser context, takes over and replies.
    const agent = await newPage(browser);
    await signInThroughConsole(agent, server.url);
    await agent.getByRole('link', { name: 'Conversations' }).click();
    const list = agent.getByRole('navigation', { name: 'Conversations' });
    await list.getByRole('button', { name: /we ship plants/ }).click();
    const transcript = agent.getByRole('region', { name: 'Transcript' });
    await transcript.getByText(ANSWER_TOKENS.join('')).waitFor();
    await transcript.getByRole('button', { name: 'Take over' }).click();
    await transcript.getByText('With a person').waitFor();
    await transcript.getByLabel('Reply').fill('Hi, I am Sam from Greenleaf. <i>Happy</i> to help!');
    await transcript.getByRole('button', { name: 'Send reply' }).click();

    // The visitor sees the reply live.
    await expect.poll(() => finalMessages(visitor, 'agent').allTextContents(), { timeout: 10_000 }).toEqual([
      'Hi, I am Sam from Greenleaf. <i>Happy</i> to help!',
    ]);
    expect(await widget(visitor).getByText('A member of our team joined the conversation.').count()).toBe(1);
    await expect.poll(() => widget(visitor).getByRole('button', { name: 'Talk to a person' }).count()).toBe(0);

    // The visitor writes again: the agent sees it, and the AI stays quiet.
    await box.fill('Great, thanks Sam!');
    await box.press('Enter');
    await transcript.getByText('Great, thanks Sam!').waitFor({ timeout: 10_000 });
    await expect.poll(() => finalMessages(visitor, 'visitor').allTextContents()).toEqual(['Do you ship <b>plants</b>?', 'Great, thanks Sam!']);
    expect(double.requests.length).toBe(requestsBeforeTakeover);
    expect(await finalMessages(visitor, 'ai').count()).toBe(1);
    expect(await widget(visitor).locator('li.streaming').count()).toBe(0);

    await agent.context().close();
    await visitor.context().close();
  });

  it('shows the assistant typing as soon as it starts an answer, before its first word', async () => {
    double.script({ tokens: ['Yes,', ' it is.'], delayPerTokenMs: FIRST_TOKEN_AFTER_MS });
    const visitor = await newPage(browser);
    await visitor.goto(`${server.url}/demo/`);
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    const box = widget(visitor).getByRole('textbox', { name: 'Message' });
    await box.fill('Is the ZZ plant safe for cats?');
    await box.press('Enter');
    const typing = widget(visitor).getByRole('status', { name: 'The assistant is typing' });
    const sentAt = Date.now();
    await typing.waitFor({ timeout: FIRST_TOKEN_AFTER_MS });
    // No word of the answer yet, and no empty bubble for it.
    expect(Date.now() - sentAt).toBeLessThan(FIRST_TOKEN_AFTER_MS);
    expect(await widget(visitor).locator('li.streaming').count()).toBe(0);
    await expect.poll(() => finalMessages(visitor, 'ai').allTextContents(), { timeout: 20_000 }).toEqual(['Yes, it is.']);
    expect(await typing.count()).toBe(0);
    await visitor.context().close();
  });

  it('the site opens the chat through window.Chatreel, and the visitor can ask for a person', async () => {
    const visitor = await newPage(browser);
    await visitor.goto(`${server.url}/demo/`);
    const opened = visitor.evaluate(() => new Promise<string>((resolve) => document.addEventListener('chatreel:open', (e) => resolve(e.type))));
    await visitor.evaluate(() => (window as unknown as { Chatreel: { open(): void } }).Chatreel.open());
    expect(await opened).toBe('chatreel:open');
    await widget(visitor).getByRole('log').getByText('Hi! How can we help?').waitFor();
    await widget(visitor).getByRole('button', { name: 'Talk to a person' }).click();
    await widget(visitor).getByText('We have asked a member of our team to join. They will reply here.').waitFor();
    await widget(visitor).getByText('A member of our team will reply here.').waitFor();
    await visitor.evaluate(() => (window as unknown as { Chatreel: { close(): void } }).Chatreel.close());
    await visitor.getByRole('button', { name: 'Open chat' }).waitFor();
    await visitor.context().close();
  });

  it('identify follows a verified user to another browser; reset forgets them', async () => {
    const secret = 'e2e-identity-secret-0123456789';
    const owner = new HttpClient(server.url);
    await owner.signIn();
    const apps = await owner.request('GET', '/api/apps');
    const demoId = apps.json.data.apps.find((app: { demo: boolean }) => app.demo).id;
    expect((await owner.request('PATCH', `/api/apps/${demoId}`, { settings: { identity: { secret } } })).status).toBe(200);
    const user = { userId: 'customer-77', name: 'Robin', email: 'robin@example.com', userHash: identityHash(secret, 'customer-77') };
    const identify = (page: Page) =>
      page.evaluate((identity) => (window as unknown as { Chatreel: { identify(i: unknown): Promise<void> } }).Chatreel.identify(identity), user);

    const laptop = await newPage(browser);
    await laptop.goto(`${server.url}/demo/`);
    await identify(laptop);
    await laptop.getByRole('button', { name: 'Open chat' }).click();
    const box = widget(laptop).getByRole('textbox', { name: 'Message' });
    await box.fill('Where is order 77?');
    await box.press('Enter');
    await expect.poll(() => finalMessages(laptop, 'ai').count(), { timeout: 15_000 }).toBe(1);

    // Another browser, same verified user: the conversation is there.
    const phone = await newPage(browser, { width: 390, height: 760 });
    await phone.goto(`${server.url}/demo/`);
    await identify(phone);
    await phone.getByRole('button', { name: 'Open chat' }).click();
    await expect.poll(() => widget(phone).locator('li.msg[data-role="visitor"] .text').allTextContents(), { timeout: 15_000 }).toContain('Where is order 77?');

    // Logout on the laptop: a fresh anonymous visitor with an empty conversation.
    await laptop.evaluate(() => (window as unknown as { Chatreel: { reset(): Promise<void> } }).Chatreel.reset());
    await laptop.getByRole('button', { name: 'Close chat' }).click();
    await laptop.getByRole('button', { name: 'Open chat' }).click();
    await widget(laptop).getByRole('log').getByText('Hi! How can we help?').waitFor();
    expect(await widget(laptop).getByText('Where is order 77?').count()).toBe(0);

    // A forged hash for the same user id is not that user.
    const intruder = await newPage(browser);
    await intruder.goto(`${server.url}/demo/`);
    await intruder.evaluate(
      (identity) => (window as unknown as { Chatreel: { identify(i: unknown): Promise<void> } }).Chatreel.identify(identity),
      { ...user, userHash: identityHash('not-the-secret', user.userId) },
    );
    await intruder.getByRole('button', { name: 'Open chat' }).click();
    await widget(intruder).getByRole('log').getByText('Hi! How can we help?').waitFor();
    expect(await widget(intruder).getByText('Where is order 77?').count()).toBe(0);

    await Promise.all([laptop.context().close(), phone.context().close(), intruder.context().close()]);
  });
});
