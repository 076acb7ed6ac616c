import { html, LitElement, nothing, type PropertyValues } from 'lit';
import type { VisitorIdentity } from '../../server/src/protocol/chat-schemas.js';
import { paintAppearance } from './appearance.js';
import { AppearanceController } from './appearance-controller.js';
import { ConnectionController } from './connection-controller.js';
import { LAUNCHER_ICON_PATH, showInTopLayer, WIDGET_TAG } from './launcher.js';
import { RecorderController } from './recorder/recorder-controller.js';
import { WatchNoticeController, watchNoticeStyles } from './watch-notice.js';
import { widgetStyles } from './widget-styles.js';

/**
 * The Chatreel chat widget: a launcher button and a chat panel, in an open shadow root. The chat
 * itself (`<chatreel-chat-panel>`) is a separate chunk loaded when the visitor first opens it, or at
 * once when a conversation is under way. Embedded with the script tag, this element is itself a chunk:
 * the first script paints a plain launcher in the element's shadow root (launcher.ts), and this class
 * upgrades the element when the visitor reaches for it.
 *
 * Attributes: `key` (the application's public key), `server` (Chatreel's origin), `open`.
 *
 * JS API (also on `window.Chatreel` when embedded with the script tag):
 * - `openChat()` / `closeChat()`
 * - `identify({ userId, name?, email?, userHash? })`: who the visitor is; `userHash` is
 *   HMAC-SHA256(application secret, userId) computed by the site's backend. Reconnects with it.
 * - `reset()`: forgets the visitor on this browser (call on logout).
 * - `consent(given)`: the visitor's consent to recording (issue 22); `false` stops recording at once.
 *
 * @fires chatreel:open - the panel opened
 * @fires chatreel:close - the panel closed
 * @fires chatreel:message - a message arrived in the conversation; `detail.message` has id, seq, role, text
 * @fires chatreel:identify - `identify` was applied (detail: { userId })
 * @fires chatreel:reset - `reset` forgot the visitor
 * @csspart launcher - the round button that opens and closes the panel
 * @csspart panel - the chat panel
 * @cssprop --chatreel-accent - accent colour (defaults to the application's colour)
 */
export class ChatreelWidget extends LitElement {
  static readonly tagName = WIDGET_TAG;

  static override properties = {
    key: { type: String },
    server: { type: String },
    open: { type: Boolean, reflect: true },
    chatLoaded: { state: true },
    unread: { state: true },
  };

  declare key: string;
  declare server: string;
  declare open: boolean;
  declare chatLoaded: boolean;
  /** Replies (AI, team) that arrived while the panel was closed: the launcher's badge. */
  declare unread: number;

  private readonly connection = new ConnectionController(this);
  private readonly watchNotice = new WatchNoticeController(this, this.connection);
  private readonly appearance = new AppearanceController(this, this.connection);
  private chatLoading: Promise<void> | undefined;
  private readonly recorder: RecorderController;

  constructor() {
    super();
    this.key = '';
    this.server = '';
    this.open = false;
    this.chatLoaded = false;
    this.unread = 0;
    this.addEventListener('chatreel:message', (event) => {
      const role = (event as CustomEvent<{ message: { role: string } }>).detail?.message?.role;
      if (!this.open && (role === 'ai' || role === 'agent')) this.unread += 1;
    });
    this.recorder = new RecorderController(this, this.connection); // records while a chat session is under way (issue 4)
    // An agent started the conversation (issue 21): the chat opens to show their message.
    const invited = new WeakSet<object>();
    this.connection.onReady((socket) => {
      if (invited.has(socket)) return;
      invited.add(socket);
      socket.on('chat:invite', ({ sessionId }) => sessionId === this.connection.session?.id && this.openChat());
    });
  }

  override connectedCallback(): void {
    super.connectedCallback();
    showInTopLayer(this);
    // The site identified the visitor on an earlier page of this tab: keep them identified here.
    this.connection.identity ??= readIdentity();
    // A conversation under way on the previous page continues here without a click. After the first
    // update: `key` and `server` set on the element before it was defined (launcher.ts) are applied there.
    if (ConnectionController.hasSessionUnderWay()) {
      void this.updateComplete.then(() => {
        void this.connection.connect();
        void this.loadChat();
      });
    }
  }

  /** The launcher the first script painted had focus: this render's launcher takes it. */
  private launcherHadFocus = false;

  /**
   * The shadow root the first script's launcher painted (launcher.ts) is reused (Lit's own
   * createRenderRoot takes an existing root); its button is cleared here, in the same task as the
   * first render, so nothing is painted in between.
   */
  protected override createRenderRoot(): HTMLElement | DocumentFragment {
    if (this.shadowRoot) {
      this.launcherHadFocus = this.shadowRoot.activeElement !== null;
      this.shadowRoot.replaceChildren();
    }
    return super.createRenderRoot();
  }

  protected override firstUpdated(): void {
    if (this.launcherHadFocus) this.renderRoot.querySelector<HTMLButtonElement>('button.launcher')?.focus();
    this.launcherHadFocus = false;
  }

  static override styles = [watchNoticeStyles, widgetStyles];

  /** Runs after the controllers' hostUpdate (the appearance is looked up there), before the render and the first paint. */
  override update(changed: PropertyValues): void {
    const appearance = this.appearance.current;
    if (appearance) paintAppearance(this, appearance);
    super.update(changed);
  }

