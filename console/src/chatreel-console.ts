import { css, html, LitElement } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import type { AccessEndedReason, PublicUser } from '../../server/src/protocol/events.js';
import { api } from './api-client.js';
import { selectedAppId } from './activity/app-picker.js';
import { matchRoute, routes, type ConsoleRoute } from './routes.js';
import { closeConsoleSocket, consoleSocket, onAccessEnded, onAppsChanged } from './live/console-socket.js';
import { watchWaiting } from './live/waiting-alerts.js';
import './views/login-view.js';

const SIGNED_OUT_NOTICES: Record<Exclude<AccessEndedReason, 'role-changed'>, string> = {
  'signed-out': 'You were signed out.',
  expired: 'Your sign-in expired. Sign in again.',
  removed: 'Your account was removed.',
};

/**
 * The console shell: signs the user in, then shows the views behind a header with sign-out. When the
 * server ends the console's access (signed out elsewhere, account removed, role changed) or takes the
 * shown application away, the shell says so and shows what is left: the sign-in page, or the views
 * again, rebuilt for the new role or applications.
 */
export class ChatreelConsole extends LitElement {
  static override properties = {
    user: { state: true },
    ready: { state: true },
    hash: { state: true },
    notice: { state: true },
    signInNotice: { state: true },
    viewKey: { state: true },
    menuOpen: { state: true },
    waitingCount: { state: true },
  };
  /** Conversations waiting for a person, in every application of the user (live/waiting-alerts.ts). */
  declare waitingCount: number;
  private stopWatchingWaiting: (() => void) | undefined;
  declare user: PublicUser | undefined;
  declare ready: boolean;
  declare hash: string;
  /** Told above the views: a role changed, an application was taken away. */
  declare notice: string;
  /** Told on the sign-in page: why the console is signed out. */
  declare signInNotice: string;
  /** Bumped to rebuild the current view from scratch (its data may no longer be the user's to see). */
  declare viewKey: number;
  /** Phones: the navigation is folded behind a Menu button until opened (issue 18). */
  declare menuOpen: boolean;
  private readonly onHashChange = () => {
    this.hash = location.hash;
    this.menuOpen = false;
  };
  private readonly unsubscribe: Array<() => void> = [];
  /** Pages whose code is loaded (routes.ts loads each on its first showing). */
  private readonly loadedViews = new Set<ConsoleRoute>();
  private signingOut = false;

  constructor() {
    super();
    this.user = undefined;
    this.ready = false;
    this.hash = location.hash;
    this.notice = '';
    this.signInNotice = '';
    this.viewKey = 0;
    this.menuOpen = false;
    this.waitingCount = 0;
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    removeEventListener('hashchange', this.onHashChange);
    for (const off of this.unsubscribe.splice(0)) off();
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
    nav .count { display: inline-block; min-width: 18px; padding: 0 5px; border-radius: 999px; background: #f59e0b; color: #111827; font-size: 12px; font-weight: 700; text-align: center; }
    .notice { margin: 0; padding: 10px 24px; background: #fef3c7; color: #92400e; }
    header button.menu { display: none; }
    @media (max-width: 640px) {
      header { flex-wrap: wrap; gap: 8px; padding: 10px 12px; }
      header button.menu { display: inline-block; }
      header .who { display: none; }
      nav { display: none; order: 10; width: 100%; flex-direction: column; }
      nav.open { display: flex; }
      nav a { padding: 10px; }
      .notice { padding: 10px 12px; }
    }
  `;

  override connectedCallback() {
    super.connectedCallback();
    addEventListener('hashchange', this.onHashChange);
    this.unsubscribe.push(
      onAccessEnded((reason) => void this.accessEnded(reason)),
      onAppsChanged((appIds) => this.appsChanged(appIds)),
    );
    api
      .me()
      .then(({ user }) => (this.user = user))
      .catch(() => (this.user = undefined))
      .finally(() => (this.ready = true));
  }

  override willUpdate(changed: Map<string, unknown>) {
    // Signed in: the live connection is open on every page, so an ended access is heard on any of them.
    if (changed.has('user') && this.user) {
      consoleSocket();
      this.stopWatchingWaiting?.();
      this.stopWatchingWaiting = watchWaiting((count) => (this.waitingCount = count));
    }
    // The shown page's code is loaded on its first showing; the page is drawn once it is in, so its
    // element is defined before it is created (a view reads its properties when connected).
    const { route } = matchRoute(this.hash);
    if (this.user && !this.loadedViews.has(route)) {
      route.load().then(
        () => (this.loadedViews.add(route), this.requestUpdate()),
        () => (this.notice = 'This page could not be loaded. Reload the console to try again.'),
      );
    }
  }

  override render() {
    if (!this.ready) return html``;
    if (!this.user) {
      return html`<login-view .notice=${this.signInNotice} @signed-in=${(e: CustomEvent<{ user: PublicUser }>) => this.signedIn(e.detail.user)}></login-view>`;
    }
    const { route, params } = matchRoute(this.hash);
    return html`<header>
        <strong>Chatreel</strong>
        <button type="button" class="menu" aria-expanded=${String(this.menuOpen)} aria-controls="console-nav" @click=${() => (this.menuOpen = !this.menuOpen)}>
          Menu
        </button>
        <nav aria-label="Console" id="console-nav" class=${this.menuOpen ? 'open' : ''}>
          ${routes.filter((r) => !r.hidden).map(
            (r) =>
              html`<a href="#/${r.path}" aria-current=${r === route ? 'page' : 'false'}
                >${r.label}${r.path === 'conversations' && this.waitingCount ? html` <span class="count" title="Waiting for a person">${this.waitingCount}</span>` : ''}</a
              >`,
          )}
        </nav>
        <span class="spacer"></span>
        <span class="who">${this.user.email} (${this.user.role})</span>
        <button type="button" @click=${this.signOut}>Sign out</button>
      </header>
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : ''}
      <main>${this.loadedViews.has(route) ? keyed(this.viewKey, route.render(this.user, params)) : ''}</main>`;
  }

  private signedIn(user: PublicUser) {
    this.signInNotice = '';
    this.notice = '';
    this.user = user;
  }

  private async signOut() {
    this.signingOut = true;
    await api.logout().catch(() => {});
    closeConsoleSocket(); // the live connection was authenticated by the cookie just revoked
    this.user = undefined;
    this.signingOut = false;
  }

  /** The server ended the live connection: signed out (here or elsewhere), removed, or a new role. */
  private async accessEnded(reason: AccessEndedReason) {
    if (this.signingOut || !this.user) return;
    const me = await api.me().catch(() => undefined);
    if (!me) {
      closeConsoleSocket();
      this.signInNotice = reason === 'removed' ? SIGNED_OUT_NOTICES.removed : SIGNED_OUT_NOTICES['signed-out'];
      this.user = undefined;
      return;
    }
    // Still signed in: the role changed. The views start over with what the new role may see.
    this.notice = me.user.role === this.user.role ? '' : `Your role is now ${me.user.role}.`;
    this.user = me.user;
    this.viewKey += 1;
    consoleSocket().connect();
  }

  /** An application taken away while a page shows it: the page starts over without it. */
  private appsChanged(appIds: string[]) {
    const { route, params } = matchRoute(this.hash);
    const shown = route.path === 'replay' ? params[0] : selectedAppId();
    if (!shown || appIds.includes(shown)) return;
    this.notice = 'An application was taken away from you: its sessions and conversations are no longer shown.';
    if (route.path === 'replay') location.hash = '#/sessions';
    this.viewKey += 1;
  }
}
customElements.define('chatreel-console', ChatreelConsole);
