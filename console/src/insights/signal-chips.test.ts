import { expect, fixture, html } from '@open-wc/testing';
import type { SignalChips } from './signal-chips.js';
import './signal-chips.js';

describe('signal-chips', () => {
  it('shows one coloured chip per kind, in catalogue order, with a count when it happened more than once', async () => {
    const el = await fixture<SignalChips>(html`<signal-chips .signals=${['js_error', 'rage_click', 'rage_click', 'dead_click', 'rage_click']}></signal-chips>`);
    const chips = [...el.shadowRoot!.querySelectorAll('li')];
    expect(chips.map((chip) => chip.dataset.signal)).to.deep.equal(['rage_click', 'dead_click', 'js_error']);
    expect(chips.map((chip) => chip.textContent!.replace(/\s+/g, ' ').trim())).to.deep.equal(['Rage click ×3', 'Dead click', 'JS error']);
    expect(getComputedStyle(chips[0]).color).to.equal('rgb(220, 38, 38)');
    expect(getComputedStyle(chips[2]).color).to.not.equal(getComputedStyle(chips[0]).color);
    expect(chips[0].getAttribute('title')).to.equal('Three or more quick clicks in one spot');
    expect(el.shadowRoot!.querySelector('ul')!.getAttribute('aria-label')).to.equal('Signals');
  });

  it('renders nothing for a session without signals, and skips kinds it does not know', async () => {
    const el = await fixture<SignalChips>(html`<signal-chips .signals=${['something_new']}></signal-chips>`);
    expect(el.shadowRoot!.querySelector('li')).to.equal(null);
    expect(el.getBoundingClientRect().height).to.equal(0);
  });
});
