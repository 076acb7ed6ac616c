import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { newPage, serverAndBrowser, signInThroughConsole } from './support/fixtures.js';

/**
 * Issue 18, in Chromium against the real server (no AI key: nobody answers but people): the visitor
 * ends the chat and rates it, leaves an email when nobody can answer, sees the team typing (and the
 * team sees them typing), and a reply that arrives while the chat is closed is counted on the launcher.
 */
const setup = serverAndBrowser();

const widget = (page: Page) => page.locator('chatreel-widget');
const SHOTS = '/tmp/e2e-widget-feedback';

/** A visitor on the demo site who writes `text`; named `name` by the site (so agents can pick them out). */
async function visitorWrites(name: string, text: string) {
  const visitor = await newPage(setup.browser);
  await visitor.goto(`${setup.server.url}/demo/`);
  await visitor.evaluate(
    (identity) => (window as unknown as { Chatreel: { identify(i: unknown): Promise<void> } }).Chatreel.identify(identity),
    { userId: name.toLowerCase().replace(/\W/g, '-'), name },
  );
  await visitor.getByRole('button', { name: 'Open chat' }).click();
  const box = widget(visitor).getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
  await widget(visitor).locator('li.msg[data-role="visitor"]:not(.pending)').getByText(text).waitFor();
  return { visitor, box };
}

async function agentOpens(name: string, text: string) {
  const agent = await newPage(setup.browser);
  await signInThroughConsole(agent, setup.server.url);
  await agent.getByRole('link', { name: 'Conversations' }).click();
  await agent.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: new RegExp(name) }).click();
  const transcript = agent.getByRole('region', { name: 'Transcript' });
  await transcript.getByText(text).first().waitFor();
  return { agent, transcript };
}

describe('end chat and rating', () => {
  it('the visitor ends the chat and rates it once; the agent sees it on the open conversation, the owner in Activity', async () => {
    const { visitor } = await visitorWrites('Ada Rater', 'Is the monstera in stock?');
    // An agent has the conversation open: the rating shows there as it is given.
    const { agent, transcript } = await agentOpens('Ada Rater', 'Is the monstera in stock?');
    await widget(visitor).getByRole('button', { name: 'End chat' }).click();
    const rating = widget(visitor).locator('chatreel-rating-form');
    await rating.getByText('How was this conversation?').waitFor();
    const send = rating.getByRole('button', { name: 'Send rating' });
    expect(await send.isDisabled()).toBe(true);
    await rating.getByRole('radio', { name: '4: Happy' }).check();
    await rating.getByLabel('Comment (optional)').fill('Quick, but I still need a person <b>soon</b>');
    await visitor.screenshot({ path: `${SHOTS}-rating.png` });
    await send.click();
    await rating.getByRole('status').getByText('Thank you for your feedback!').waitFor();
    await transcript.getByRole('img', { name: /^Rated 4 out of 5 \(happy\)/ }).waitFor({ timeout: 10_000 });

    const owner = await newPage(setup.browser);
    await signInThroughConsole(owner, setup.server.url);
    await owner.getByRole('link', { name: 'Activity' }).click();
    const rated = owner.getByRole('img', { name: /^Rated 4 out of 5 \(happy\): Quick, but I still need a person <b>soon<\/b>$/ });
    await rated.waitFor({ timeout: 15_000 });
    await owner.locator('activity-feed li.session', { has: rated }).screenshot({ path: `${SHOTS}-activity.png` });
    expect(await owner.locator('activity-feed b').count()).toBe(0);

    // Rated once: the step is done, a new chat starts empty.
    await rating.getByRole('button', { name: 'Start a new chat' }).click();
    await widget(visitor).getByRole('textbox', { name: 'Message' }).waitFor();
    await Promise.all([visitor.context().close(), owner.context().close(), agent.context().close()]);
  });
});

describe('nobody can answer', () => {
  it('asks the visitor for an email when the AI is off and no agent is online; agents see it on the conversation', async () => {
    const { visitor } = await visitorWrites('Robin Nobody', 'Do you deliver on Sundays?');
    const contact = widget(visitor).locator('chatreel-contact-form');
    await contact.getByText('Nobody can answer right now.').waitFor({ timeout: 15_000 });
    const email = contact.getByRole('textbox', { name: /Leave your email/ });
    await email.fill('robin@example.com');
    await visitor.screenshot({ path: `${SHOTS}-email.png` });
    await contact.getByRole('button', { name: 'Leave email' }).click();
    await contact.getByRole('status').getByText('robin@example.com').waitFor();

    const { agent, transcript } = await agentOpens('Robin Nobody', 'Do you deliver on Sundays?');
    await transcript.getByRole('link', { name: 'robin@example.com' }).waitFor();
    expect(await transcript.getByRole('link', { name: 'robin@example.com' }).getAttribute('href')).toBe('mailto:robin@example.com');
    await Promise.all([visitor.context().close(), agent.context().close()]);
  });
});

describe('typing indicators and the unread badge', () => {
  it('shows each side the other typing, and counts a reply that arrives while the chat is closed', async () => {
    const { visitor, box } = await visitorWrites('Sam Typist', 'Can I change my order?');
    const { agent, transcript } = await agentOpens('Sam Typist', 'Can I change my order?');

    await box.pressSequentially('Actually, one more', { delay: 40 });
    await transcript.getByRole('status').getByText('The visitor is typing…').waitFor({ timeout: 10_000 });

    const reply = transcript.getByLabel('Reply');
    await reply.pressSequentially('Sure, let me', { delay: 40 });
    await widget(visitor).getByRole('status', { name: 'A member of the team is typing' }).waitFor({ timeout: 10_000 });

    // The visitor closes the chat; the reply arrives: the launcher says so.
    await widget(visitor).getByRole('button', { name: 'Hide chat' }).click();
    await reply.fill('Sure, I changed it for you.');
    await transcript.getByRole('button', { name: 'Send reply' }).click();
    const launcher = visitor.getByRole('button', { name: 'Open chat, 1 unread message' });
    await launcher.waitFor({ timeout: 10_000 });
    expect(await widget(visitor).locator('.badge').textContent()).toBe('1');
    await visitor.screenshot({ path: `${SHOTS}-badge.png` });
    await launcher.click();
    await widget(visitor).locator('li.msg[data-role="agent"]').getByText('Sure, I changed it for you.').waitFor();
    expect(await widget(visitor).locator('.badge').count()).toBe(0);
    // The reply ended the team's typing.
    expect(await widget(visitor).getByRole('status', { name: 'A member of the team is typing' }).count()).toBe(0);
    await Promise.all([visitor.context().close(), agent.context().close()]);
  });
});
