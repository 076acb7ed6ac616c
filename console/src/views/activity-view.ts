import { css, html, LitElement } from 'lit';
import type { ActivityCounters, ChartBuckets, ChartRange, FeedFilter, FeedItem, SessionRow } from '../../../server/src/protocol/activity.js';
import type { PublicApp, PublicUser } from '../../../server/src/protocol/events.js';
import type { SignalType } from '../../../server/src/protocol/insights.js';
import { ApiError } from '../api-client.js';
import { activityApi } from '../activity/activity-api.js';
import { appendPage, applyPrompt, applySession, mergeHead } from '../activity/live-merge.js';
import { ActivityLiveController } from '../live/activity-live.js';
import '../activity/activity-chart.js';
import '../activity/activity-feed.js';
import '../activity/app-picker.js';
import '../activity/filter-tabs.js';
import '../activity/session-counters.js';
import '../insights/signal-filter.js';
import '../live/struggling-now.js';

const FEED_FILTERS: Array<{ value: FeedFilter; label: string }> = [
  { value: 'all', label: 'All' },
  { value: 'prompts', label: 'Prompts' },
  { value: 'sessions', label: 'Sessions' },
];
const PAGE_SIZE = 30;
const MAX_REFETCH_ROWS = 200;
const CLOCK_TICK_MS = 15_000;

