import { html, LitElement, nothing } from 'lit';
import { CONSOLE_LEVELS, isFailedRequest, type ConsoleEntry, type ConsoleLevel, type NetworkEntry } from '../../../server/src/protocol/devtools-entries.js';
import { MAX_DEVTOOLS_ROWS } from '../../../server/src/protocol/limits.js';
import type { DevtoolsLog } from './devtools-log.js';
import { devtoolsStyles } from './devtools-styles.js';
import { formatDuration } from './timeline-markers.js';

export type DevtoolsTab = 'console' | 'network';
type Row = ConsoleEntry | NetworkEntry;

const LEVEL_NAMES: Record<ConsoleLevel, string> = { error: 'Errors', warn: 'Warnings', info: 'Info', log: 'Logs', debug: 'Debug' };

const kilobytes = (bytes: number | null) => (bytes === null ? '' : bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} kB`);

/** `/api/coupon?code=*` of a recorded URL (the whole URL is in the row's title). */
function shortUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}

/** Index of the last row at or before `ts` in a list in time order; -1 before the first. */
function lastAtOrBefore(rows: Row[], ts: number): number {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (rows[middle].ts <= ts) low = middle + 1;
    else high = middle;
  }
  return low - 1;
}

/**
 * The replay's devtools (issue 21): the page's console messages or network requests, as recorded, in
 * the side column beside the conversation (the replay view's tabs choose which). Filter by level or
 * to failed requests; a row seeks the player to its moment; the row at the
 * playhead is marked current (and kept in view) without rendering the list again. Recorded text is
 * rendered through Lit text bindings only: it is never markup.
 *
 * @fires devtools-seek - a row was chosen (`detail.ts`: the moment to show)
 */
export class DevtoolsPanel extends LitElement {
  static override properties = {
    log: { attribute: false },
    version: { attribute: false },
    startTs: { attribute: false },
    live: { type: Boolean },
    tab: {},
    level: { state: true },
    failedOnly: { state: true },
  };
  static override styles = devtoolsStyles;
  declare log: DevtoolsLog | undefined;
  /** The log's version: a new one renders the rows again. */
  declare version: number;
  /** The recording's first moment: rows show their time from it. */
  declare startTs: number | undefined;
  /** A live session: rows do not seek, the newest is current. */
  declare live: boolean;
  /** Which list: the console's messages or the network's requests. */
  declare tab: DevtoolsTab;
  declare level: ConsoleLevel | 'all';
  declare failedOnly: boolean;
  private shown: Row[] = [];
  private current = -1;
  private playhead = 0;

  constructor() {
    super();
    this.version = 0;
    this.live = false;
    this.tab = 'console';
    this.level = 'all';
    this.failedOnly = false;
  }

  /** The moment the player shows: marks the row at it current, with no render of the list. */
  set playheadTs(ts: number) {
    this.playhead = ts;
    this.markCurrent();
  }

  get playheadTs(): number {
    return this.playhead;
  }

  private rows(): Row[] {
    const log = this.log;
    if (!log) return [];
    if (this.tab === 'network') return this.failedOnly ? log.network.filter(isFailedRequest) : log.network;
    return this.level === 'all' ? log.console : log.console.filter((entry) => entry.level === this.level);
  }

  override render() {
    const log = this.log;
    this.shown = this.rows();
    const dropped = this.tab === 'network' ? (log?.droppedNetwork ?? 0) : (log?.droppedConsole ?? 0);
    return html`<header>
        ${this.tab === 'console'
          ? html`<label>Level
              <select @change=${(event: Event) => (this.level = (event.target as HTMLSelectElement).value as ConsoleLevel | 'all')}>
                <option value="all" ?selected=${this.level === 'all'}>All levels</option>
                ${[...CONSOLE_LEVELS].reverse().map((level) => html`<option value=${level} ?selected=${this.level === level}>${LEVEL_NAMES[level]}</option>`)}
              </select></label
            >`
          : html`<label
              ><input type="checkbox" .checked=${this.failedOnly} @change=${(event: Event) => (this.failedOnly = (event.target as HTMLInputElement).checked)} />
              Failed only</label
            >`}
      </header>
      <div class="rows">
        ${this.shown.length === 0
          ? html`<p class="empty">${this.emptyText()}</p>`
          : html`<ol aria-label=${this.tab === 'network' ? 'Requests' : 'Console messages'}>
              ${this.shown.map((row, index) => (this.tab === 'network' ? this.renderRequest(row as NetworkEntry, index) : this.renderMessage(row as ConsoleEntry, index)))}
            </ol>`}
        ${dropped > 0 ? html`<p class="empty">${dropped.toLocaleString('en')} more not shown (the first ${MAX_DEVTOOLS_ROWS.toLocaleString('en')} are).</p>` : nothing}
      </div>`;
  }

  override updated() {
    this.current = -1;
    this.markCurrent();
  }

  private emptyText(): string {
    const recorded = this.tab === 'network' ? this.log?.network.length : this.log?.console.length;
    if (recorded) return 'Nothing matches this filter.';
    return this.tab === 'network'
      ? 'No requests recorded. Network capture may be off for this application (Settings → Recording and privacy).'
      : 'No console messages recorded. Console capture may be off for this application (Settings → Recording and privacy).';
  }

  private time(ts: number) {
    return html`<time datetime=${new Date(ts).toISOString()}>${this.startTs === undefined ? new Date(ts).toLocaleTimeString() : formatDuration(ts - this.startTs)}</time>`;
  }

  private renderMessage(entry: ConsoleEntry, index: number) {
    return html`<li data-index=${index} data-level=${entry.level}>
      <button type="button" ?disabled=${this.live} title=${entry.stack || (this.live ? '' : 'Show this moment')} @click=${() => this.seek(entry.ts)}>
        ${this.time(entry.ts)}<span class="level">${entry.level}</span><span class="text">${entry.text}</span>
      </button>
    </li>`;
  }

  private renderRequest(entry: NetworkEntry, index: number) {
    const failed = isFailedRequest(entry);
    const status = entry.status > 0 ? String(entry.status) : (entry.error ?? 'failed');
    return html`<li data-index=${index} data-failed=${String(failed)}>
      <button type="button" ?disabled=${this.live} title=${entry.url} @click=${() => this.seek(entry.ts)}>
        ${this.time(entry.ts)}<span class="method">${entry.method}</span><span class="url">${shortUrl(entry.url)}</span><span class="status">${status}</span>
        <span class="meta"><span class="duration">${entry.durationMs === null ? '' : `${entry.durationMs} ms`}</span> <span class="size">${kilobytes(entry.sizeBytes)}</span></span>
      </button>
    </li>`;
  }

  private seek(ts: number) {
    this.dispatchEvent(new CustomEvent('devtools-seek', { detail: { ts }, bubbles: true, composed: true }));
  }

  private markCurrent() {
    const index = this.live ? this.shown.length - 1 : lastAtOrBefore(this.shown, this.playhead);
    if (index === this.current || !this.hasUpdated) return;
    this.current = index;
    this.renderRoot.querySelector('li[aria-current]')?.removeAttribute('aria-current');
    const row = this.renderRoot.querySelector(`li[data-index="${index}"]`);
    row?.setAttribute('aria-current', 'true');
    row?.scrollIntoView({ block: 'nearest' });
  }
}
customElements.define('devtools-panel', DevtoolsPanel);
