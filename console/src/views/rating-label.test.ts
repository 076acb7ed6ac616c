import { expect, fixture, html } from '@open-wc/testing';
import './rating-label.js';
import type { RatingLabel } from './rating-label.js';

describe('<rating-label>', () => {
  it('says the score out of 5 and the comment to assistive technology, and shows markup in a comment as text', async () => {
    const rating = { score: 2, comment: 'Slow <img src=x onerror=alert(1)>', at: '2026-11-30T12:00:00.000Z' };
    const el = await fixture<RatingLabel>(html`<rating-label .rating=${rating}></rating-label>`);
    const score = el.shadowRoot!.querySelector('[role="img"]')!;
    expect(score.getAttribute('aria-label')).to.equal('Rated 2 out of 5 (unhappy): Slow <img src=x onerror=alert(1)>');
    expect(score.textContent).to.equal('★ 2/5');
    expect(score.getAttribute('data-score')).to.equal('2');
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
    expect(el.shadowRoot!.querySelector('.comment')!.textContent).to.contain('<img src=x');
  });

  it('renders nothing without a rating', async () => {
    const el = await fixture<RatingLabel>(html`<rating-label .rating=${null}></rating-label>`);
    expect(el.shadowRoot!.querySelector('[role="img"]')).to.equal(null);
  });
});
