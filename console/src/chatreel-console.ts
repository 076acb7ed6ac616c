import { css, html, LitElement } from 'lit';
import type { PublicUser } from '../../server/src/protocol/events.js';
import { api } from './api-client.js';
import { matchRoute, routes } from './routes.js';
import { closeConsoleSocket } from './live/console-socket.js';
import './views/login-view.js';

/** The console shell: signs the user in, then shows the views behind a header with sign-out. */
export class ChatreelConsole extends LitElement {
  static override properties = { user: { state: true }, ready: { state: true }, hash: { state: true } };
  declare user: PublicUser | undefined;
  declare ready: boolean;
  declare hash: string;
  private readonly onHashChange = () => (this.hash = location.hash);

  constructor() {
    super();
    this.user = undefined;
    this.ready = false;
    this.hash = location.hash;
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    removeEventListener('hashchange', this.onHashChange);
  }

  static override styles = css`
    :host { display: block; min-height: 100vh; }
    header { display: flex; align-items: center; gap: 16px; padding: 12px 24px; background: #111827; color: #fff; }
    header strong { font-size: 18px; }
    header .spacer { flex: 1; }
    header button { font: inherit; color: #fff; background: transparent; border: 1px solid #4b5563; border-radius: 8px; padding: 6px 12px; cursor: pointer; }
    nav { display: flex; gap: 4px; }
    nav a { color: #d1d5db; text-decoration: none; padding: 6px 10px; border-radius: 6px; }
    nav a[aria-current='page'] { color: #fff; background: #374151; }
  `;

  override connectedCallback() {
    super.connectedCallback();
    addEventListener('hashchange', this.onHashChange);
    api
      .me()
      .then(({ user }) => (this.user = user))
      .catch(() => (this.user = undefined))
      .finally(() => (this.ready = true));
  }

  override render() {
    if (!this.ready) return html``;
    if (!this.user) return html`<login-view @signed-in=${(e: CustomEvent<{ user: PublicUser }>) => (this.user = e.detail.user)}></login-view>`;
    const { route, params } = matchRoute(this.hash);
    return html`<header>
        <strong>Chatreel</strong>
        <nav aria-label="Console">
          ${routes.filter((r) => !r.hidden).map(
            (r) => html`<a href="#/${r.path}" aria-current=${r === route ? 'page' : 'false'}>${r.label}</a>`,
          )}
        </nav>
        <span class="spacer"></span>
        <span class="who">${this.user.email} (${this.user.role})</span>
        <button type="button" @click=${this.signOut}>Sign out</button>
      </header>
      <main>${route.render(this.user, params)}</main>`;
  }

  private async signOut() {
    await api.logout().catch(() => {});
    closeConsoleSocket(); // the live connection was authenticated by the cookie just revoked
    this.user = undefined;
  }
}
customElements.define('chatreel-console', ChatreelConsole);
