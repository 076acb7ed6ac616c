import { css, html, LitElement } from 'lit';
import type { PublicApp } from '../../../server/src/protocol/events.js';
import { api, ApiError } from '../api-client.js';
import { onAppsChanged } from '../live/console-socket.js';

const STORAGE_KEY = 'chatreel.selectedAppId';

/** The application the pages show (the last one picked), if any. */
export const selectedAppId = (): string | null => localStorage.getItem(STORAGE_KEY);

/**
 * Which application the page shows. A choice appears only when the user is a member of several;
 * the pick is remembered across pages and visits. The list follows the user's memberships live: an
 * application taken away disappears at once (the console shell clears a page that showed it).
 * @fires app-change - `detail: { app }` once the apps are loaded and whenever the user picks another.
 */
export class AppPicker extends LitElement {
  static override properties = { apps: { state: true }, selected: { state: true }, error: { state: true } };
  declare apps: PublicApp[] | undefined;
  declare selected: string;
  declare error: string;

  constructor() {
    super();
    this.apps = undefined;
    this.selected = '';
    this.error = '';
  }

  static override styles = css`
    :host { display: inline-flex; align-items: center; gap: 8px; }
    label { font-size: 13px; color: #6b7280; }
    select { font: inherit; padding: 6px 10px; border: 1px solid #d1d5db; border-radius: 8px; background: #fff; }
    strong { font-size: 15px; }
    .error { color: #b91c1c; }
  `;

  private stopFollowing: (() => void) | undefined;

  override connectedCallback() {
    super.connectedCallback();
    this.stopFollowing = onAppsChanged(() => void this.load());
    void this.load();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.stopFollowing?.();
  }

  private async load() {
    try {
      const { apps } = await api.listApps();
      this.apps = apps;
      // A reload after a change keeps the page as it is while what it shows is still there.
      if (this.selected && apps.some((a) => a.id === this.selected)) return;
      const remembered = localStorage.getItem(STORAGE_KEY);
      const app = apps.find((a) => a.id === remembered) ?? apps[0];
      if (app) this.choose(app);
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : 'Could not load applications.';
    }
  }

  override render() {
    if (this.error) return html`<span class="error" role="alert">${this.error}</span>`;
    if (!this.apps) return html``;
    if (this.apps.length === 0) return html`<span>No applications yet.</span>`;
    if (this.apps.length === 1) return html`<strong>${this.apps[0].name}</strong>`;
    return html`<label for="app">Application</label>
      <select id="app" @change=${(e: Event) => this.choose(this.apps!.find((a) => a.id === (e.target as HTMLSelectElement).value)!)}>
        ${this.apps.map((app) => html`<option value=${app.id} ?selected=${app.id === this.selected}>${app.name}</option>`)}
      </select>`;
  }

  private choose(app: PublicApp) {
    this.selected = app.id;
    localStorage.setItem(STORAGE_KEY, app.id);
    this.dispatchEvent(new CustomEvent('app-change', { detail: { app }, bubbles: true, composed: true }));
  }
}
customElements.define('app-picker', AppPicker);
