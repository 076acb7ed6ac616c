import { css, html, LitElement } from 'lit';
import { WEBHOOK_EVENTS, type WebhookDeliveryView, type WebhookEndpointView, type WebhookEventType } from '../../../server/src/protocol/webhooks.js';
import { ApiError } from '../api-client.js';
import { webhooksApi } from './webhooks-api.js';
import './webhook-delivery-log.js';

const failure = (error: unknown, fallback: string) => (error instanceof ApiError ? error.message : fallback);

/**
 * Settings → Webhooks (issue 22, part 2), for owners: an application's endpoints, each with its events,
 * its state (disabled after repeated failures, with a button to enable it again), secret rotation and
 * its delivery log. A signing secret is shown once, right after it was made.
 */
export class WebhookEndpoints extends LitElement {
  static override properties = {
    appId: { attribute: false },
    endpoints: { state: true },
    logs: { state: true },
    secret: { state: true },
    error: { state: true },
  };
  declare appId: string;
  declare endpoints: WebhookEndpointView[];
  /** Open delivery logs, by endpoint id. */
  declare logs: Record<string, WebhookDeliveryView[]>;
  /** The secret just made, and for which endpoint: shown this once. */
  declare secret: { endpointId: string; value: string } | null;
  declare error: string;

  constructor() {
    super();
    this.endpoints = [];
    this.logs = {};
    this.secret = null;
    this.error = '';
  }

  static override styles = css`
    :host { display: block; background: #fff; border-radius: 12px; box-shadow: 0 1px 4px rgb(0 0 0 / 0.08); padding: 16px 20px; margin: 0 0 16px; }
    h2 { font-size: 16px; margin: 0 0 8px; }
    form { display: grid; gap: 8px; margin: 8px 0 16px; }
    label { font-size: 14px; font-weight: 600; }
    label.inline { display: inline-flex; align-items: center; gap: 6px; font-weight: 500; margin-right: 12px; }
    input[type='url'] { width: 100%; box-sizing: border-box; padding: 8px 10px; font: inherit; border: 1px solid #d1d5db; border-radius: 8px; }
    button { font: inherit; font-weight: 600; padding: 6px 12px; border-radius: 8px; cursor: pointer; border: 1px solid #d1d5db; background: #fff; }
    button.primary { color: #fff; background: #4f46e5; border-color: #4f46e5; justify-self: start; }
    ul { list-style: none; margin: 0; padding: 0; }
    li.endpoint { border-top: 1px solid #e5e7eb; padding: 12px 0; }
    .url { font-weight: 600; overflow-wrap: anywhere; }
    .meta { color: #4b5563; font-size: 13px; margin: 4px 0; }
    .state { display: inline-block; font-size: 12px; font-weight: 700; padding: 2px 8px; border-radius: 999px; background: #ecfdf5; color: #065f46; }
    .state[data-enabled='false'] { background: #fef2f2; color: #b91c1c; }
    .buttons { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0; }
    .secret { background: #fffbeb; border-radius: 8px; padding: 8px 12px; font-size: 13px; }
    code { font-size: 13px; overflow-wrap: anywhere; }
    .hint { color: #6b7280; font-size: 13px; margin: 4px 0; }
    .error { color: #b91c1c; }
  `;

  override willUpdate(changed: Map<string, unknown>) {
    if (changed.has('appId') && this.appId) void this.load();
  }

  private async load() {
    const appId = this.appId;
    try {
      const { endpoints } = await webhooksApi.list(appId);
      if (appId === this.appId) (this.endpoints = endpoints), (this.logs = {}), (this.secret = null), (this.error = '');
    } catch (error) {
      this.error = failure(error, 'Could not load the webhook endpoints.');
    }
  }

  override render() {
    return html`<h2>Webhooks</h2>
      <p class="hint">Chatreel POSTs these events to your endpoints, signed with the endpoint's secret (see README, "Webhooks").</p>
      <form @submit=${this.add} aria-label="Add an endpoint">
        <label for="webhook-url">Endpoint URL</label>
        <input id="webhook-url" name="url" type="url" required placeholder="https://example.com/chatreel-hooks" />
        <div>
          ${WEBHOOK_EVENTS.map((event) => html`<label class="inline"><input type="checkbox" name="events" value=${event} checked /> ${event}</label>`)}
        </div>
        <label class="inline"><input type="checkbox" name="allowPrivateAddresses" /> Allow private addresses (an endpoint on your own network)</label>
        <button class="primary" type="submit">Add endpoint</button>
      </form>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      <ul>
        ${this.endpoints.map((endpoint) => this.renderEndpoint(endpoint))}
      </ul>`;
  }

