import { css, html, LitElement } from 'lit';
import type { ActivityCounters, SessionRow, SessionStatusFilter } from '../../../server/src/protocol/activity.js';
import type { PublicApp, PublicUser } from '../../../server/src/protocol/events.js';
import type { SignalType } from '../../../server/src/protocol/insights.js';
import { ApiError } from '../api-client.js';
import { activityApi } from '../activity/activity-api.js';
import { appendPage, applySession, mergeHead } from '../activity/live-merge.js';
import { ActivityLiveController } from '../live/activity-live.js';
import '../activity/app-picker.js';
import '../activity/filter-tabs.js';
import '../activity/session-counters.js';
import '../activity/sessions-table.js';
import '../insights/signal-filter.js';

const STATUS_FILTERS: Array<{ value: SessionStatusFilter; label: string }> = [
  { value: 'all', label: 'All' },
  { value: 'active', label: 'Active' },
  { value: 'completed', label: 'Completed' },
];
const PAGE_SIZE = 25;
/** A refetch after a live event reloads at most this many rows from the top. */
const MAX_REFETCH_ROWS = 200;
const SEARCH_DEBOUNCE_MS = 300;
const CLOCK_TICK_MS = 15_000;

/** Every recorded session of the selected application, live. */
export class SessionsView extends LitElement {
  static override properties = {
    user: { attribute: false },
    app: { state: true },
    status: { state: true },
    q: { state: true },
    signal: { state: true },
    rows: { state: true },
    nextCursor: { state: true },
    counters: { state: true },
    loading: { state: true },
    pending: { state: true },
    error: { state: true },
    now: { state: true },
  };
  declare user: PublicUser | undefined;
  declare app: PublicApp | undefined;
  declare status: SessionStatusFilter;
  declare q: string;
  /** Only sessions with this kind of signal ('' for any). */
  declare signal: SignalType | '';
  declare rows: SessionRow[];
  declare nextCursor: string | null;
  declare counters: ActivityCounters | undefined;
  declare loading: boolean;
  /** A reload of the first page is in flight. */
  declare pending: boolean;
  declare error: string;
  declare now: number;
  private request = 0;
  /** Numbers counter and chart requests: an older answer arriving late never overwrites a newer one. */
  private statsRequest = 0;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  private clock: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.status = 'all';
    this.q = '';
    this.signal = '';
    this.rows = [];
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
        const accepts = (row: SessionRow) =>
          (this.status === 'all' || row.status === this.status) && !this.q && (!this.signal || (row.signals ?? []).includes(this.signal));
        this.rows = applySession(this.rows, session, (row) => row, accepts);
      },
    );
  }

  static override styles = css`
    :host { display: block; max-width: 1200px; margin: 0 auto; padding: 24px; }
    @media (max-width: 640px) { :host { padding: 12px; } }
    .head { display: flex; align-items: center; justify-content: space-between; gap: 16px; margin-bottom: 16px; }
    h1 { margin: 0; font-size: 22px; }
    session-counters { margin-bottom: 16px; }
    .toolbar { display: flex; align-items: center; justify-content: space-between; gap: 12px; margin-bottom: 12px; flex-wrap: wrap; }
    .toolbar .filters { display: flex; align-items: center; gap: 12px; flex-wrap: wrap; }
    input[type='search'] { font: inherit; padding: 8px 12px; border: 1px solid #d1d5db; border-radius: 8px; min-width: 280px; }
    .card { background: #fff; border-radius: 12px; box-shadow: 0 1px 4px rgb(0 0 0 / 0.08); padding: 4px 8px 8px; }
    .more { display: flex; justify-content: center; padding: 12px; }
    button.more-button { font: inherit; padding: 8px 16px; border: 1px solid #d1d5db; border-radius: 8px; background: #fff; cursor: pointer; }
    .error { color: #b91c1c; }
  `;

  override connectedCallback() {
    super.connectedCallback();
    this.clock = setInterval(() => (this.now = Date.now()), CLOCK_TICK_MS);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.clock);
    clearTimeout(this.searchTimer);
  }

  override render() {
    return html`<div class="head">
        <h1>Sessions</h1>
        <app-picker @app-change=${(e: CustomEvent<{ app: PublicApp }>) => this.selectApp(e.detail.app)}></app-picker>
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      <session-counters .counters=${this.counters}></session-counters>
      <div class="toolbar">
        <div class="filters">
          <filter-tabs label="Session status" .options=${STATUS_FILTERS} value=${this.status} @filter-change=${this.onStatus}></filter-tabs>
          <signal-filter value=${this.signal} @signal-change=${this.onSignal}></signal-filter>
        </div>
        <input type="search" aria-label="Search by URL or visitor" placeholder="Search by URL or visitor" .value=${this.q} @input=${this.onSearch} />
      </div>
      <div class="card">
        ${this.app ? html`<sessions-table .rows=${this.rows} appId=${this.app.id} .now=${this.now} ?loading=${this.pending}></sessions-table>` : ''}
        ${this.nextCursor
          ? html`<div class="more"><button type="button" class="more-button" ?disabled=${this.loading} @click=${this.loadMore}>${this.loading ? 'Loading…' : 'Load more'}</button></div>`
          : ''}
      </div>`;
  }

  private selectApp(app: PublicApp) {
    this.app = app;
    this.rows = [];
    this.nextCursor = null;
    void this.refresh(true);
  }

  private onStatus(event: CustomEvent<{ value: SessionStatusFilter }>) {
    this.status = event.detail.value;
    void this.refresh(true);
  }

  private onSignal(event: CustomEvent<{ value: SignalType | '' }>) {
    this.signal = event.detail.value;
    void this.refresh(true);
  }

  private onSearch(event: InputEvent) {
    const value = (event.target as HTMLInputElement).value;
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => {
      this.q = value.trim();
      void this.refresh(true);
    }, SEARCH_DEBOUNCE_MS);
  }

  /** Reloads the counters and the top of the list; `reset` drops what was loaded (new filter or app). */
  private async refresh(reset = false) {
    const app = this.app;
    if (!app) return;
    const request = ++this.request;
    if (reset) this.pending = true;
    const limit = reset ? PAGE_SIZE : Math.min(MAX_REFETCH_ROWS, Math.max(PAGE_SIZE, this.rows.length));
    try {
      const head = await activityApi.sessions(app.id, { status: this.status, q: this.q, signal: this.signal, limit });
      if (request !== this.request) return; // a newer request owns the page
      const merged = reset ? head : mergeHead(head, this.rows, this.nextCursor);
      this.rows = merged.items;
      this.nextCursor = merged.nextCursor;
      this.now = Date.now();
      this.error = '';
    } catch (error) {
      if (request === this.request) this.error = error instanceof ApiError ? error.message : 'Could not load sessions.';
    } finally {
      if (request === this.request) this.pending = false;
    }
    // The counters come after the list, so the rows a person is watching never wait behind them.
    const stats = ++this.statsRequest;
    const current = () => stats === this.statsRequest && app === this.app;
    activityApi
      .counters(app.id)
      .then(({ counters }) => current() && (this.counters = counters))
      .catch(() => undefined);
  }

  private async loadMore() {
    const app = this.app;
    if (!app || !this.nextCursor || this.loading) return;
    this.loading = true;
    const request = this.request;
    try {
      const next = await activityApi.sessions(app.id, { status: this.status, q: this.q, signal: this.signal, cursor: this.nextCursor, limit: PAGE_SIZE });
      if (request !== this.request) return;
      const merged = appendPage(this.rows, next);
      this.rows = merged.items;
      this.nextCursor = merged.nextCursor;
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : 'Could not load more sessions.';
    } finally {
      this.loading = false;
    }
  }
}
customElements.define('sessions-view', SessionsView);
