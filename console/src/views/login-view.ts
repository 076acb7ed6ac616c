import { css, html, LitElement } from 'lit';
import { api, ApiError } from '../api-client.js';

/**
 * Sign-in form.
 * @fires signed-in - detail: { user }
 */
export class LoginView extends LitElement {
  static override properties = { error: { state: true }, busy: { state: true }, notice: { attribute: false } };
  declare error: string;
  declare busy: boolean;
  /** Why the console is signed out, when it was not the person's choice ("You were signed out."). */
  declare notice: string;

  constructor() {
    super();
    this.error = '';
    this.busy = false;
    this.notice = '';
  }

  static override styles = css`
    :host { display: grid; place-items: center; min-height: 100vh; }
    form { background: #fff; padding: 32px; border-radius: 12px; box-shadow: 0 2px 12px rgb(0 0 0 / 0.08); width: 340px; }
    h1 { margin: 0 0 20px; font-size: 22px; }
    label { display: block; margin: 14px 0 4px; font-weight: 600; font-size: 14px; }
    input { width: 100%; box-sizing: border-box; padding: 9px 10px; font: inherit; font-size: 16px; border: 1px solid #d1d5db; border-radius: 8px; }
    button { margin-top: 20px; width: 100%; padding: 10px; font: inherit; font-weight: 600; color: #fff; background: #4f46e5; border: 0; border-radius: 8px; cursor: pointer; }
    button[disabled] { opacity: 0.6; }
    .error { color: #b91c1c; margin: 14px 0 0; font-size: 14px; }
    .notice { color: #92400e; background: #fef3c7; border-radius: 8px; padding: 10px 12px; margin: 0 0 8px; font-size: 14px; }
  `;

  override render() {
    return html`<form @submit=${this.submit} novalidate>
      <h1>Sign in to Chatreel</h1>
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : ''}
      <label for="email">Email</label>
      <input id="email" name="email" type="email" autocomplete="username" required />
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required />
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      <button type="submit" ?disabled=${this.busy}>${this.busy ? 'Signing in…' : 'Sign in'}</button>
    </form>`;
  }

  private async submit(event: SubmitEvent) {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    this.busy = true;
    this.error = '';
    try {
      const { user } = await api.login(String(form.get('email') ?? ''), String(form.get('password') ?? ''));
      this.dispatchEvent(new CustomEvent('signed-in', { detail: { user }, bubbles: true, composed: true }));
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : 'Sign-in failed.';
    } finally {
      this.busy = false;
    }
  }
}
customElements.define('login-view', LoginView);
