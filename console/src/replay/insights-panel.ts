import { css, html, LitElement, nothing } from 'lit';
import type { SessionInsights, SessionSignal } from '../../../server/src/protocol/insights.js';
import { SIGNAL_COLOURS, SIGNAL_DESCRIPTIONS, SIGNAL_LABELS } from '../insights/signal-kinds.js';
import { splitTimestamps, SUMMARY_SOURCE_LABELS, type SummaryTimestamp } from '../insights/summary-text.js';
import { formatDuration } from './timeline-markers.js';

/**
 * The replay viewer's insights: the session's summary (each `[mm:ss]` in it jumps there), its signals
 * (each jumps to its moment), and buttons to analyse again or write a new summary.
 * Summaries and labels come from recordings and models: they are rendered as text, never markup.
 * @fires insight-seek - `detail: { ts }`, the absolute time (ms) to show.
 * @fires insights-recompute - `detail: { regenerateSummary }`.
 */
export class InsightsPanel extends LitElement {
  static override properties = {
    insights: { attribute: false },
    busy: {},
    error: {},
    live: { type: Boolean },
    startTs: { attribute: false },
  };
  declare insights: SessionInsights | undefined;
  declare busy: 'recompute' | 'regenerate' | null;
  declare error: string;
  /** The session is still under way: insights come when it ends. */
  declare live: boolean;
  /** Time of the recording's first event, when the insights do not tell it (no signal, no timeline). */
  declare startTs: number | undefined;

  constructor() {
    super();
    this.busy = null;
    this.error = '';
    this.live = false;
  }

  static override styles = css`
    :host { display: block; }
    h2 { font-size: 12px; text-transform: uppercase; letter-spacing: 0.06em; color: #9ca3af; margin: 16px 0 8px; }
    h2:first-child { margin-top: 4px; }
    p { margin: 0 0 6px; }
    .muted { color: #9ca3af; }
    .summary { background: #1f2937; border-radius: 8px; padding: 8px 10px; }
    .summary-head { display: flex; align-items: center; justify-content: space-between; gap: 8px; margin-bottom: 4px; }
    .source { font-size: 11px; font-weight: 700; letter-spacing: 0.05em; text-transform: uppercase; color: #a5b4fc; }
    .source[data-source='deterministic'] { color: #9ca3af; }
    .summary-text p { white-space: pre-wrap; overflow-wrap: anywhere; }
    button { font: inherit; cursor: pointer; }
    button.timestamp { all: unset; cursor: pointer; color: #93c5fd; text-decoration: underline; font-variant-numeric: tabular-nums; }
    button.timestamp:focus-visible, .signals button:focus-visible { outline: 2px solid #f59e0b; outline-offset: 1px; }
    button.action { font-size: 12px; padding: 3px 8px; border-radius: 6px; border: 1px solid #374151; background: transparent; color: #e5e7eb; }
    button.action:disabled { opacity: 0.6; cursor: progress; }
    .signals { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 4px; }
    .signals button { all: unset; box-sizing: border-box; width: 100%; cursor: pointer; display: grid; grid-template-columns: auto 1fr auto; gap: 8px; align-items: baseline; padding: 5px 8px; border-radius: 8px; background: #1f2937; }
    .signals button:hover { background: #273449; }
    .dot { width: 8px; height: 8px; border-radius: 50%; align-self: center; }
    .kind { font-weight: 600; }
    .label { display: block; color: #d1d5db; font-size: 13px; overflow-wrap: anywhere; }
    .at { font-size: 12px; color: #9ca3af; font-variant-numeric: tabular-nums; }
    [role='alert'] { color: #fca5a5; }
  `;

  override render() {
    return html`<section aria-labelledby="insights-title">
      <h2 id="insights-title">Insights</h2>
      ${this.renderBody()} ${this.error ? html`<p role="alert">${this.error}</p>` : nothing}
    </section>`;
  }

