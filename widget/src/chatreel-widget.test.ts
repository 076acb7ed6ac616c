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
    const status = () => el.shadowRoot!.querySelector('.status')!;
    for (let i = 0; i < 180 && status().getAttribute('data-status') !== 'offline'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status().getAttribute('data-status')).to.equal('offline');
    expect(status().textContent).to.contain('Cannot reach');
    el.remove();
  });
});
