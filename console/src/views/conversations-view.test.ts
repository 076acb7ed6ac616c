import { expect, fixture, html } from '@open-wc/testing';
import type { ConversationSummary } from '../../../server/src/protocol/chat-events.js';
import type { PublicUser } from '../../../server/src/protocol/events.js';
import './conversations-view.js';
import type { ConversationsView } from './conversations-view.js';

const APP = '65a0000000000000000000aa';
const conversation = (sessionId: string, visitorName: string, identityVerified: boolean): ConversationSummary => ({
  sessionId,
  appId: APP,
  visitorId: `visitor-${sessionId}`,
  state: 'waiting',
  lastMessageAt: '2026-12-01T10:00:00.000Z',
  lastMessageText: 'Hello',
  messageCount: 1,
  visitorName,
  visitorEmail: '',
  identityVerified,
  conversationStatus: 'waiting',
  assigneeId: null,
  waitingSince: '2026-12-01T10:00:00.000Z',
  resolvedAt: null,
});

/** What an agent sees of each conversation in the list: the name's text and whether a badge stands beside it. */
function labels(root: ParentNode) {
  return [...root.querySelectorAll('visitor-label')].map((label) => ({
    name: label.shadowRoot!.querySelector('.name')!.textContent,
    badge: label.shadowRoot!.querySelector('.verified')?.textContent?.trim() ?? null,
  }));
}

describe('conversations-view: who is verified', () => {
  it('shows the Verified badge only for identities the server verified, whatever a name says', async () => {
    const el = await fixture<ConversationsView>(html`<conversations-view .user=${{ id: 'u', email: 'a@b.c', role: 'owner' } as PublicUser}></conversations-view>`);
    // What `chat:list` and `chat:conversation` deliver: the name is the page's claim, the flag the server's check.
    el.conversations = [
      conversation('65a000000000000000000001', 'Mallory (verified) ✓ Verified', false),
      conversation('65a000000000000000000002', 'Alice', true),
    ];
    await el.updateComplete;
    const list = el.shadowRoot!.querySelector('nav')!;
    expect(labels(list)).to.deep.equal([
      { name: 'Mallory (verified) ✓ Verified', badge: null },
      { name: 'Alice', badge: 'Verified' },
    ]);

    // The transcript's heading says the same, for each conversation opened.
    const buttons = [...list.querySelectorAll<HTMLButtonElement>('li button')];
    for (const [index, expected] of [
      [0, { name: 'Mallory (verified) ✓ Verified', badge: null }],
      [1, { name: 'Alice', badge: 'Verified' }],
    ] as const) {
      buttons[index].click();
      await el.updateComplete;
      const heading = el.shadowRoot!.querySelector('section.transcript h2')!;
      expect(labels(heading)).to.deep.equal([expected]);
    }
  });
});
