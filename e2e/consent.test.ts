import { gunzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChatreelApi } from '../widget/src/widget.js';
import { HttpClient } from '../server/src/testing/http-client.js';
import { waitUntil } from '../server/src/testing/server-process.js';
import { widget } from './support/demo-chat.js';
import { FIXTURE_PAGE_CHROMIUM_ARGS } from './support/fixture-pages.js';
import { newPage, serverAndBrowser, signInThroughConsole } from './support/fixtures.js';
import { demoAppId, storedSeqs, widgetSession } from './support/recording.js';
import { wiretap } from './support/wiretap.js';

// The data-consent journey answers the shop's page with `route.fulfill` (fixture-pages.ts says why the switch).
const setup = serverAndBrowser(FIXTURE_PAGE_CHROMIUM_ARGS);
const NOTICE = 'This chat may be recorded to help us support you.';
/** Longer than two of the recorder's flush intervals (2 s): a recorder at work would have sent a batch. */
const QUIET_MS = 5_000;

let owner: HttpClient;
let appId: string;
beforeAll(async () => {
  owner = new HttpClient(setup.server.url);
  await owner.signIn();
  appId = await demoAppId(owner);
});

async function consentSettings(consent: { required: boolean; respectPrivacySignals: boolean; eraseOnRevoke: boolean }) {
  expect((await owner.request('PATCH', `/api/apps/${appId}`, { settings: { consent } })).status).toBe(200);
}

/** A visitor on the demo shop; `recorderLoads` lists every fetch of the recorder's chunk. */
async function visitDemo(options: { privacySignal?: 'globalPrivacyControl' | 'doNotTrack'; consentInScriptTag?: boolean } = {}) {
  const page = await newPage(setup.browser);
  // What a browser with the setting on says (Chromium sends neither by itself).
  if (options.privacySignal === 'globalPrivacyControl') {
    await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }));
  }
  if (options.privacySignal === 'doNotTrack') await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1' }));
  // The shop's own page with `data-consent="true"` on its widget script tag, as a consent manager would write it.
  if (options.consentInScriptTag) {
    await page.route('**/demo/', async (route) => {
      const response = await route.fetch();
      const body = (await response.text()).replace('<script type="module" src="/widget.js"', '<script type="module" src="/widget.js" data-consent="true"');
      expect(body).toContain('data-consent="true"');
      await route.fulfill({ response, body });
    });
  }
  const recorderLoads: string[] = [];
  page.on('request', (request) => void (request.url().includes('/widget-chunks/recording-') && recorderLoads.push(request.url())));
  const { wire } = wiretap(page);
  await page.goto(`${setup.server.url}/demo/`);
  return { page, recorderLoads, wire };
}

const consent = (page: Page, given: boolean) =>
  page.evaluate((value) => (window as unknown as { Chatreel: ChatreelApi }).Chatreel.consent(value), given);

/** Opens the chat, writes, and waits for the message to be sent; the session's id. */
async function chat(page: Page, text: string): Promise<string> {
  const launcher = widget(page).locator('button.launcher');
  await launcher.waitFor();
  if ((await launcher.getAttribute('aria-expanded')) !== 'true') await launcher.click();
  const box = widget(page).getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
  await widget(page).locator('li.msg[data-role="visitor"]:not(.pending)', { hasText: text }).waitFor({ timeout: 20_000 });
  return widgetSession(page);
}

const recorded = (sessionId: string) => waitUntil(async () => (await storedSeqs(owner, appId, sessionId)).length > 0, 30_000, `a recording of ${sessionId}`);

async function storedText(sessionId: string): Promise<string> {
  let text = '';
  for (const seq of await storedSeqs(owner, appId, sessionId)) {
    const response = await fetch(`${owner.baseUrl}/api/apps/${appId}/sessions/${sessionId}/replay/chunks/${seq}`, { headers: { cookie: owner.cookie } });
    text += gunzipSync(Buffer.from(await response.arrayBuffer())).toString('utf8');
  }
  return text;
}

const batchesSent = (wire: string[]) => wire.filter((frame) => frame.includes('"recording:batch"')).length;