  override render() {
    return html`
      ${this.watchNotice.render()} ${this.open || this.chatLoaded ? this.renderPanel() : nothing}
      <button
        class="launcher ${this.appearance.settled ? '' : 'unpainted'}"
        part="launcher"
        aria-label=${this.open ? 'Close chat' : this.unread ? `Open chat, ${this.unread} unread ${this.unread === 1 ? 'message' : 'messages'}` : 'Open chat'}
        aria-expanded=${String(this.open)}
        @click=${this.toggle}
      >
        ${this.unread && !this.open ? html`<span class="badge" aria-hidden="true">${this.unread > 9 ? '9+' : this.unread}</span>` : nothing}
        <svg width="26" height="26" viewBox="0 0 24 24" aria-hidden="true" fill="currentColor">
          <path d=${LAUNCHER_ICON_PATH} />
        </svg>
      </button>
    `;
  }

  private renderPanel() {
    const { status, error } = this.connection;
    // Once the chat is loaded its own notice says it (once); this one covers the chat not loaded yet.
    const text = this.chatLoaded
      ? ''
      : status === 'refused'
        ? error?.message ?? 'This chat is not available on this site.'
        : status === 'offline'
          ? 'Cannot reach the chat server. Retrying…'
          : status === 'online'
            ? ''
            : 'Connecting…';
    return html`<section class="panel" part="panel" role="dialog" aria-label="Chat" ?hidden=${!this.open} @keydown=${this.onPanelKeydown}>
      ${text ? html`<p class="status" data-status=${status} role="status">${text}</p>` : nothing}
      ${this.chatLoaded
        ? html`<chatreel-chat-panel .connection=${this.connection} .status=${status} .settings=${this.connection.settings} .recordingNotice=${this.connection.mayRecord ? this.connection.settings?.consent?.notice : ''} ?active=${this.open} @chat-close=${() => this.closeChat()}></chatreel-chat-panel>`
        : nothing}
    </section>`;
  }

  private onPanelKeydown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') this.closeChat();
  };

  /** Loads the chat chunk once. If it cannot be fetched, the launcher's status says so. */
  private loadChat(): Promise<void> {
    this.chatLoading ??= import('./chat/chat-panel.js').then(
      () => {
        this.chatLoaded = true;
      },
      () => {
        this.chatLoading = undefined;
      },
    );
    return this.chatLoading;
  }

  toggle(): void {
    if (this.open) this.closeChat();
    else this.openChat();
  }

  /** Opens the chat panel (and connects, and loads the chat, the first time). */
  openChat(): void {
    if (this.open) return;
    this.open = true;
    this.unread = 0;
    this.dispatchEvent(new CustomEvent('chatreel:open', { bubbles: true, composed: true }));
    void this.connection.connect();
    void this.loadChat();
  }

  /** Closes the panel; focus returns to the launcher. */
  closeChat(): void {
    if (!this.open) return;
    this.open = false;
    this.dispatchEvent(new CustomEvent('chatreel:close', { bubbles: true, composed: true }));
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLButtonElement>('button.launcher')?.focus());
  }

  /** Tells Chatreel who the visitor is; with `userHash` the server verifies it and restores their history. */
  async identify(identity: VisitorIdentity): Promise<void> {
    this.connection.identity = { ...identity, userId: String(identity.userId) };
    writeIdentity(this.connection.identity);
    this.dispatchEvent(new CustomEvent('chatreel:identify', { detail: { userId: identity.userId }, bubbles: true, composed: true }));
    if (this.connection.socket) await this.connection.reconnect();
  }

  /** The site gave (`true`) or revoked (`false`) the visitor's consent to recording. */
  consent(given: boolean): Promise<void> {
    return this.recorder.consentChanged(given === true);
  }

  /** Forgets the visitor (logout): a new anonymous visitor and an empty chat. */
  async reset(): Promise<void> {
    this.connection.identity = undefined;
    writeIdentity(undefined);
    this.connection.forgetVisitor();
    const wasLoaded = this.chatLoaded;
    this.chatLoaded = false;
    await this.updateComplete;
    this.dispatchEvent(new CustomEvent('chatreel:reset', { bubbles: true, composed: true }));
    if (this.connection.socket) await this.connection.reconnect();
    this.chatLoaded = wasLoaded;
  }
}

const IDENTITY_STORAGE_KEY = 'chatreel:identity';

// Per tab (sessionStorage): the hash proves the user to the server, so it does not outlive the tab.
function readIdentity(): VisitorIdentity | undefined {
  try {
    const raw = sessionStorage.getItem(IDENTITY_STORAGE_KEY);
    return raw ? (JSON.parse(raw) as VisitorIdentity) : undefined;
  } catch {
    return undefined;
  }
}
function writeIdentity(identity: VisitorIdentity | undefined): void {
  try {
    if (identity) sessionStorage.setItem(IDENTITY_STORAGE_KEY, JSON.stringify(identity));
    else sessionStorage.removeItem(IDENTITY_STORAGE_KEY);
  } catch {
    /* storage blocked: identify again on each page */
  }
}

if (!customElements.get(ChatreelWidget.tagName)) customElements.define(ChatreelWidget.tagName, ChatreelWidget);

declare global {
  interface HTMLElementTagNameMap {
    'chatreel-widget': ChatreelWidget;
  }
}
