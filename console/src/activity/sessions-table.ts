import { css, html, LitElement, nothing } from 'lit';
import type { SessionRow } from '../../../server/src/protocol/activity.js';
import { countLabel, durationLabel, exactTime, landingLabel, relativeTime, replayHref, visitorLabel } from './format.js';
import { activityStyles } from './shared-styles.js';
import { rowInsights, rowInsightsStyles } from '../insights/summary-line.js';
import '../views/rating-label.js';

/**
 * The Sessions page's table. A row with replay data opens the fullscreen replay; a row without it
 * says so and does nothing when clicked.
 */
export class SessionsTable extends LitElement {
  static override properties = { rows: { attribute: false }, appId: {}, now: { attribute: false }, loading: { type: Boolean } };
  declare rows: SessionRow[];
  /** The first page is on its way (an empty list means "wait", not "none"). */
  declare loading: boolean;
  declare appId: string;
  /** The clock relative times are written against (re-set by the view every few seconds). */
  declare now: number;

  constructor() {
    super();
    this.rows = [];
    this.appId = '';
    this.now = Date.now();
    this.loading = false;
  }

  static override styles = [
    activityStyles,
    rowInsightsStyles,
    css`
      /* A narrow screen scrolls the table inside its box, not the page. */
      :host { display: block; overflow-x: auto; }
      table { width: 100%; border-collapse: collapse; font-size: 14px; }
      th { text-align: left; font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); font-weight: 600; padding: 10px 12px; border-bottom: 1px solid var(--line); }
      td { padding: 12px; border-bottom: 1px solid var(--line); vertical-align: middle; }
      th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; }
      tr.replayable { cursor: pointer; }
      tr.replayable:hover td { background: #f9fafb; }
      .url { max-width: 340px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; display: block; }
      a.url { color: var(--accent); text-decoration: none; font-weight: 600; }
      a.url:hover { text-decoration: underline; }
      span.url { font-weight: 600; color: #374151; }
      time { white-space: nowrap; }
      .empty { padding: 32px; text-align: center; color: var(--muted); }
      td.landing { max-width: 420px; }
      td.landing .summary-text { max-width: 380px; }
    `,
  ];

  override render() {
    if (!this.rows.length) return html`<p class="empty">${this.loading ? 'Loading sessions…' : 'No sessions match.'}</p>`;
    return html`<table>
      <thead>
        <tr>
          <th scope="col">Landing URL</th>
          <th scope="col">When</th>
          <th scope="col" class="num">Events</th>
          <th scope="col" class="num">Duration</th>
          <th scope="col" class="num">Pages</th>
          <th scope="col">Visitor</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        ${this.rows.map((row) => this.renderRow(row))}
      </tbody>
    </table>`;
  }

  private renderRow(row: SessionRow) {
    const href = row.hasReplay ? replayHref(this.appId, row.id) : null;
    const open = href ? () => (location.hash = href) : undefined;
    return html`<tr
      data-session-id=${row.id}
      class=${href ? 'replayable' : 'no-replay-row'}
      aria-disabled=${href ? nothing : 'true'}
      @click=${open ?? nothing}
    >
      <td class="landing">
        ${href
          ? html`<a class="url" href=${href} title=${row.landingUrl} @click=${(e: Event) => e.stopPropagation()}>${landingLabel(row.landingUrl)}</a>`
          : html`<span class="url" title=${row.landingUrl}>${landingLabel(row.landingUrl)}</span>
              <span class="no-replay">No replay data</span>`}
        ${rowInsights(row)}
        ${row.rating ? html`<rating-label .rating=${row.rating}></rating-label>` : nothing}
      </td>
      <td><time datetime=${row.startedAt} title=${exactTime(row.startedAt)}>${relativeTime(row.startedAt, this.now)}</time></td>
      <td class="num" data-col="events">${countLabel(row.eventCount)}</td>
      <td class="num">${durationLabel(row.startedAt, row.status === 'active' ? null : (row.endedAt ?? row.lastActivityAt), this.now)}</td>
      <td class="num">${row.pageCount}</td>
      <td><span title=${row.visitorId}>${visitorLabel(row.visitorId, row.visitorName)}</span></td>
      <td><span class="badge ${row.status}" data-status=${row.status}>${row.status === 'active' ? 'Active' : 'Completed'}</span></td>
    </tr>`;
  }
}
customElements.define('sessions-table', SessionsTable);
