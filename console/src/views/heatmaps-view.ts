import { css, html, LitElement } from 'lit';
import type { PublicApp, PublicUser } from '../../../server/src/protocol/events.js';
import type { Heatmap, WidthFilter } from '../../../server/src/protocol/heatmaps.js';
import { activityStyles } from '../activity/shared-styles.js';
import { ApiError } from '../api-client.js';
import { fetchHeatmap } from '../heatmaps/heatmaps-api.js';
import type { HeatmapMode } from '../heatmaps/heatmap-page.js';
import '../activity/app-picker.js';
import '../heatmaps/heatmap-page.js';

const DAY_MS = 24 * 60 * 60_000;
const DEFAULT_RANGE_DAYS = 30;
const WIDTHS: Array<{ value: WidthFilter; label: string }> = [
  { value: 'all', label: 'All devices' },
  { value: 'mobile', label: 'Mobile (< 768 px)' },
  { value: 'tablet', label: 'Tablet (768–1023 px)' },
  { value: 'desktop', label: 'Desktop (≥ 1024 px)' },
];
const day = (at: number) => new Date(at).toISOString().slice(0, 10);

/**
 * Heatmaps (issue 22, part 4): pick a page (`/pricing`, or `/docs/*` for every page under /docs/),
 * days and a device width; see where visitors clicked, or how far down they scrolled, over the page
 * as it was recorded.
 */
export class HeatmapsView extends LitElement {
  static override properties = {
    user: { attribute: false },
    app: { state: true },
    path: { state: true },
    from: { state: true },
    to: { state: true },
    width: { state: true },
    mode: { state: true },
    heatmap: { state: true },
    loading: { state: true },
    error: { state: true },
  };
  declare user: PublicUser | undefined;
  declare app: PublicApp | undefined;
  declare path: string;
  declare from: string;
  declare to: string;
  declare width: WidthFilter;
  declare mode: HeatmapMode;
  declare heatmap: Heatmap | undefined;
  declare loading: boolean;
  declare error: string;
  private request = 0;

  constructor() {
    super();
    this.path = '/*';
    this.to = day(Date.now());
    this.from = day(Date.now() - (DEFAULT_RANGE_DAYS - 1) * DAY_MS);
    this.width = 'all';
    this.mode = 'clicks';
    this.loading = false;
    this.error = '';
  }

  static override styles = [
    activityStyles,
    css`
      :host { display: block; }
      .head { display: flex; align-items: center; justify-content: space-between; gap: 12px; flex-wrap: wrap; margin-bottom: 12px; }
      h1 { font-size: 22px; margin: 0; }
      form { display: flex; flex-wrap: wrap; align-items: end; gap: 12px; margin-bottom: 12px; }
      label { display: flex; flex-direction: column; gap: 4px; font-size: 13px; color: var(--muted); }
      input, select, button { font: inherit; padding: 6px 10px; border: 1px solid #d1d5db; border-radius: 8px; background: #fff; color: #111827; }
      input[name='path'] { width: 220px; }
      button[type='submit'] { background: var(--accent); border-color: var(--accent); color: #fff; cursor: pointer; }
      .modes { display: inline-flex; gap: 4px; }
      .modes button[aria-pressed='true'] { background: #eef2ff; border-color: var(--accent); color: var(--accent); font-weight: 600; }
      .stats { display: flex; gap: 16px; align-items: center; margin: 0 0 10px; font-size: 14px; }
      .error { color: #b91c1c; }
    `,
  ];

  override render() {
    return html`<div class="head">
        <h1>Heatmaps</h1>
        <app-picker @app-change=${(e: CustomEvent<{ app: PublicApp }>) => this.selectApp(e.detail.app)}></app-picker>
      </div>
      <form class="card" @submit=${this.onSubmit}>
        <label>Page <input name="path" .value=${this.path} placeholder="/pricing or /docs/*" required @input=${(e: Event) => (this.path = (e.target as HTMLInputElement).value)} /></label>
        <label>From <input name="from" type="date" .value=${this.from} required @input=${(e: Event) => (this.from = (e.target as HTMLInputElement).value)} /></label>
        <label>To <input name="to" type="date" .value=${this.to} required @input=${(e: Event) => (this.to = (e.target as HTMLInputElement).value)} /></label>
        <label
          >Device
          <select name="width" @change=${(e: Event) => (this.width = (e.target as HTMLSelectElement).value as WidthFilter)}>
            ${WIDTHS.map((option) => html`<option value=${option.value} ?selected=${option.value === this.width}>${option.label}</option>`)}
          </select>
        </label>
        <button type="submit" ?disabled=${!this.app || this.loading}>Show heatmap</button>
      </form>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''} ${this.heatmap ? this.renderHeatmap(this.heatmap) : ''}`;
  }

  private renderHeatmap(heatmap: Heatmap) {
    const mode = (value: HeatmapMode, label: string) => html`<button type="button" aria-pressed=${this.mode === value} @click=${() => (this.mode = value)}>${label}</button>`;
    return html`<div class="stats">
        <span class="modes">${mode('clicks', 'Clicks')}${mode('scroll', 'Scroll depth')}</span>
        <span data-stat="views"><strong>${heatmap.views.toLocaleString('en')}</strong> views</span>
        <span data-stat="clicks"><strong>${heatmap.clicks.toLocaleString('en')}</strong> clicks</span>
        ${heatmap.snapshot ? html`<span class="muted mono">${heatmap.snapshot.href}</span>` : ''}
      </div>
      <heatmap-page app-id=${this.app?.id ?? ''} .heatmap=${heatmap} mode=${this.mode}></heatmap-page>`;
  }

  private selectApp(app: PublicApp) {
    this.app = app;
    this.heatmap = undefined;
  }

  private async onSubmit(event: Event) {
    event.preventDefault();
    if (!this.app) return;
    const request = ++this.request;
    this.loading = true;
    this.error = '';
    try {
      const heatmap = await fetchHeatmap(this.app.id, { path: this.path.trim(), from: this.from, to: this.to, width: this.width });
      if (request === this.request) this.heatmap = heatmap;
    } catch (error) {
      if (request === this.request) this.error = error instanceof ApiError ? error.message : 'The heatmap could not be loaded.';
    } finally {
      if (request === this.request) this.loading = false;
    }
  }
}

customElements.define('heatmaps-view', HeatmapsView);
