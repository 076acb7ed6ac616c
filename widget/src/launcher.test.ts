import { expect, oneEvent } from '@open-wc/testing';
import { startLauncher, WIDGET_TAG } from './launcher.js';

/** An unreachable server: the appearance lookup fails at once and the launcher shows the default look. */
const SERVER = 'http://127.0.0.1:9';

type Widget = HTMLElement & { key?: string; server?: string };

describe("the first script's launcher", () => {
  it('paints a labelled launcher before the element is defined; clicking it loads the element, which keeps its key and server and opens the chat', async function () {
    this.timeout(15_000);
    expect(customElements.get(WIDGET_TAG)).to.equal(undefined);
    // As widget.ts adds it (properties set on the undefined element), and as a site places it by hand (attributes).
    const embedded: Widget = document.createElement(WIDGET_TAG);
    embedded.key = 'pk_test_embedded';
    embedded.server = SERVER;
    const placed: Widget = document.createElement(WIDGET_TAG);
    placed.setAttribute('key', 'pk_test_placed');
    placed.setAttribute('server', SERVER);
    document.body.append(embedded, placed);
    startLauncher(embedded);
    startLauncher(placed);

    const launcher = embedded.shadowRoot!.querySelector<HTMLButtonElement>('button.launcher')!;
    expect(launcher.getAttribute('aria-label')).to.equal('Open chat');
    expect(launcher.getAttribute('aria-expanded')).to.equal('false');
    expect(launcher.getAttribute('part')).to.equal('launcher');
    expect(getComputedStyle(embedded).position).to.equal('fixed');
    expect(getComputedStyle(embedded).pointerEvents).to.equal('none');
    expect(getComputedStyle(launcher).pointerEvents).to.equal('auto');
    expect(customElements.get(WIDGET_TAG)).to.equal(undefined);

    // The visitor clicks it: the element loads, upgrades and opens the chat.
    const opened = oneEvent(embedded, 'chatreel:open');
    launcher.click();
    await opened;
    expect(customElements.get(WIDGET_TAG)).not.to.equal(undefined);
    await (embedded as unknown as { updateComplete: Promise<boolean> }).updateComplete;
    expect(embedded.key).to.equal('pk_test_embedded');
    expect(embedded.server).to.equal(SERVER);
    expect(placed.key).to.equal('pk_test_placed');
    expect(placed.server).to.equal(SERVER);
    // The element's own launcher replaced the painted one, in the same root, and the chat is open.
    const buttons = embedded.shadowRoot!.querySelectorAll('button.launcher');
    expect(buttons.length).to.equal(1);
    expect(buttons[0] === launcher).to.equal(false);
    expect(buttons[0].getAttribute('aria-expanded')).to.equal('true');
    expect(embedded.shadowRoot!.querySelectorAll('[role="dialog"]').length).to.equal(1);
    expect(placed.shadowRoot!.querySelectorAll('button.launcher').length).to.equal(1);
    expect(placed.shadowRoot!.querySelectorAll('[role="dialog"]').length).to.equal(0);
    embedded.remove();
    placed.remove();
  });
});