/** The widget's Activity tab: counters, the session-activity chart and the live feed. */
export class ActivityView extends LitElement {
  static override properties = {
    user: { attribute: false },
    app: { state: true },
    filter: { state: true },
    signal: { state: true },
    range: { state: true },
    items: { state: true },
    nextCursor: { state: true },
    counters: { state: true },
    chart: { state: true },
    loading: { state: true },
    pending: { state: true },
    error: { state: true },
    now: { state: true },
  };
  declare user: PublicUser | undefined;
  declare app: PublicApp | undefined;
  declare filter: FeedFilter;
  /** Only sessions with this kind of signal, and prompts from such sessions ('' for any). */
  declare signal: SignalType | '';
  declare range: ChartRange;
  declare items: FeedItem[];
  declare nextCursor: string | null;
  declare counters: ActivityCounters | undefined;
  declare chart: ChartBuckets | undefined;
  declare loading: boolean;
  /** A reload of the first page is in flight. */
  declare pending: boolean;
  declare error: string;
  declare now: number;
  private request = 0;
  /** Numbers counter and chart requests: an older answer arriving late never overwrites a newer one. */
  private statsRequest = 0;
  private clock: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.filter = 'all';
    this.signal = '';
    this.range = '24h';
    this.items = [];
    this.nextCursor = null;
    this.loading = false;
    this.pending = false;
    this.error = '';
    this.now = Date.now();
    new ActivityLiveController(
      this,
      () => this.app?.id,
      () => void this.refresh(),
      (session) => {
        const wrap = (row: SessionRow): FeedItem => ({ kind: 'session', ...row });
        this.items = applySession(this.items, session, wrap, (row) => this.filter !== 'prompts' && (!this.signal || (row.signals ?? []).includes(this.signal)));
      },
      (prompt) => {
        // A live session has no signals yet: with a signal filter, its prompts do not belong here.
        if (this.filter !== 'sessions' && !this.signal) this.items = applyPrompt(this.items, prompt);
      },
    );
  }

  static override styles = css`
    :host { display: block; max-width: 1200px; margin: 0 auto; padding: 24px; }
    .head { display: flex; align-items: center; justify-content: space-between; gap: 16px; margin-bottom: 16px; }
    h1 { margin: 0; font-size: 22px; }
    h2 { margin: 0; font-size: 16px; }
    session-counters { margin-bottom: 16px; }
    .card { background: #fff; border-radius: 12px; box-shadow: 0 1px 4px rgb(0 0 0 / 0.08); padding: 16px 20px; margin-bottom: 16px; }
    .feed-head { display: flex; align-items: center; justify-content: space-between; gap: 12px; margin-bottom: 4px; flex-wrap: wrap; }
    .feed-head .filters { display: flex; align-items: center; gap: 12px; flex-wrap: wrap; }
    .error { color: #b91c1c; }
    @media (max-width: 640px) { :host { padding: 12px; } .card { padding: 12px; } }
  `;

  override connectedCallback() {
    super.connectedCallback();
    this.clock = setInterval(() => (this.now = Date.now()), CLOCK_TICK_MS);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.clock);
  }

  override render() {
    return html`<div class="head">
        <h1>Activity</h1>
        <app-picker @app-change=${(e: CustomEvent<{ app: PublicApp }>) => this.selectApp(e.detail.app)}></app-picker>
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      <struggling-now app-id=${this.app?.id ?? ''}></struggling-now>
      <session-counters .counters=${this.counters}></session-counters>
      <section class="card">
        <activity-chart .chart=${this.chart} range=${this.range} @range-change=${this.onRange}></activity-chart>
      </section>
      <section class="card">
        <div class="feed-head">
          <h2>Feed</h2>
          <div class="filters">
            <signal-filter value=${this.signal} @signal-change=${this.onSignal}></signal-filter>
            <filter-tabs label="Feed filter" .options=${FEED_FILTERS} value=${this.filter} @filter-change=${this.onFilter}></filter-tabs>
          </div>
        </div>
        <activity-feed
          .items=${this.items}
          appId=${this.app?.id ?? ''}
          ?hasMore=${Boolean(this.nextCursor)}
          ?loading=${this.loading || this.pending}
          .now=${this.now}
          @load-more=${this.loadMore}
        ></activity-feed>
      </section>`;
  }

  private selectApp(app: PublicApp) {
    this.app = app;
    this.items = [];
    this.nextCursor = null;
    void this.refresh(true);
  }

  private onFilter(event: CustomEvent<{ value: FeedFilter }>) {
    this.filter = event.detail.value;
    void this.refresh(true);
  }

  private onSignal(event: CustomEvent<{ value: SignalType | '' }>) {
    this.signal = event.detail.value;
    void this.refresh(true);
  }

  private async onRange(event: CustomEvent<{ value: ChartRange }>) {
    this.range = event.detail.value;
    const app = this.app;
    if (!app) return;
    const { chart } = await activityApi.chart(app.id, this.range);
    if (chart.range === this.range) this.chart = chart;
  }

  /** Reloads counters, chart and the top of the feed; `reset` drops what was loaded. */
  private async refresh(reset = false) {
    const app = this.app;
    if (!app) return;
    const request = ++this.request;
    if (reset) this.pending = true;
    const limit = reset ? PAGE_SIZE : Math.min(MAX_REFETCH_ROWS, Math.max(PAGE_SIZE, this.items.length));
    try {
      const head = await activityApi.feed(app.id, { filter: this.filter, signal: this.signal, limit });
      if (request !== this.request) return;
      const merged = reset ? head : mergeHead(head, this.items, this.nextCursor);
      this.items = merged.items;
      this.nextCursor = merged.nextCursor;
      this.now = Date.now();
      this.error = '';
    } catch (error) {
      if (request === this.request) this.error = error instanceof ApiError ? error.message : 'Could not load activity.';
    } finally {
      if (request === this.request) this.pending = false;
    }
    // Counters and chart come after the feed, so the list a person is watching never waits behind them.
    const stats = ++this.statsRequest;
    const current = () => stats === this.statsRequest && app === this.app;
    activityApi
      .counters(app.id)
      .then(({ counters }) => current() && (this.counters = counters))
      .catch(() => undefined);
    activityApi
      .chart(app.id, this.range)
      .then(({ chart }) => current() && chart.range === this.range && (this.chart = chart))
      .catch(() => undefined);
  }

  private async loadMore() {
    const app = this.app;
    if (!app || !this.nextCursor || this.loading) return;
    this.loading = true;
    const request = this.request;
    try {
      const next = await activityApi.feed(app.id, { filter: this.filter, signal: this.signal, cursor: this.nextCursor, limit: PAGE_SIZE });
      if (request !== this.request) return;
      const merged = appendPage(this.items, next);
      this.items = merged.items;
      this.nextCursor = merged.nextCursor;
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : 'Could not load more activity.';
    } finally {
      this.loading = false;
    }
  }
}
customElements.define('activity-view', ActivityView);
