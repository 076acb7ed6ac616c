import { css, html, LitElement, nothing } from 'lit';
import { MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS } from '../../../server/src/protocol/limits.js';
import type { PublicUser } from '../../../server/src/protocol/events.js';
import { api, ApiError } from '../api-client.js';

/** The signed-in user's own account (issue 18): change the password; every other sign-in ends. */
export class AccountView extends LitElement {
  static override properties = { user: { attribute: false }, message: { state: true }, error: { state: true }, busy: { state: true } };
  declare user: PublicUser | undefined;
  declare message: string;
  declare error: string;
  declare busy: boolean;

  constructor() {
    super();
    this.message = '';
    this.error = '';
    this.busy = false;
  }

  static override styles = css`
    :host { display: block; max-width: 560px; margin: 0 auto; padding: 24px; }
    .card { background: #fff; border-radius: 12px; box-shadow: 0 1px 4px rgb(0 0 0 / 0.08); padding: 20px; }
    h1 { font-size: 22px; margin: 0 0 12px; }
    h2 { font-size: 18px; margin: 0 0 4px; }
    label { display: block; font-weight: 600; font-size: 14px; margin: 12px 0 4px; }
    input { width: 100%; box-sizing: border-box; padding: 8px 10px; font: inherit; font-size: 16px; border: 1px solid #d1d5db; border-radius: 8px; }
    button { margin-top: 14px; padding: 8px 14px; font: inherit; font-weight: 600; color: #fff; background: #4f46e5; border: 0; border-radius: 8px; cursor: pointer; }
    .hint { color: #6b7280; font-size: 13px; margin: 4px 0 0; }
    .ok { color: #065f46; }
    .error { color: #b91c1c; }
    @media (max-width: 640px) { :host { padding: 12px; } }
  `;

  override render() {
    return html`<h1>Account</h1>
      <form class="card" @submit=${this.submit}>
        <h2>Change password</h2>
        <p class="hint">Signed in as ${this.user?.email ?? ''}. Changing your password signs you out everywhere else.</p>
        <label for="current">Current password</label>
        <input id="current" name="current" type="password" autocomplete="current-password" required maxlength=${MAX_PASSWORD_CHARS} />
        <label for="new">New password</label>
        <input id="new" name="new" type="password" autocomplete="new-password" required minlength=${MIN_PASSWORD_CHARS} maxlength=${MAX_PASSWORD_CHARS} />
        <p class="hint">At least ${MIN_PASSWORD_CHARS} characters.</p>
        <button type="submit" ?disabled=${this.busy}>Change password</button>
        ${this.message ? html`<p class="ok" role="status">${this.message}</p>` : nothing}
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      </form>`;
  }

  private async submit(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    this.busy = true;
    this.message = '';
    this.error = '';
    try {
      const { endedSignIns } = await api.changePassword(String(data.get('current') ?? ''), String(data.get('new') ?? ''));
      form.reset();
      this.message = `Password changed.${endedSignIns ? ` ${endedSignIns} other ${endedSignIns === 1 ? 'sign-in was' : 'sign-ins were'} ended.` : ''}`;
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : 'Could not change the password.';
    } finally {
      this.busy = false;
    }
  }
}
customElements.define('account-view', AccountView);
