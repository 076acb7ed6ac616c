import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import './rating-form.js';
import type { ChatreelRatingForm } from './rating-form.js';

describe('<chatreel-rating-form>', () => {
  it('offers five labelled scores, sends nothing until one is chosen, then sends the score and the comment', async () => {
    const el = await fixture<ChatreelRatingForm>(html`<chatreel-rating-form></chatreel-rating-form>`);
    const radios = [...el.shadowRoot!.querySelectorAll<HTMLInputElement>('input[type="radio"]')];
    expect(radios.map((radio) => radio.getAttribute('aria-label'))).to.deep.equal(['1: Very unhappy', '2: Unhappy', '3: Neutral', '4: Happy', '5: Very happy']);
    const send = el.shadowRoot!.querySelector<HTMLButtonElement>('button[type="submit"]')!;
    expect(send.disabled).to.equal(true);
    radios[3].closest('label')!.click();
    await el.updateComplete;
    expect(send.disabled).to.equal(false);
    el.shadowRoot!.querySelector('textarea')!.focus();
    await sendKeys({ type: 'Quick and kind' });
    const submitted = oneEvent(el, 'rating-submit');
    send.click();
    expect((await submitted).detail).to.deep.equal({ score: 4, comment: 'Quick and kind' });
  });

  it('thanks the visitor once rated and offers a new chat', async () => {
    const el = await fixture<ChatreelRatingForm>(html`<chatreel-rating-form rated></chatreel-rating-form>`);
    expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent).to.contain('Thank you');
    const skipped = oneEvent(el, 'rating-skip');
    el.shadowRoot!.querySelector<HTMLButtonElement>('button')!.click();
    await skipped;
  });
});
