import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import type { FeedItem, PromptRow, SessionRow } from '../../../server/src/protocol/activity.js';
import { countLabel, durationLabel, exactTime, landingLabel, relativeTime, replayHref, visitorLabel } from './format.js';
import { activityStyles } from './shared-styles.js';
import { rowInsights, rowInsightsStyles } from '../insights/summary-line.js';
import { isStrugglingNow } from '../../../server/src/protocol/struggle.js';
import '../views/rating-label.js';

const ANSWER_LABEL: Record<PromptRow['answeredBy'], string> = { ai: 'Answered by AI', agent: 'Answered by an agent', waiting: 'Waiting for an answer' };

/**
 * The Activity tab's feed: visitors' prompts and sessions, newest first. Scrolling to the end asks
 * for more (a "Show more" button does the same from the keyboard).
 * @fires load-more - when the end of the list comes into view and `hasMore` is set.
 */
export class ActivityFeed extends LitElement {
  static override properties = {
    items: { attribute: false },
    appId: {},
    hasMore: { type: Boolean },
    loading: { type: Boolean },
    now: { attribute: false },
  };
  declare items: FeedItem[];
  declare appId: string;
  declare hasMore: boolean;
  declare loading: boolean;
  declare now: number;
  private observer: IntersectionObserver | undefined;

  constructor() {
    super();
    this.items = [];
    this.appId = '';
    this.hasMore = false;
    this.loading = false;
    this.now = Date.now();
  }

  static override styles = [
    activityStyles,
    rowInsightsStyles,
    css`
      :host { display: block; }
      ol { list-style: none; margin: 0; padding: 0; }
      li { display: grid; grid-template-columns: 36px 1fr auto; gap: 12px; align-items: start; padding: 14px 4px; border-bottom: 1px solid var(--line); }
      .icon { width: 32px; height: 32px; border-radius: 50%; display: grid; place-items: center; font-size: 15px; }
      .prompt .icon { background: #eef2ff; color: var(--accent); }
      .session .icon { background: #ecfdf5; color: #047857; }
      .text { margin: 0 0 4px; font-size: 15px; line-height: 1.4; white-space: pre-wrap; overflow-wrap: anywhere; display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical; overflow: hidden; }
      li > div { min-width: 0; }
      .title { margin: 0 0 4px; font-size: 15px; font-weight: 600; }
      .meta { font-size: 13px; color: var(--muted); display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: center; }
      .title a { color: var(--accent); text-decoration: none; }
      .title a:hover, .meta a:hover { text-decoration: underline; }
      .meta a { color: var(--accent); text-decoration: none; }
      .side { display: flex; flex-direction: column; align-items: flex-end; gap: 6px; }
      time { font-size: 13px; color: var(--muted); white-space: nowrap; }
      .end { padding: 16px; text-align: center; color: var(--muted); font-size: 13px; }
      .badge.struggling { color: #fff; background: #ea580c; }
      button.more { font: inherit; border: 1px solid var(--line); background: #fff; border-radius: 8px; padding: 6px 14px; cursor: pointer; color: #374151; }
      /* Phones: the time and status go under the item instead of beside it. */
      @media (max-width: 640px) {
        li { grid-template-columns: 32px minmax(0, 1fr); gap: 8px; }
        .side { grid-column: 2; flex-direction: row; flex-wrap: wrap; align-items: center; }
      }
    `,
  ];

  override render() {
    if (!this.items.length && !this.loading) return html`<p class="end">Nothing yet. Prompts and sessions appear here as visitors arrive.</p>`;
    return html`<ol>
        ${this.items.map((item) => (item.kind === 'prompt' ? this.renderPrompt(item) : this.renderSession(item)))}
      </ol>
      <div class="end" id="sentinel">
        ${this.loading
          ? 'Loading…'
          : this.hasMore
            ? html`<button type="button" class="more" @click=${this.requestMore}>Show more</button>`
            : this.items.length
              ? 'That is everything.'
              : ''}
      </div>`;
  }

  override firstUpdated() {
    this.observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) this.requestMore();
    });
    this.observeSentinel();
  }

  override updated(changed: PropertyValues<this>) {
    if (changed.has('items') || changed.has('hasMore')) this.observeSentinel();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.observer?.disconnect();
  }

  private observeSentinel() {
    const sentinel = this.renderRoot.querySelector('#sentinel');
    this.observer?.disconnect();
    if (sentinel) this.observer?.observe(sentinel);
  }

  private requestMore = () => {
    if (!this.hasMore || this.loading) return;
    this.dispatchEvent(new CustomEvent('load-more', { bubbles: true, composed: true }));
  };

  private when(iso: string) {
    return html`<time datetime=${iso} title=${exactTime(iso)}>${relativeTime(iso, this.now)}</time>`;
  }

  private sessionLink(sessionId: string, landingUrl: string, hasReplay: boolean) {
    const label = landingLabel(landingUrl);
    return hasReplay
      ? html`<a href=${replayHref(this.appId, sessionId)} title=${landingUrl}>${label}</a>`
      : html`<span title=${landingUrl}>${label}</span> <span class="no-replay">no replay data</span>`;
  }

  private renderPrompt(item: { kind: 'prompt' } & PromptRow) {
    return html`<li class="prompt" data-kind="prompt" data-id=${item.id}>
      <span class="icon" aria-hidden="true">❝</span>
      <div>
        <p class="text">${item.text}</p>
        <div class="meta">
          <span>${visitorLabel(item.visitorId)}</span>
          ${item.session ? html`<span>in ${this.sessionLink(item.sessionId, item.session.landingUrl, item.session.hasReplay)}</span>` : nothing}
        </div>
      </div>
      <div class="side">
        ${this.when(item.createdAt)}
        <span class="badge ${item.answeredBy}" data-answered=${item.answeredBy}>${ANSWER_LABEL[item.answeredBy]}</span>
      </div>
    </li>`;
  }

  private renderSession(item: { kind: 'session' } & SessionRow) {
    const end = item.status === 'active' ? null : (item.endedAt ?? item.lastActivityAt);
    return html`<li class="session" data-kind="session" data-id=${item.id}>
      <span class="icon" aria-hidden="true">▶</span>
      <div>
        <p class="title">Session on ${this.sessionLink(item.id, item.landingUrl, item.hasReplay)}</p>
        <div class="meta">
          <span>${visitorLabel(item.visitorId, item.visitorName)}</span>
          <span>${countLabel(item.eventCount)} events</span>
          <span>${durationLabel(item.startedAt, end, this.now)}</span>
          <span>${item.pageCount} ${item.pageCount === 1 ? 'page' : 'pages'}</span>
        </div>
        ${rowInsights(item)}
        ${item.rating ? html`<rating-label .rating=${item.rating}></rating-label>` : nothing}
      </div>
      <div class="side">
        ${this.when(item.startedAt)}
        <span class="badge ${item.status}" data-status=${item.status}>${item.status === 'active' ? 'Active' : 'Completed'}</span>
        ${isStrugglingNow(item, this.now) ? html`<span class="badge struggling" title=${item.struggle!.label}>Struggling now</span>` : nothing}
      </div>
    </li>`;
  }
}
customElements.define('activity-feed', ActivityFeed);
