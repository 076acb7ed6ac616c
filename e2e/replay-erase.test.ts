import { describe, expect, it } from 'vitest';
import { hashPasswordNow as hashPassword } from '../server/src/auth/password-hashing.js';
import type { RecordedEvent } from '../server/src/protocol/recording-events.js';
import { HttpClient } from '../server/src/testing/http-client.js';
import { newPage, serverAndBrowser, signInThroughConsole } from './support/fixtures.js';
import { openReplay, storeRecording } from './support/replay.js';

const setup = serverAndBrowser();

/** The smallest replayable recording: Meta, then a FullSnapshot of a page saying `text`. */
function tinyRecording(text: string, at: number): RecordedEvent[] {
  const node = {
    type: 0,
    id: 1,
    childNodes: [
      { type: 2, id: 2, tagName: 'html', attributes: {}, childNodes: [{ type: 2, id: 3, tagName: 'body', attributes: {}, childNodes: [{ type: 3, id: 4, textContent: text }] }] },
    ],
  };
  return [
    { type: 4, timestamp: at, data: { href: 'http://shop.example/', width: 800, height: 600 } },
    { type: 2, timestamp: at + 1, data: { node, initialOffset: { top: 0, left: 0 } } },
  ];
}

describe('erasing a visitor from the replay viewer', () => {
  it('lets an owner erase the visitor after confirming; an agent has no such button', async () => {
    const { appId, sessionId } = await storeRecording(setup.server, [tinyRecording('Erase me', Date.now() - 60_000)]);
    const session = (await setup.server.db.repos.sessions.findById(sessionId))!;

    // An agent of the same application sees the replay but cannot erase.
    await setup.server.db.repos.users.create({ email: 'agent@test.local', passwordHash: hashPassword('agent-password-1'), role: 'agent', appIds: [appId] });
    const agentPage = await newPage(setup.browser);
    await signInThroughConsole(agentPage, setup.server.url, 'agent@test.local', 'agent-password-1');
    await agentPage.getByRole('button', { name: 'Sign out' }).waitFor();
    await agentPage.goto(`${setup.server.url}/#/replay/${appId}/${sessionId}`);
    await agentPage.locator('replay-view dl.facts').waitFor();
    expect(await agentPage.getByRole('button', { name: 'Erase this visitor…' }).count()).toBe(0);
    await agentPage.context().close();

    const page = await newPage(setup.browser);
    const dialogs: string[] = [];
    let accept = false;
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void (accept ? dialog.accept() : dialog.dismiss());
    });
    await openReplay(page, setup.server.url, appId, sessionId);
    const erase = page.getByRole('button', { name: 'Erase this visitor…' });
    await erase.waitFor();

    // Dismissing the confirmation keeps everything.
    await erase.click();
    await expect.poll(() => dialogs.length).toBe(1);
    expect(dialogs[0]).toMatch(/^Erase this visitor\?/);
    expect(await setup.server.db.repos.sessions.findById(sessionId)).not.toBeNull();

    accept = true;
    await erase.click();
    await page.waitForURL(/#\/sessions$/);
    expect(await setup.server.db.repos.sessions.findById(sessionId)).toBeNull();
    expect(await setup.server.db.repos.recordings.chunkData(sessionId, 1)).toBeNull();
    expect(await setup.server.db.repos.sessions.findActiveForVisitor(appId, session.visitorId)).toBeNull();

    const owner = new HttpClient(setup.server.url);
    await owner.signIn();
    expect((await owner.request('GET', `/api/apps/${appId}/sessions/${sessionId}/replay`)).status).toBe(404);
    await page.context().close();
  });
});
