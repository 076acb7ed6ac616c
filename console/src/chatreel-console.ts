import { css, html, LitElement } from 'lit';
import type { PublicUser } from '../../server/src/protocol/events.js';
import { api } from './api-client.js';
import './views/apps-view.js';
import './views/login-view.js';

/** The console shell: signs the user in, then shows the views behind a header with sign-out. */
export class ChatreelConsole extends LitElement {
  static override properties = { user: { state: true }, ready: { state: true } };
  declare user: PublicUser | undefined;
  declare ready: boolean;

  constructor() {
    super();
    this.user = undefined;
    this.ready = false;
  }

  static override styles = css`
    :host { display: block; min-height: 100vh; }
    header { display: flex; align-items: center; gap: 16px; padding: 12px 24px; background: #111827; color: #fff; }
    header strong { font-size: 18px; }
    header .spacer { flex: 1; }
    header button { font: inherit; color: #fff; background: transparent; border: 1px solid #4b5563; border-radius: 8px; padding: 6px 12px; cursor: pointer; }
  `;

  override connectedCallback() {
    super.connectedCallback();
    api
      .me()
      .then(({ user }) => (this.user = user))
      .catch(() => (this.user = undefined))
      .finally(() => (this.ready = true));
  }

  override render() {
    if (!this.ready) return html``;
    if (!this.user) return html`<login-view @signed-in=${(e: CustomEvent<{ user: PublicUser }>) => (this.user = e.detail.user)}></login-view>`;
    return html`<header>
        <strong>Chatreel</strong>
        <span class="spacer"></span>
        <span class="who">${this.user.email} (${this.user.role})</span>
        <button type="button" @click=${this.signOut}>Sign out</button>
      </header>
      <apps-view .user=${this.user}></apps-view>`;
  }

  private async signOut() {
    await api.logout().catch(() => {});
    this.user = undefined;
  }
}
customElements.define('chatreel-console', ChatreelConsole);
