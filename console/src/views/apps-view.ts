import { css, html, LitElement } from 'lit';
import type { PublicApp, PublicUser } from '../../../server/src/protocol/events.js';
import { api, ApiError } from '../api-client.js';
import './app-owner-actions.js';

/** The user's applications, each with its embed snippet; owners can create one. */
export class AppsView extends LitElement {
  static override properties = {
    user: { attribute: false },
    apps: { state: true },
    error: { state: true },
  };
  declare user: PublicUser | undefined;
  declare apps: PublicApp[] | undefined;
  declare error: string;

  constructor() {
    super();
    this.apps = undefined;
    this.error = '';
  }

  static override styles = css`
    :host { display: block; max-width: 900px; margin: 0 auto; padding: 24px; }
    @media (max-width: 640px) { :host { padding: 12px; } .card { padding: 14px; } }
    .card { background: #fff; border-radius: 12px; box-shadow: 0 1px 4px rgb(0 0 0 / 0.08); padding: 20px; margin-bottom: 16px; }
    h2 { margin: 0 0 4px; font-size: 18px; }
    .meta { color: #6b7280; font-size: 13px; }
    pre { background: #111827; color: #e5e7eb; padding: 12px; border-radius: 8px; overflow-x: auto; font-size: 13px; }
    label { display: block; font-weight: 600; font-size: 14px; margin: 10px 0 4px; }
    input { width: 100%; box-sizing: border-box; padding: 8px 10px; font: inherit; border: 1px solid #d1d5db; border-radius: 8px; }
    button { margin-top: 12px; padding: 8px 14px; font: inherit; font-weight: 600; color: #fff; background: #4f46e5; border: 0; border-radius: 8px; cursor: pointer; }
    .error { color: #b91c1c; }
  `;

  override connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  private async load() {
    try {
      this.apps = (await api.listApps()).apps;
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : 'Could not load applications.';
    }
  }

  override render() {
    return html`
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      ${this.apps === undefined
        ? html`<p>Loading…</p>`
        : this.apps.length === 0
          ? html`<p>No applications yet.</p>`
          : this.apps.map((app) => this.renderApp(app))}
      ${this.user?.role === 'owner' ? this.renderCreate() : ''}
    `;
  }

  private renderApp(app: PublicApp) {
    const snippet = `<script type="module" src="${location.origin}/widget.js" data-key="${app.publicKey}"></script>`;
    const origins = app.demo ? 'this Chatreel server (demo)' : app.allowedOrigins.join(', ') || 'none yet: add the sites that may embed it';
    return html`<section class="card" data-app-id=${app.id}>
      <h2>${app.name}</h2>
      <div class="meta">Key <code>${app.publicKey}</code> · Allowed origins: ${origins}</div>
      <p>Add this line to every page of your site, before <code>&lt;/body&gt;</code>:</p>
      <pre>${snippet}</pre>
      ${app.demo ? html`<a href="/demo/" target="_blank" rel="noopener">Open the demo site</a>` : ''}
      ${this.user?.role === 'owner'
        ? html`<app-owner-actions
            .app=${app}
            @app-changed=${(e: CustomEvent<{ app: PublicApp }>) => (this.apps = this.apps?.map((a) => (a.id === e.detail.app.id ? e.detail.app : a)))}
            @app-deleted=${(e: CustomEvent<{ appId: string }>) => (this.apps = this.apps?.filter((a) => a.id !== e.detail.appId))}
          ></app-owner-actions>`
        : ''}
    </section>`;
  }

  private renderCreate() {
    return html`<form class="card" @submit=${this.create}>
      <h2>New application</h2>
      <label for="app-name">Name</label>
      <input id="app-name" name="name" required maxlength="80" />
      <label for="app-origins">Allowed origins (comma separated)</label>
      <input id="app-origins" name="origins" placeholder="https://www.example.com, https://*.example.com" />
      <button type="submit">Create application</button>
    </form>`;
  }

  private async create(event: SubmitEvent) {
    event.preventDefault();
    const formElement = event.target as HTMLFormElement;
    const form = new FormData(formElement);
    const origins = String(form.get('origins') ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean);
    try {
      const { app } = await api.createApp(String(form.get('name') ?? ''), origins);
      this.apps = [...(this.apps ?? []), app];
      this.error = '';
      formElement.reset();
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : 'Could not create the application.';
    }
  }
}
customElements.define('apps-view', AppsView);
