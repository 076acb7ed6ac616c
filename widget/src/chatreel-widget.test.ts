import { expect, fixture, html } from '@open-wc/testing';
import './chatreel-widget.js';
import type { ChatreelWidget } from './chatreel-widget.js';

describe('<chatreel-widget>', () => {
  it('renders a labelled launcher in an open shadow root', async () => {
    const el = await fixture<ChatreelWidget>(html`<chatreel-widget key="pk_test_123456"></chatreel-widget>`);
    expect(el.shadowRoot).to.exist;
    const launcher = el.shadowRoot!.querySelector('button.launcher')!;
    expect(launcher.getAttribute('aria-label')).to.equal('Open chat');
    expect(launcher.getAttribute('aria-expanded')).to.equal('false');
  });

  it('does not block clicks on the host page around the launcher', async () => {
    const el = await fixture<ChatreelWidget>(html`<chatreel-widget></chatreel-widget>`);
    expect(getComputedStyle(el).pointerEvents).to.equal('none');
    const launcher = el.shadowRoot!.querySelector('button.launcher')!;
    expect(getComputedStyle(launcher).pointerEvents).to.equal('auto');
  });

  it('says so when the server cannot be reached, and the page is unharmed', async function () {
    this.timeout(15_000);
    const el = await fixture<ChatreelWidget>(html`<chatreel-widget key="pk_test_123456" server="http://127.0.0.1:9"></chatreel-widget>`);
    (el.shadowRoot!.querySelector('button.launcher') as HTMLButtonElement).click();
    await el.updateComplete;
    // Said once: by the widget until the chat is loaded, then by the chat's own notice only.
    const statuses = () => [...el.shadowRoot!.querySelectorAll('[role="status"]'), ...(el.shadowRoot!.querySelector('chatreel-chat-panel')?.shadowRoot?.querySelectorAll('[role="status"]') ?? [])];
    const offline = () => statuses().filter((node) => node.getAttribute('data-status') === 'offline');
    for (let i = 0; i < 180 && offline().length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(offline().length).to.equal(1);
    expect(offline()[0].textContent).to.contain('Cannot reach');
    expect(statuses().filter((node) => node.textContent!.includes('Cannot reach')).length).to.equal(1);
    el.remove();
  });

  it('counts replies that arrive while the chat is closed on the launcher, with an accessible label, until it opens', async () => {
    const el = await fixture<ChatreelWidget>(html`<chatreel-widget key="pk_test_123456" server="http://127.0.0.1:9"></chatreel-widget>`);
    const launcher = el.shadowRoot!.querySelector<HTMLButtonElement>('button.launcher')!;
    // As the chat panel announces each message (bubbling, composed, from inside the shadow root).
    const arrive = (role: string) => el.shadowRoot!.dispatchEvent(new CustomEvent('chatreel:message', { detail: { message: { role } }, bubbles: true, composed: true }));
    arrive('agent');
    arrive('visitor');
    arrive('ai');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.badge')!.textContent).to.equal('2');
    expect(launcher.getAttribute('aria-label')).to.equal('Open chat, 2 unread messages');
    launcher.click();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.badge')).to.equal(null);
    arrive('agent');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.badge')).to.equal(null);
    el.remove();
  });
});
