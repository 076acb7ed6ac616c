import { css, html, LitElement, nothing } from 'lit';
import { ConnectionController } from './connection-controller.js';

/**
 * The Chatreel chat widget: a launcher button and a chat panel, in an open shadow root.
 *
 * @fires chatreel:open - the panel opened
 * @fires chatreel:close - the panel closed
 * @csspart launcher - the round button that opens and closes the panel
 * @csspart panel - the chat panel
 * @cssprop --chatreel-accent - accent colour (defaults to the application's colour)
 */
export class ChatreelWidget extends LitElement {
  static readonly tagName = 'chatreel-widget';

  static override properties = {
    key: { type: String },
    server: { type: String },
    open: { type: Boolean, reflect: true },
  };

  declare key: string;
  declare server: string;
  declare open: boolean;

  private readonly connection = new ConnectionController(this);

  constructor() {
    super();
    this.key = '';
    this.server = '';
    this.open = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // A conversation under way on the previous page continues here without a click.
    if (ConnectionController.hasSessionUnderWay()) void this.connection.connect();
  }

  static override styles = css`
    :host {
      all: initial;
      position: fixed;
      bottom: 20px;
      right: 20px;
      z-index: 2147483000;
      font: 15px/1.4 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
      color: #111827;
      /* Never block the page: only the launcher and the open panel take pointer events. */
      pointer-events: none;
    }
    button.launcher {
      pointer-events: auto;
      width: 56px;
      height: 56px;
      border-radius: 50%;
      border: none;
      background: var(--chatreel-accent, #4f46e5);
      color: #fff;
      cursor: pointer;
      box-shadow: 0 4px 14px rgb(0 0 0 / 0.25);
      display: grid;
      place-items: center;
    }
    button.launcher:focus-visible {
      outline: 3px solid #111827;
      outline-offset: 3px;
    }
    .panel {
      pointer-events: auto;
      position: absolute;
      bottom: 72px;
      right: 0;
      width: 360px;
      max-height: 70vh;
      background: #fff;
      border-radius: 14px;
      box-shadow: 0 10px 40px rgb(0 0 0 / 0.25);
      padding: 16px;
      box-sizing: border-box;
    }
    .status {
      font-size: 13px;
      color: #4b5563;
    }
    .status[data-status='refused'],
    .status[data-status='offline'] {
      color: #b91c1c;
    }
  `;

  override render() {
    const accent = this.connection.settings?.appearance.color;
    return html`
      ${this.open ? this.renderPanel() : nothing}
      <button
        class="launcher"
        part="launcher"
        style=${accent ? `--chatreel-accent:${accent}` : ''}
        aria-label=${this.open ? 'Close chat' : 'Open chat'}
        aria-expanded=${String(this.open)}
        @click=${this.toggle}
      >
        <svg width="26" height="26" viewBox="0 0 24 24" aria-hidden="true" fill="currentColor">
          <path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z" />
        </svg>
      </button>
    `;
  }

  private renderPanel() {
    const { status, error, settings } = this.connection;
    const text =
      status === 'refused'
        ? error?.message ?? 'This chat is not available on this site.'
        : status === 'offline'
          ? 'Cannot reach the chat server. Retrying…'
          : status === 'online'
            ? settings?.appearance.greeting ?? 'Hi!'
            : 'Connecting…';
    return html`<section class="panel" part="panel" role="dialog" aria-label="Chat">
      <p class="status" data-status=${status} role="status">${text}</p>
    </section>`;
  }

  toggle(): void {
    this.open = !this.open;
    this.dispatchEvent(new CustomEvent(this.open ? 'chatreel:open' : 'chatreel:close', { bubbles: true, composed: true }));
    if (this.open) void this.connection.connect();
  }
}

if (!customElements.get(ChatreelWidget.tagName)) customElements.define(ChatreelWidget.tagName, ChatreelWidget);

declare global {
  interface HTMLElementTagNameMap {
    'chatreel-widget': ChatreelWidget;
  }
}