describe('consent to recording, in Chromium', () => {
  it('consent given before the chat: the chat is recorded, and the widget says it may be', async () => {
    await consentSettings({ required: true, respectPrivacySignals: false, eraseOnRevoke: false });
    const { page, recorderLoads } = await visitDemo();
    await consent(page, true);
    const sessionId = await chat(page, 'Hello, I consented first');
    await widget(page).getByText(NOTICE).waitFor();
    // The composer names the notice, so a screen reader says it where the visitor writes.
    expect(await widget(page).getByRole('textbox', { name: 'Message' }).getAttribute('aria-describedby')).toBe('recording-notice');
    await recorded(sessionId);
    expect(recorderLoads.length).toBeGreaterThan(0);
    await page.context().close();
  });

  it('a chat without consent is not recorded and loads no recorder; consent given later starts the recording', async () => {
    await consentSettings({ required: true, respectPrivacySignals: false, eraseOnRevoke: false });
    const { page, recorderLoads, wire } = await visitDemo();
    const sessionId = await chat(page, 'Hello, no consent yet');
    await page.getByRole('button', { name: 'Add to basket' }).first().click();
    await page.waitForTimeout(QUIET_MS);
    expect(recorderLoads).toEqual([]);
    expect(batchesSent(wire)).toBe(0);
    expect(await storedSeqs(owner, appId, sessionId)).toEqual([]);
    expect(await widget(page).getByText(NOTICE).count()).toBe(0);

    await consent(page, true);
    await widget(page).getByText(NOTICE).waitFor();
    await recorded(sessionId);
    expect(recorderLoads.length).toBeGreaterThan(0);
    await page.context().close();
  });

  it('revoking consent stops the recording at once; what the page does next is never sent; the chat goes on', async () => {
    await consentSettings({ required: true, respectPrivacySignals: false, eraseOnRevoke: false });
    const { page, wire } = await visitDemo();
    await consent(page, true);
    const sessionId = await chat(page, 'Record me for a moment');
    await recorded(sessionId);

    await consent(page, false);
    const sentBefore = batchesSent(wire);
    expect(await widget(page).getByText(NOTICE).count()).toBe(0);
    await page.getByRole('button', { name: 'Add to basket' }).nth(1).click();
    await page.getByText(/Pothos — added/).waitFor();
    await page.waitForTimeout(QUIET_MS);
    expect(batchesSent(wire)).toBe(sentBefore);
    expect(await storedText(sessionId)).not.toContain('Pothos — added');
    // Only recording needed consent: the visitor still chats.
    await chat(page, 'Still here after revoking');
    await page.context().close();
  });

  it('with erase on revoke, revoking consent erases what was recorded: the session is gone from the API', async () => {
    await consentSettings({ required: true, respectPrivacySignals: false, eraseOnRevoke: true });
    const { page } = await visitDemo();
    await consent(page, true);
    const sessionId = await chat(page, 'Record me, then forget me');
    await recorded(sessionId);

    await consent(page, false);
    await waitUntil(async () => (await owner.request('GET', `/api/apps/${appId}/sessions/${sessionId}/replay`)).status === 404, 10_000, 'the recording erased');
    const listed = await owner.request('GET', `/api/apps/${appId}/sessions`);
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.json.data)).not.toContain(sessionId);
    expect(await setup.server.db.repos.sessions.findById(sessionId)).toBeNull();
    await page.context().close();
  });

  it('consent said by the script tag (data-consent): the chat is recorded without a call', async () => {
    await consentSettings({ required: true, respectPrivacySignals: false, eraseOnRevoke: false });
    const { page } = await visitDemo({ consentInScriptTag: true });
    const sessionId = await chat(page, 'My consent is in the tag');
    await widget(page).getByText(NOTICE).waitFor();
    await recorded(sessionId);
    await page.context().close();
  });

  it.each(['globalPrivacyControl', 'doNotTrack'] as const)('a browser sending %s is never recorded when the application respects it, consent or not', async (privacySignal) => {
    await consentSettings({ required: false, respectPrivacySignals: true, eraseOnRevoke: false });
    const { page, recorderLoads, wire } = await visitDemo({ privacySignal });
    await consent(page, true);
    const sessionId = await chat(page, 'Hello from a private browser');
    await page.waitForTimeout(QUIET_MS);
    expect(recorderLoads).toEqual([]);
    expect(batchesSent(wire)).toBe(0);
    expect(await storedSeqs(owner, appId, sessionId)).toEqual([]);
    expect(await widget(page).getByText(NOTICE).count()).toBe(0);
    await page.context().close();
  });
});

describe('consent settings in the console', () => {
  it('an owner turns consent mode on and words the notice in Settings; the next visitor gets them', async () => {
    await consentSettings({ required: false, respectPrivacySignals: false, eraseOnRevoke: false });
    const console = await newPage(setup.browser);
    await signInThroughConsole(console, setup.server.url);
    await console.getByRole('button', { name: 'Sign out' }).waitFor();
    await console.goto(`${setup.server.url}/#/settings`);
    const required = console.getByLabel('Record only after the site gives consent');
    const privacySignals = console.getByLabel('Never record browsers that send Global Privacy Control or Do Not Track');
    const erase = console.getByLabel("Erase the visitor's sessions, recordings and messages when consent is revoked");
    const notice = console.getByLabel('What the chat says while it may be recorded');
    await required.waitFor();
    expect([await required.isChecked(), await privacySignals.isChecked(), await erase.isChecked()]).toEqual([false, false, false]);
    expect(await notice.inputValue()).toBe(NOTICE);
    await required.check();
    await erase.check();
    await notice.fill('Chats are recorded only with your consent.');
    await console.getByRole('button', { name: 'Save settings' }).click();
    await console.getByRole('status').filter({ hasText: 'Saved' }).waitFor();

    await console.reload();
    await required.waitFor();
    expect([await required.isChecked(), await privacySignals.isChecked(), await erase.isChecked()]).toEqual([true, false, true]);
    expect(await notice.inputValue()).toBe('Chats are recorded only with your consent.');
    const app = (await owner.request('GET', '/api/apps')).json.data.apps.find((one: { id: string }) => one.id === appId);
    expect(app.settings.consent).toEqual({ required: true, respectPrivacySignals: false, eraseOnRevoke: true, noticeText: 'Chats are recorded only with your consent.' });
    await console.context().close();

    // The visitor: no consent yet, so no notice; once given, the owner's words.
    const { page, recorderLoads } = await visitDemo();
    await chat(page, 'Hello after the settings changed');
    expect(await widget(page).getByText('Chats are recorded only with your consent.').count()).toBe(0);
    await consent(page, true);
    await widget(page).getByText('Chats are recorded only with your consent.').waitFor();
    await waitUntil(() => recorderLoads.length > 0, 10_000, 'the recorder loaded after consent');
    await page.context().close();
  });
});
