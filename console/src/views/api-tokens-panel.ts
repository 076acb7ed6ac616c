import { css, html, LitElement, nothing } from 'lit';
import type { PublicApp } from '../../../server/src/protocol/events.js';
import { MAX_API_TOKEN_NAME_CHARS } from '../../../server/src/protocol/limits.js';
import type { ApiTokenSummary } from '../../../server/src/protocol/rest-api.js';
import { ApiError, request } from '../api-client.js';
import { runAction } from './run-action.js';

const tokensPath = (appId: string) => `/apps/${encodeURIComponent(appId)}/api-tokens`;
const SCOPE_LABELS: Record<ApiTokenSummary['scope'], string> = { read: 'Read only', write: 'Read and write' };
const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : 'Never');

/**
 * An application's API tokens (issue 22), for its owners: create one (its secret is shown here once,
 * then never again: the server keeps only its hash), see each one's name, scope, creation and last use,
 * and revoke one (refused by the API at once). The server checks every action again.
 */
export class ApiTokensPanel extends LitElement {
  static override properties = {
    app: { attribute: false },
    tokens: { state: true },
    secret: { state: true },
    error: { state: true },
    message: { state: true },
  };
  declare app: PublicApp;
  declare tokens: ApiTokenSummary[] | undefined;
  /** The token just created: in memory of this element only, gone on the next action or page. */
  declare secret: { name: string; value: string } | null;
  declare error: string;
  declare message: string;

  constructor() {
    super();
    this.secret = null;
    this.error = '';
    this.message = '';
  }

  static override styles = css`
    :host { display: block; background: #fff; border-radius: 12px; box-shadow: 0 1px 4px rgb(0 0 0 / 0.08); padding: 16px 20px; margin: 0 0 16px; }
    h2 { font-size: 16px; margin: 0 0 8px; }
    p { margin: 6px 0; font-size: 13px; color: #4b5563; }
    form { display: flex; flex-wrap: wrap; gap: 8px; align-items: flex-end; margin: 10px 0; }
    label { display: block; font-weight: 600; font-size: 13px; margin-bottom: 4px; }
    .field { flex: 1 1 200px; }
    input, select { width: 100%; box-sizing: border-box; padding: 7px 10px; font: inherit; border: 1px solid #d1d5db; border-radius: 8px; }
    button { padding: 8px 14px; font: inherit; font-weight: 600; border-radius: 8px; cursor: pointer; border: 1px solid #d1d5db; background: #fff; }
    button.primary { color: #fff; background: #4f46e5; border-color: #4f46e5; }
    .secret { background: #fffbeb; border: 1px solid #f59e0b; border-radius: 8px; padding: 10px 12px; margin: 10px 0; }
    code { display: block; font-size: 13px; word-break: break-all; background: #111827; color: #e5e7eb; padding: 8px; border-radius: 6px; margin: 6px 0; }
    table { width: 100%; border-collapse: collapse; font-size: 13px; margin-top: 8px; }
    th, td { text-align: left; padding: 6px 4px; border-bottom: 1px solid #e5e7eb; }
    .ok { color: #065f46; }
    .error { color: #b91c1c; }
  `;

  override willUpdate(changed: Map<string, unknown>) {
    if (changed.has('app') && this.app?.id !== (changed.get('app') as PublicApp | undefined)?.id) {
      this.secret = null;
      void this.load();
    }
  }

  private async load() {
    const appId = this.app.id;
    this.tokens = undefined;
    try {
      const { tokens } = await request<{ tokens: ApiTokenSummary[] }>('GET', tokensPath(appId));
      if (this.app.id === appId) this.tokens = tokens;
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : 'The tokens could not be loaded.';
    }
  }

  override render() {
    return html`<h2>API tokens</h2>
      <p>For integrations with the REST API (<a href="/api/openapi.json" target="_blank" rel="noopener">OpenAPI document</a>): send a token as <b>Authorization: Bearer …</b>. A token reads this application only; a read-and-write one can also erase visitors.</p>
      <form @submit=${this.create}>
        <div class="field">
          <label for="token-name">Token name</label>
          <input id="token-name" name="name" required maxlength=${MAX_API_TOKEN_NAME_CHARS} placeholder="CRM sync" />
        </div>
        <div class="field">
          <label for="token-scope">Access</label>
          <select id="token-scope" name="scope">
            <option value="read">${SCOPE_LABELS.read}</option>
            <option value="write">${SCOPE_LABELS.write}</option>
          </select>
        </div>
        <button class="primary" type="submit">Create token</button>
      </form>
      ${this.secret
        ? html`<div class="secret" role="region" aria-label="New API token">
            <p><b>${this.secret.name}</b>: copy this token now. It is shown only once.</p>
            <code data-testid="new-token">${this.secret.value}</code>
            <button type="button" @click=${() => void navigator.clipboard?.writeText(this.secret?.value ?? '')}>Copy token</button>
            <button type="button" @click=${() => (this.secret = null)}>Done</button>
          </div>`
        : nothing}
      ${this.renderList()}
      ${this.message ? html`<p class="ok" role="status">${this.message}</p>` : nothing}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}`;
  }

  private renderList() {
    if (!this.tokens) return html`<p>Loading tokens…</p>`;
    if (this.tokens.length === 0) return html`<p>No API tokens yet.</p>`;
    return html`<table aria-label="API tokens">
      <thead><tr><th>Name</th><th>Access</th><th>Token</th><th>Created</th><th>Last used</th><th></th></tr></thead>
      <tbody>
        ${this.tokens.map(
          (token) => html`<tr>
            <td>${token.name}</td>
            <td>${SCOPE_LABELS[token.scope]}</td>
            <td>${token.prefix}…</td>
            <td>${when(token.createdAt)}</td>
            <td>${when(token.lastUsedAt)}</td>
            <td><button type="button" aria-label=${`Revoke ${token.name}`} @click=${() => this.revoke(token)}>Revoke</button></td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  private run(action: () => Promise<void>) {
    return runAction(this, action);
  }


  private create = (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    return this.run(async () => {
      const created = await request<{ token: ApiTokenSummary; secret: string }>('POST', tokensPath(this.app.id), { name: String(data.get('name') ?? ''), scope: String(data.get('scope') ?? 'read') });
      this.secret = { name: created.token.name, value: created.secret };
      form.reset();
      await this.load();
    });
  };

  private revoke = (token: ApiTokenSummary) =>
    this.run(async () => {
      await request<{ ok: true }>('DELETE', `${tokensPath(this.app.id)}/${encodeURIComponent(token.id)}`);
      this.secret = null;
      this.message = `Revoked ${token.name}: requests bearing it are refused from now on.`;
      await this.load();
    });
}
customElements.define('api-tokens-panel', ApiTokensPanel);
