import { css, html, LitElement, nothing } from 'lit';
import type { PublicApp } from '../../../server/src/protocol/events.js';
import { MAX_APP_NAME_CHARS } from '../../../server/src/protocol/limits.js';
import { api } from '../api-client.js';
import { runAction } from './run-action.js';

/**
 * An owner's actions on one application (issue 18): rename it, give it a new widget key (the old one
 * is refused at once, so the site's script tag must change), or delete it with all its data after
 * typing its name. The server checks every one again (agents get 403).
 *
 * @fires app-changed - detail: { app } (renamed, or a new key)
 * @fires app-deleted - detail: { appId }
 */
export class AppOwnerActions extends LitElement {
  static override properties = { app: { attribute: false }, message: { state: true }, error: { state: true }, confirmText: { state: true } };
  declare app: PublicApp;
  declare message: string;
  declare error: string;
  declare confirmText: string;

  constructor() {
    super();
    this.message = '';
    this.error = '';
    this.confirmText = '';
  }

  static override styles = css`
    :host { display: block; margin-top: 12px; }
    details { border-top: 1px solid #e5e7eb; padding-top: 8px; }
    summary { cursor: pointer; font-weight: 600; font-size: 14px; }
    form { display: flex; flex-wrap: wrap; gap: 8px; align-items: flex-end; margin: 10px 0; }
    label { display: block; font-weight: 600; font-size: 13px; margin-bottom: 4px; }
    .field { flex: 1 1 220px; }
    input { width: 100%; box-sizing: border-box; padding: 7px 10px; font: inherit; font-size: 16px; border: 1px solid #d1d5db; border-radius: 8px; }
    button { padding: 8px 14px; font: inherit; font-weight: 600; color: #fff; background: #4f46e5; border: 0; border-radius: 8px; cursor: pointer; }
    button.danger { background: #b91c1c; }
    button:disabled { opacity: 0.5; cursor: default; }
    h3 { font-size: 14px; margin: 14px 0 0; }
    p { margin: 6px 0; font-size: 13px; color: #4b5563; }
    .ok { color: #065f46; }
    .error { color: #b91c1c; }
  `;

  override render() {
    const app = this.app;
    return html`<details>
      <summary>Manage this application</summary>
      <form @submit=${this.rename}>
        <div class="field">
          <label for="rename">Name</label>
          <input id="rename" name="name" required maxlength=${MAX_APP_NAME_CHARS} .value=${app.name} />
        </div>
        <button type="submit">Rename</button>
      </form>
      <h3>Widget key</h3>
      <p>A new key stops the current one at once: new visitors on a page still using it are refused until the script tag on your site has the new key.</p>
      <button type="button" @click=${this.rotate}>Rotate key</button>
      <h3>Delete</h3>
      <p>Deletes the application and everything recorded for it: sessions, replays, conversations. This cannot be undone.</p>
      <form @submit=${this.deleteApp}>
        <div class="field">
          <label for="confirm-delete">Type <b>${app.name}</b> to confirm</label>
          <input id="confirm-delete" autocomplete="off" .value=${this.confirmText} @input=${(e: InputEvent) => (this.confirmText = (e.target as HTMLInputElement).value)} />
        </div>
        <button type="submit" class="danger" ?disabled=${this.confirmText.trim() !== app.name}>Delete application</button>
      </form>
      ${this.message ? html`<p class="ok" role="status">${this.message}</p>` : nothing}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
    </details>`;
  }

  private run(action: () => Promise<void>) {
    return runAction(this, action);
  }


  private rename = (event: SubmitEvent) => {
    event.preventDefault();
    const name = String(new FormData(event.target as HTMLFormElement).get('name') ?? '');
    return this.run(async () => {
      const { app } = await api.renameApp(this.app.id, name);
      this.message = 'Renamed.';
      this.dispatchEvent(new CustomEvent('app-changed', { detail: { app }, bubbles: true, composed: true }));
    });
  };

  private rotate = () =>
    this.run(async () => {
      const { app } = await api.rotateKey(this.app.id);
      this.message = `New key ${app.publicKey}. The old key no longer works: update the script tag on your site now.`;
      this.dispatchEvent(new CustomEvent('app-changed', { detail: { app }, bubbles: true, composed: true }));
    });

  private deleteApp = (event: SubmitEvent) => {
    event.preventDefault();
    return this.run(async () => {
      await api.deleteApp(this.app.id, this.confirmText);
      this.dispatchEvent(new CustomEvent('app-deleted', { detail: { appId: this.app.id }, bubbles: true, composed: true }));
    });
  };
}
customElements.define('app-owner-actions', AppOwnerActions);
