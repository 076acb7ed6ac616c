import { css, html, LitElement } from 'lit';
import type { WebhookDeliveryView } from '../../../server/src/protocol/webhooks.js';

const STATUS_LABELS: Record<WebhookDeliveryView['status'], string> = { pending: 'Retrying', delivered: 'Delivered', failed: 'Failed', cancelled: 'Not sent' };
const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '–');

/** One endpoint's delivery log, newest first: event, status, attempts, last response code, time. */
export class WebhookDeliveryLog extends LitElement {
  static override properties = { deliveries: { attribute: false } };
  declare deliveries: WebhookDeliveryView[];

  constructor() {
    super();
    this.deliveries = [];
  }

  static override styles = css`
    :host { display: block; overflow-x: auto; }
    table { width: 100%; border-collapse: collapse; font-size: 13px; }
    th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #e5e7eb; white-space: nowrap; }
    td.response { white-space: normal; color: #4b5563; min-width: 180px; max-width: 280px; overflow-wrap: anywhere; }
    [data-status='failed'] { color: #b91c1c; font-weight: 600; }
    [data-status='pending'] { color: #92400e; }
    [data-status='delivered'] { color: #047857; }
    p { color: #6b7280; font-size: 13px; margin: 8px 0; }
  `;

  override render() {
    if (this.deliveries.length === 0) return html`<p>No deliveries yet.</p>`;
    return html`<table aria-label="Delivery log">
      <thead>
        <tr><th>Event</th><th>Status</th><th>Attempts</th><th>Last response code</th><th>Time</th><th>Next attempt</th><th>Response</th></tr>
      </thead>
      <tbody>
        ${this.deliveries.map(
          (d) => html`<tr data-delivery=${d.id}>
            <td>${d.event}</td>
            <td data-status=${d.status}>${STATUS_LABELS[d.status]}</td>
            <td>${d.attempts}</td>
            <td>${d.lastStatusCode ?? '–'}</td>
            <td>${when(d.lastAttemptAt ?? d.createdAt)}</td>
            <td>${when(d.nextAttemptAt)}</td>
            <td class="response">${d.lastResponse}</td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }
}
customElements.define('webhook-delivery-log', WebhookDeliveryLog);
