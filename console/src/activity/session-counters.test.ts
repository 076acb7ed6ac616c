import { expect, fixture, html } from '@open-wc/testing';
import type { SessionCounters } from './session-counters.js';
import './session-counters.js';

describe('session-counters', () => {
  const read = (el: SessionCounters) =>
    Object.fromEntries([...el.shadowRoot!.querySelectorAll('[data-counter]')].map((c) => [(c as HTMLElement).dataset.counter, c.querySelector('dd')!.textContent]));

  it('shows Total, Active, Completed and the event count, and follows new values', async () => {
    const el = await fixture<SessionCounters>(html`<session-counters .counters=${{ total: 1520, active: 7, completed: 1513, events: 2345678 }}></session-counters>`);
    expect(read(el)).to.deep.equal({ total: '1,520', active: '7', completed: '1,513', events: '2,345,678' });
    expect(el.shadowRoot!.textContent).to.contain('Total sessions');

    el.counters = { total: 1521, active: 8, completed: 1513, events: 2345700 };
    await el.updateComplete;
    expect(read(el)).to.deep.equal({ total: '1,521', active: '8', completed: '1,513', events: '2,345,700' });
  });

  it('shows a dash until the counts are known', async () => {
    const el = await fixture<SessionCounters>(html`<session-counters></session-counters>`);
    expect(Object.values(read(el))).to.deep.equal(['–', '–', '–', '–']);
  });
});
