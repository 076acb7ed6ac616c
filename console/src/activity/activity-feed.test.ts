import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import type { ActivityFeed } from './activity-feed.js';
import './activity-feed.js';
import { feedItems, NOW } from './fixtures.test-data.js';

const APP = '65a0000000000000000000aa';

async function feed(hasMore = false) {
  return fixture<ActivityFeed>(html`<activity-feed .items=${feedItems()} appId=${APP} ?hasMore=${hasMore} .now=${NOW}></activity-feed>`);
}

describe('activity-feed', () => {
  it('lists prompts and sessions in the order given, each kind marked', async () => {
    const el = await feed();
    const rows = [...el.shadowRoot!.querySelectorAll('li')];
    expect(rows.map((li) => `${li.dataset.kind}:${li.dataset.id}`)).to.deep.equal(feedItems().map((item) => `${item.kind}:${item.id}`));
  });

  it("renders a visitor's text as text, never as markup", async () => {
    const el = await feed();
    const first = el.shadowRoot!.querySelector('li[data-kind="prompt"] .text')!;
    expect(first.textContent).to.equal('Where is my <img src=x onerror="window.__pwned=1"> order?');
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
    expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
  });

  it('says who answered each prompt: AI, an agent, or still waiting', async () => {
    const el = await feed();
    const badges = [...el.shadowRoot!.querySelectorAll('li[data-kind="prompt"] [data-answered]')].map((b) => b.textContent!.trim());
    expect(badges).to.deep.equal(['Waiting for an answer', 'Answered by AI', 'Answered by an agent']);
  });

  it('links a prompt and a session to the replay when there is replay data, and says so when there is none', async () => {
    const el = await feed();
    const [withReplay, session, withoutReplay] = [...el.shadowRoot!.querySelectorAll('li')];
    expect(withReplay.querySelector('a')!.getAttribute('href')).to.equal(`#/replay/${APP}/65a000000000000000000001`);
    expect(withReplay.querySelector('a')!.textContent).to.equal('shop.example.com/checkout');
    expect(session.querySelector('.title a')!.textContent).to.equal('shop.example.com/checkout');
    expect(session.querySelector('[data-status]')!.textContent).to.equal('Active');
    expect(session.textContent).to.contain('1,234 events');
    expect(withoutReplay.querySelector('a')).to.equal(null);
    expect(withoutReplay.querySelector('.no-replay')!.textContent).to.equal('no replay data');
  });

  it("shows a session's signals and its summary's first line, labelled AI or automatic", async () => {
    const items = feedItems().map((item) =>
      item.kind === 'session' ? { ...item, signals: ['error_click' as const], summary: { text: 'Clicked “Track my order” [00:40] and hit an error.\nLeft.', source: 'ai' as const } } : item,
    );
    const el = await fixture<ActivityFeed>(html`<activity-feed .items=${items} appId=${APP} .now=${NOW}></activity-feed>`);
    const session = el.shadowRoot!.querySelector('li[data-kind="session"]')!;
    const chips = session.querySelector('signal-chips') as HTMLElement & { updateComplete: Promise<unknown> };
    await chips.updateComplete;
    expect(chips.shadowRoot!.querySelector('li')!.textContent!.trim()).to.equal('Error click');
    expect(session.querySelector('.summary-source')!.textContent).to.equal('AI summary');
    expect(session.querySelector('.summary-text')!.textContent).to.equal('Clicked “Track my order” [00:40] and hit an error.');
    expect(el.shadowRoot!.querySelectorAll('li[data-kind="prompt"] .insights').length).to.equal(0);
  });

  it('shows when, relative, with the exact time on hover', async () => {
    const el = await feed();
    const time = el.shadowRoot!.querySelector('time')!;
    expect(time.textContent).to.equal('1 minute ago');
    expect(time.getAttribute('title')).to.match(/Nov 22, 2026/);
    expect(time.getAttribute('datetime')).to.equal('2026-11-22T11:59:00.000Z');
  });

  it('asks for more when the end of the list scrolls into view, only while there is more', async () => {
    const el = await fixture<ActivityFeed>(html`<div style="height:200px;overflow:auto" id="scroller">
      <activity-feed .items=${[...feedItems(), ...feedItems().map((i) => ({ ...i, id: i.id.replace(/^65a/, '65b') }))]} hasMore .now=${NOW}></activity-feed>
    </div>`);
    const feedEl = el.querySelector('activity-feed') as ActivityFeed;
    let asked = 0;
    feedEl.addEventListener('load-more', () => (asked += 1));
    await new Promise((r) => setTimeout(r, 100));
    expect(asked).to.equal(0); // the end is below the fold
    feedEl.shadowRoot!.querySelector('#sentinel')!.scrollIntoView();
    await waitUntil(() => asked > 0, 'scrolling to the end asks for more', { timeout: 8000 });

    // The same from the keyboard: a button at the end.
    const before = asked;
    const more = oneEvent(feedEl, 'load-more');
    (feedEl.shadowRoot!.querySelector('button.more') as HTMLButtonElement).click();
    await more;
    expect(asked).to.be.greaterThan(before);

    feedEl.hasMore = false;
    await feedEl.updateComplete;
    asked = 0;
    el.scrollTop = 0;
    await new Promise((r) => setTimeout(r, 50));
    el.scrollTop = el.scrollHeight;
    await new Promise((r) => setTimeout(r, 150));
    expect(asked).to.equal(0);
    expect(feedEl.shadowRoot!.querySelector('#sentinel')!.textContent!.trim()).to.equal('That is everything.');
  });
});
