import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import '../chatreel-widget.js';
import type { ChatreelWidget } from '../chatreel-widget.js';
import type { ChatreelChatPanel } from './chat-panel.js';

const until = async (probe: () => unknown, what: string) => {
  for (let i = 0; i < 200; i++) {
    if (probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
};

/** A widget pointed at a port nothing listens on: the chat UI works without a server. */
async function openWidget(): Promise<{ el: ChatreelWidget; panel: ChatreelChatPanel }> {
  const el = await fixture<ChatreelWidget>(html`<chatreel-widget key="pk_test_123456" server="http://127.0.0.1:9"></chatreel-widget>`);
  el.shadowRoot!.querySelector<HTMLButtonElement>('button.launcher')!.click();
  await until(() => el.shadowRoot!.querySelector('chatreel-chat-panel')?.shadowRoot?.querySelector('textarea'), 'the chat chunk');
  const panel = el.shadowRoot!.querySelector('chatreel-chat-panel') as ChatreelChatPanel;
  await panel.updateComplete;
  return { el, panel };
}

const deepActive = (): Element | null => {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
};

afterEach(async () => {
  await setViewport({ width: 1024, height: 768 });
  document.querySelectorAll('chatreel-widget').forEach((el) => el.remove());
});

describe('chat panel', () => {
  it('renders the conversation log, a labelled composer and a close button inside a labelled dialog', async () => {
    const { el, panel } = await openWidget();
    const dialog = el.shadowRoot!.querySelector('[role="dialog"]')!;
    expect(dialog.getAttribute('aria-label')).to.equal('Chat');
    expect(dialog.hasAttribute('hidden')).to.equal(false);
    const root = panel.shadowRoot!;
    const log = root.querySelector('.log')!;
    expect(log.getAttribute('role')).to.equal('log');
    expect(log.getAttribute('aria-live')).to.equal('polite');
    const textarea = root.querySelector('textarea')!;
    expect(root.querySelector(`label[for="${textarea.id}"]`)!.textContent).to.equal('Message');
    expect(root.querySelector('button.close')!.getAttribute('aria-label')).to.equal('Hide chat');
    expect(root.querySelector('button.send')!.textContent!.trim()).to.equal('Send');
    expect(el.shadowRoot!.querySelector('button.launcher')!.getAttribute('aria-expanded')).to.equal('true');
  });

  it('is usable by keyboard: focus goes to the composer on open, Escape closes and returns focus to the launcher', async () => {
    const el = await fixture<ChatreelWidget>(html`<chatreel-widget key="pk_test_123456" server="http://127.0.0.1:9"></chatreel-widget>`);
    const launcher = el.shadowRoot!.querySelector<HTMLButtonElement>('button.launcher')!;
    // Painted once its appearance is known (here: the server cannot be reached, so the default one).
    await until(() => getComputedStyle(launcher).visibility === 'visible', 'the launcher to be painted');
    launcher.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => deepActive()?.tagName === 'TEXTAREA', 'focus in the composer');
    await sendKeys({ type: 'typed by keyboard' });
    const panel = el.shadowRoot!.querySelector('chatreel-chat-panel') as ChatreelChatPanel;
    expect(panel.shadowRoot!.querySelector('textarea')!.value).to.equal('typed by keyboard');
    await sendKeys({ press: 'Escape' });
    await until(() => !el.open, 'the panel to close');
    expect(el.shadowRoot!.querySelector('[role="dialog"]')!.hasAttribute('hidden')).to.equal(true);
    await until(() => deepActive() === launcher, 'focus back on the launcher');
    expect(launcher.getAttribute('aria-expanded')).to.equal('false');
  });

  it('renders HTML in a message as text', async () => {
    const { panel } = await openWidget();
    const hostile = '<img src=x onerror="window.__pwned=1"><b>bold</b><script>window.__pwned=2</script>';
    panel.controller.messages = [
      { id: 'm1', sessionId: 's1', seq: 1, role: 'visitor', text: hostile, createdAt: new Date().toISOString(), clientId: 'c1' },
      { id: 'm2', sessionId: 's1', seq: 2, role: 'ai', text: '<a href="javascript:alert(1)">x</a>', createdAt: new Date().toISOString(), clientId: null },
    ];
    panel.controller.drafts.set('r1', '<i>streamed</i>');
    panel.requestUpdate();
    await panel.updateComplete;
    const texts = [...panel.shadowRoot!.querySelectorAll('.msg .text')].map((node) => node.textContent);
    expect(texts).to.deep.equal([hostile, '<a href="javascript:alert(1)">x</a>', '<i>streamed</i>']);
    expect(panel.shadowRoot!.querySelector('.log img, .log b, .log script, .log a, .log i')).to.equal(null);
    expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
  });

  it('shows a typing indicator while a reply streams in', async () => {
    const { panel } = await openWidget();
    expect(panel.shadowRoot!.querySelector('.typing')).to.equal(null);
    panel.controller.drafts.set('r1', 'Hel');
    panel.requestUpdate();
    await panel.updateComplete;
    expect(panel.shadowRoot!.querySelector('.typing')!.getAttribute('aria-label')).to.equal('The assistant is typing');
    expect(panel.shadowRoot!.querySelector('.streaming .text')!.textContent).to.equal('Hel');
  });

  it('refuses an over-long message with a clear error and keeps the text', async () => {
    const { panel } = await openWidget();
    const textarea = panel.shadowRoot!.querySelector('textarea')!;
    textarea.value = 'x'.repeat(2001);
    textarea.dispatchEvent(new InputEvent('input'));
    panel.shadowRoot!.querySelector<HTMLButtonElement>('button.send')!.click();
    await until(() => panel.shadowRoot!.querySelector('[role="alert"]'), 'the error');
    expect(panel.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.equal('Messages can be at most 2000 characters (this one has 2001).');
    expect(textarea.value.length).to.equal(2001);
  });

  it('takes its accent from the --chatreel-accent custom property', async () => {
    const { el, panel } = await openWidget();
    el.style.setProperty('--chatreel-accent', 'rgb(12, 34, 56)');
    expect(getComputedStyle(el.shadowRoot!.querySelector('button.launcher')!).backgroundColor).to.equal('rgb(12, 34, 56)');
    expect(getComputedStyle(panel.shadowRoot!.querySelector('header')!).backgroundColor).to.equal('rgb(12, 34, 56)');
    expect(getComputedStyle(panel.shadowRoot!.querySelector('button.send')!).backgroundColor).to.equal('rgb(12, 34, 56)');
  });

  it('is isolated from host page CSS', async () => {
    const style = document.createElement('style');
    style.textContent = 'button, textarea, li, header { background: red !important; font-size: 40px !important; display: none !important; }';
    document.head.append(style);
    try {
      const { el, panel } = await openWidget();
      expect(getComputedStyle(el.shadowRoot!.querySelector('button.launcher')!).display).to.equal('grid');
      expect(getComputedStyle(panel.shadowRoot!.querySelector('textarea')!).fontSize).to.equal('16px');
    } finally {
      style.remove();
    }
  });

  it('fills the screen on narrow viewports, with 16 px inputs', async () => {
    await setViewport({ width: 400, height: 700 });
    const { el, panel } = await openWidget();
    const rect = el.shadowRoot!.querySelector('.panel')!.getBoundingClientRect();
    expect([rect.left, rect.top, rect.width, rect.height]).to.deep.equal([0, 0, 400, 700]);
    expect(getComputedStyle(panel.shadowRoot!.querySelector('textarea')!).fontSize).to.equal('16px');
  });

  it('keeps the floating panel on wide viewports', async () => {
    const { el } = await openWidget();
    const rect = el.shadowRoot!.querySelector('.panel')!.getBoundingClientRect();
    expect(rect.width).to.equal(360);
    expect(rect.right).to.be.lessThan(1024);
  });
});
