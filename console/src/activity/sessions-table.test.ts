import { expect, fixture, html } from '@open-wc/testing';
import type { SessionsTable } from './sessions-table.js';
import './sessions-table.js';
import { NOW, sessionRow } from './fixtures.test-data.js';

const APP = '65a0000000000000000000aa';

describe('sessions-table', () => {
  afterEach(() => history.replaceState(null, '', location.pathname + location.search));

  const rows = [
    sessionRow(),
    sessionRow({
      id: '65a000000000000000000002',
      status: 'completed',
      startedAt: '2026-11-21T08:00:00.000Z',
      endedAt: '2026-11-21T08:03:05.000Z',
      landingUrl: 'https://www.example.org/',
      hasReplay: false,
      visitorName: '<b>Ada</b>',
      eventCount: 0,
    }),
  ];

  it('shows Landing URL as domain and path, When, Events, duration, pages, visitor and status', async () => {
    const el = await fixture<SessionsTable>(html`<sessions-table .rows=${rows} appId=${APP} .now=${NOW}></sessions-table>`);
    const headers = [...el.shadowRoot!.querySelectorAll('th')].map((th) => th.textContent);
    expect(headers).to.deep.equal(['Landing URL', 'When', 'Events', 'Duration', 'Pages', 'Visitor', 'Status']);
    const cells = (i: number) => [...el.shadowRoot!.querySelectorAll('tbody tr')[i].querySelectorAll('td')].map((td) => td.textContent!.replace(/\s+/g, ' ').trim());
    expect(cells(0)).to.deep.equal(['shop.example.com/checkout', '5 minutes ago', '1,234', '5m 00s', '3', 'Visitor v3k9x2aa', 'Active']);
    expect(cells(1)).to.deep.equal(['www.example.org/ No replay data', 'yesterday', '0', '3m 05s', '3', '<b>Ada</b>', 'Completed']);
    expect(el.shadowRoot!.querySelector('b')).to.equal(null);
    expect(el.shadowRoot!.querySelector('time')!.getAttribute('title')).to.match(/Nov 22, 2026/);
  });

  it('opens the replay from a row with replay data; a row without it is not clickable', async () => {
    const el = await fixture<SessionsTable>(html`<sessions-table .rows=${rows} appId=${APP} .now=${NOW}></sessions-table>`);
    const [replayable, plain] = [...el.shadowRoot!.querySelectorAll('tbody tr')] as HTMLElement[];
    expect(replayable.querySelector('a')!.getAttribute('href')).to.equal(`#/replay/${APP}/65a000000000000000000001`);
    replayable.querySelectorAll('td')[2].click();
    expect(location.hash).to.equal(`#/replay/${APP}/65a000000000000000000001`);

    history.replaceState(null, '', location.pathname);
    plain.querySelectorAll('td')[2].click();
    expect(location.hash).to.equal('');
    expect(plain.getAttribute('aria-disabled')).to.equal('true');
    expect(plain.querySelector('a')).to.equal(null);
    expect(getComputedStyle(plain).cursor).to.not.equal('pointer');
  });

  it('shows the signals as chips and the first line of the summary, labelled by who wrote it', async () => {
    const withInsights = [
      sessionRow({ status: 'completed', signals: ['rage_click', 'js_error'], summary: { text: 'Tried a coupon [00:12], it did nothing.\nThen left.', source: 'deterministic' } }),
      sessionRow({ id: '65a000000000000000000003', signals: [], summary: { text: '<i>Asked</i> about shipping.', source: 'ai' } }),
      sessionRow({ id: '65a000000000000000000004' }),
    ];
    const el = await fixture<SessionsTable>(html`<sessions-table .rows=${withInsights} appId=${APP} .now=${NOW}></sessions-table>`);
    const [first, second, third] = [...el.shadowRoot!.querySelectorAll('tbody tr')];
    const chips = first.querySelector('signal-chips')!;
    await (chips as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    expect([...chips.shadowRoot!.querySelectorAll('li')].map((li) => li.dataset.signal)).to.deep.equal(['rage_click', 'js_error']);
    expect(first.querySelector('.summary-source')!.textContent).to.equal('Automatic summary');
    expect(first.querySelector('.summary-text')!.textContent).to.equal('Tried a coupon [00:12], it did nothing.');
    expect(second.querySelector('signal-chips')).to.equal(null);
    expect(second.querySelector('.summary-source')!.textContent).to.equal('AI summary');
    expect(second.querySelector('.summary-text')!.textContent).to.equal('<i>Asked</i> about shipping.');
    expect(second.querySelector('i')).to.equal(null);
    expect(third.querySelector('.insights')).to.equal(null);
  });

  it('says so when nothing matches, and says Loading (not "none") while the first page is on its way', async () => {
    const el = await fixture<SessionsTable>(html`<sessions-table .rows=${[]} appId=${APP} loading></sessions-table>`);
    expect(el.shadowRoot!.textContent).to.contain('Loading sessions…');
    el.loading = false;
    await el.updateComplete;
    expect(el.shadowRoot!.textContent).to.contain('No sessions match.');
  });
});