  private renderBody() {
    const insights = this.insights;
    if (this.live && (!insights || insights.status === 'none')) return html`<p class="muted">Signals and a summary come when the session ends.</p>`;
    if (!insights) return html`<p class="muted">Loading insights…</p>`;
    if (insights.status === 'pending') return html`<p class="muted" role="status">Analysing the session…</p>`;
    if (insights.status === 'none' || insights.status === 'failed') {
      return html`<p class="muted">${insights.status === 'failed' ? 'The analysis failed.' : 'Not analysed yet.'}</p>
        ${insights.note ? html`<p class="muted note">${insights.note}</p>` : nothing}
        <button type="button" class="action" ?disabled=${Boolean(this.busy)} @click=${() => this.recompute(false)}>
          ${this.busy ? 'Analysing…' : 'Analyse now'}
        </button>`;
    }
    // A recording read only in part says where it was cut (an AI summary may not).
    const note = insights.note ? html`<p class="muted note">${insights.note}</p>` : nothing;
    return html`${this.renderSummary(insights)} ${note} ${this.renderSignals(insights.signals)}`;
  }

  private renderSummary(insights: SessionInsights) {
    const summary = insights.summary;
    const regenerate = html`<button type="button" class="action" ?disabled=${Boolean(this.busy)} @click=${() => this.recompute(true)}>
      ${this.busy === 'regenerate' ? 'Regenerating…' : 'Regenerate summary'}
    </button>`;
    if (!summary) return html`<div class="summary"><div class="summary-head"><span class="muted">No summary yet.</span>${regenerate}</div></div>`;
    const start = this.recordingStart(insights);
    return html`<div class="summary" data-source=${summary.source}>
      <div class="summary-head">
        <span
          class="source"
          data-source=${summary.source}
          title=${summary.source === 'ai' ? 'Written by Claude from the session’s timeline' : 'Built from the session’s timeline, without AI'}
          >${SUMMARY_SOURCE_LABELS[summary.source]}</span
        >
        ${regenerate}
      </div>
      <div class="summary-text">
        ${summary.text
          .split(/\r?\n/)
          .filter((line) => line.trim())
          .map(
            (line) =>
              // One line, no template whitespace: the paragraph keeps the summary's own spacing (pre-wrap).
              html`<p>${splitTimestamps(line).map((part) => this.renderPart(part, start))}</p>`,
          )}
      </div>
    </div>`;
  }

  private renderPart(part: string | SummaryTimestamp, start: number | undefined) {
    if (typeof part === 'string') return part;
    if (start === undefined) return part.text;
    const jump = () => this.seek(start + part.offsetMs);
    return html`<button type="button" class="timestamp" title="Jump to ${formatDuration(part.offsetMs)}" @click=${jump}>${part.text}</button>`;
  }

  private renderSignals(signals: SessionSignal[]) {
    if (!signals.length) return html`<h2>Signals</h2><p class="muted">No frustration signals in this session.</p>`;
    const sorted = [...signals].sort((a, b) => a.ts - b.ts);
    return html`<h2>Signals (${signals.length})</h2>
      <ol class="signals" aria-label="Signals">
        ${sorted.map((signal) => {
          const kind = SIGNAL_LABELS[signal.type] ?? signal.type;
          return html`<li data-signal=${signal.type}>
            <button type="button" title=${`${SIGNAL_DESCRIPTIONS[signal.type] ?? kind} — jump to this moment`} @click=${() => this.seek(signal.ts)}>
              <span class="dot" style="background:${SIGNAL_COLOURS[signal.type]?.strong ?? '#9ca3af'}"></span>
              <span><span class="kind">${kind}</span><span class="label">${signal.label}</span></span>
              <time class="at">${formatDuration(signal.offsetMs)}</time>
            </button>
          </li>`;
        })}
      </ol>`;
  }

  /** The recording's first event time: what summary offsets count from. */
  private recordingStart(insights: SessionInsights): number | undefined {
    const known = insights.signals[0] ?? insights.timeline[0];
    return known ? known.ts - known.offsetMs : this.startTs;
  }

  private seek(ts: number) {
    this.dispatchEvent(new CustomEvent('insight-seek', { detail: { ts }, bubbles: true, composed: true }));
  }

  private recompute(regenerateSummary: boolean) {
    this.dispatchEvent(new CustomEvent('insights-recompute', { detail: { regenerateSummary }, bubbles: true, composed: true }));
  }
}
customElements.define('insights-panel', InsightsPanel);
