import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import './contact-form.js';
import type { ChatreelContactForm } from './contact-form.js';

describe('<chatreel-contact-form>', () => {
  it('sends a valid email only, and says where the reply will go once saved', async () => {
    const el = await fixture<ChatreelContactForm>(html`<chatreel-contact-form></chatreel-contact-form>`);
    let sent = 0;
    el.addEventListener('contact-submit', () => sent++);
    const input = el.shadowRoot!.querySelector('input')!;
    expect(input.getAttribute('aria-labelledby')).to.equal('ask');
    input.focus();
    await sendKeys({ type: 'not an email' });
    el.shadowRoot!.querySelector<HTMLButtonElement>('button')!.click();
    expect(sent).to.equal(0);
    input.value = '';
    await sendKeys({ type: 'ada@example.com' });
    const submitted = oneEvent(el, 'contact-submit');
    el.shadowRoot!.querySelector<HTMLButtonElement>('button')!.click();
    expect((await submitted).detail).to.deep.equal({ email: 'ada@example.com' });
    el.saved = 'ada@example.com';
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent).to.contain('ada@example.com');
  });
});
