import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { FilterTabs } from './filter-tabs.js';
import './filter-tabs.js';

const OPTIONS = [
  { value: 'all', label: 'All' },
  { value: 'prompts', label: 'Prompts' },
  { value: 'sessions', label: 'Sessions' },
];

describe('filter-tabs', () => {
  it('marks the current filter and tells which one the user picked', async () => {
    const el = await fixture<FilterTabs>(html`<filter-tabs label="Feed filter" .options=${OPTIONS} value="all"></filter-tabs>`);
    const buttons = () => [...el.shadowRoot!.querySelectorAll('button')];
    expect(buttons().map((b) => b.getAttribute('aria-pressed'))).to.deep.equal(['true', 'false', 'false']);
    expect(el.shadowRoot!.querySelector('[role="group"]')!.getAttribute('aria-label')).to.equal('Feed filter');

    const picked = oneEvent(el, 'filter-change');
    buttons()[1].click();
    expect((await picked).detail).to.deep.equal({ value: 'prompts' });
    await el.updateComplete;
    expect(buttons().map((b) => b.getAttribute('aria-pressed'))).to.deep.equal(['false', 'true', 'false']);
  });

  it('says nothing when the current filter is clicked again', async () => {
    const el = await fixture<FilterTabs>(html`<filter-tabs .options=${OPTIONS} value="sessions"></filter-tabs>`);
    let fired = 0;
    el.addEventListener('filter-change', () => (fired += 1));
    el.shadowRoot!.querySelectorAll('button')[2].click();
    expect(fired).to.equal(0);
  });
});