  private renderEndpoint(endpoint: WebhookEndpointView) {
    const log = this.logs[endpoint.id];
    return html`<li class="endpoint" data-endpoint=${endpoint.id}>
      <div class="url">${endpoint.url}</div>
      <div class="meta">
        <span class="state" data-enabled=${String(endpoint.enabled)}>${endpoint.enabled ? 'Enabled' : 'Disabled'}</span>
        ${endpoint.events.join(', ')}${endpoint.consecutiveFailures > 0 ? ` · ${endpoint.consecutiveFailures} failed in a row` : ''}
      </div>
      ${!endpoint.enabled && endpoint.disabledReason ? html`<p class="meta error">${endpoint.disabledReason}</p>` : ''}
      ${this.secret?.endpointId === endpoint.id
        ? html`<p class="secret" role="status">Signing secret — copy it now, it is not shown again: <code>${this.secret.value}</code></p>`
        : ''}
      <div class="buttons">
        ${endpoint.enabled
          ? html`<button type="button" @click=${() => this.setEnabled(endpoint, { enabled: false })}>Disable</button>`
          : html`<button type="button" @click=${() => this.setEnabled(endpoint, { enabled: true })}>Re-enable</button>`}
        <button type="button" @click=${() => this.rotate(endpoint)}>Rotate secret</button>
        <button type="button" aria-expanded=${String(Boolean(log))} @click=${() => this.toggleLog(endpoint)}>Delivery log</button>
        ${log ? html`<button type="button" @click=${() => this.openLog(endpoint)}>Refresh log</button>` : ''}
        <button type="button" @click=${() => this.deleteEndpoint(endpoint)}>Delete</button>
      </div>
      ${log ? html`<webhook-delivery-log .deliveries=${log}></webhook-delivery-log>` : ''}
    </li>`;
  }

  private replace(endpoint: WebhookEndpointView) {
    this.endpoints = this.endpoints.map((e) => (e.id === endpoint.id ? endpoint : e));
  }

  private async add(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const events = data.getAll('events').map(String) as WebhookEventType[];
    try {
      const created = await webhooksApi.create(this.appId, { url: String(data.get('url') ?? ''), events, allowPrivateAddresses: data.has('allowPrivateAddresses') });
      this.endpoints = [...this.endpoints, created.endpoint];
      this.secret = { endpointId: created.endpoint.id, value: created.secret };
      this.error = '';
      form.reset();
    } catch (error) {
      this.error = failure(error, 'Could not add the endpoint.');
    }
  }

  private async setEnabled(endpoint: WebhookEndpointView, patch: { enabled: boolean }) {
    try {
      this.replace((await webhooksApi.update(this.appId, endpoint.id, patch)).endpoint);
      this.error = '';
    } catch (error) {
      this.error = failure(error, 'Could not change the endpoint.');
    }
  }

  private async rotate(endpoint: WebhookEndpointView) {
    try {
      const rotated = await webhooksApi.rotateSecret(this.appId, endpoint.id);
      this.replace(rotated.endpoint);
      this.secret = { endpointId: endpoint.id, value: rotated.secret };
    } catch (error) {
      this.error = failure(error, 'Could not rotate the secret.');
    }
  }

  private async deleteEndpoint(endpoint: WebhookEndpointView) {
    try {
      await webhooksApi.remove(this.appId, endpoint.id);
      this.endpoints = this.endpoints.filter((e) => e.id !== endpoint.id);
    } catch (error) {
      this.error = failure(error, 'Could not delete the endpoint.');
    }
  }

  private toggleLog(endpoint: WebhookEndpointView) {
    if (!this.logs[endpoint.id]) return void this.openLog(endpoint);
    const { [endpoint.id]: _closed, ...open } = this.logs;
    this.logs = open;
  }

  /** The endpoint's log, and its state with it (failures in a row, disabled by the server meanwhile). */
  private async openLog(endpoint: WebhookEndpointView) {
    try {
      const [{ deliveries }, { endpoints }] = await Promise.all([webhooksApi.deliveries(this.appId, endpoint.id), webhooksApi.list(this.appId)]);
      this.logs = { ...this.logs, [endpoint.id]: deliveries };
      const fresh = endpoints.find((e) => e.id === endpoint.id);
      if (fresh) this.replace(fresh);
    } catch (error) {
      this.error = failure(error, 'Could not load the delivery log.');
    }
  }
}
customElements.define('webhook-endpoints', WebhookEndpoints);
