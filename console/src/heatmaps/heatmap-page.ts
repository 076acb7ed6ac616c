import { css, html, LitElement, type PropertyValues } from 'lit';
import type { Heatmap } from '../../../server/src/protocol/heatmaps.js';
import type { SnapshotFrame } from '../replay/snapshot-frame.js';
import { drawClicks, drawScroll } from './heatmap-canvas.js';
import { fetchSnapshotEvent } from './heatmaps-api.js';

export type HeatmapMode = 'clicks' | 'scroll';

/** Widest the page is shown, in CSS px (a narrower recording is shown at its own width). */
const MAX_DISPLAY_WIDTH_PX = 960;
/** Deepest part of a page shown, in the recording's px: the canvas stays a reasonable size. */
const MAX_SHOWN_DEPTH_PX = 6_000;
/** Width assumed for a page whose snapshot is gone. */
const BLANK_PAGE_WIDTH_PX = 1280;

/**
 * One heatmap drawn over its page: the stored full snapshot rebuilt still (replay/snapshot-frame.ts,
 * sandboxed) under a canvas of click density or of the share of views that reached each depth.
 * Without a stored snapshot the counts are drawn on a blank page, and it says so.
 */
export class HeatmapPage extends LitElement {
  static override properties = { appId: { attribute: 'app-id' }, heatmap: { attribute: false }, mode: {}, notice: { state: true } };
  declare appId: string;
  declare heatmap: Heatmap | undefined;
  declare mode: HeatmapMode;
  declare notice: string;
  private frame: SnapshotFrame | null = null;
  private scale = 1;
  private loading: AbortController | null = null;

  constructor() {
    super();
    this.appId = '';
    this.mode = 'clicks';
    this.notice = '';
  }

  static override styles = css`
    :host { display: block; }
    .page { position: relative; display: inline-block; border: 1px solid #e5e7eb; background: #fff; line-height: 0; }
    .page .rr-player { box-shadow: none; border-radius: 0; }
    /* A still page: the visitor's pointer is not where the counts are. */
    .page .replayer-mouse { display: none; }
    canvas { position: absolute; left: 0; top: 0; pointer-events: none; }
    .notice { color: #6b7280; font-size: 13px; margin: 0 0 8px; }
  `;

  override render() {
    return html`<link rel="stylesheet" href="/rrweb-player.css" />
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : ''}
      <div class="page"><div class="frame"></div><canvas data-mode=${this.mode} aria-label=${this.mode === 'clicks' ? 'Click heatmap' : 'Scroll heatmap'} role="img"></canvas></div>`;
  }

  override updated(changed: PropertyValues<this>) {
    if (changed.has('heatmap') || changed.has('appId')) void this.load();
    else if (changed.has('mode')) this.draw();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.loading?.abort();
    this.frame?.destroy();
    this.frame = null;
  }

  private async load() {
    this.loading?.abort();
    const loading = (this.loading = new AbortController());
    this.frame?.destroy();
    this.frame = null;
    const target = this.renderRoot.querySelector<HTMLElement>('.frame')!;
    target.replaceChildren();
    const heatmap = this.heatmap;
    if (!heatmap) return;
    const snapshot = heatmap.snapshot;
    const event = snapshot ? await fetchSnapshotEvent(this.appId, snapshot, loading.signal).catch(() => null) : null;
    if (loading.signal.aborted) return;
    let width = BLANK_PAGE_WIDTH_PX;
    let height = Math.max(...heatmap.cells.map(([, row]) => (row + 4) * heatmap.rowPx), heatmap.reached.length * heatmap.bandPx, 600);
    if (snapshot && event) {
      width = snapshot.width;
      this.notice = '';
      const displayWidth = Math.min(MAX_DISPLAY_WIDTH_PX, snapshot.width);
      // The player loads with the page that needs it (as the replay's does): in the console's first bundle it
      // slowed every first load, and its early start left the replay unable to show a visitor's first hover.
      const { showSnapshot } = await import('../replay/snapshot-frame.js');
      const frame = await showSnapshot(target, [event], { appId: this.appId, href: snapshot.href, width: snapshot.width, height: snapshot.height, displayWidth, maxHeight: MAX_SHOWN_DEPTH_PX });
      if (loading.signal.aborted) return frame.destroy();
      this.frame = frame;
      height = frame.documentHeight;
    } else {
      this.notice = snapshot ? 'The recording this page was shown from is no longer stored: the counts are drawn on a blank page.' : 'No stored snapshot of this page: the counts are drawn on a blank page.';
    }
    this.scale = Math.min(MAX_DISPLAY_WIDTH_PX, width) / width;
    const canvas = this.renderRoot.querySelector('canvas')!;
    canvas.width = Math.round(width * this.scale);
    canvas.height = Math.round(Math.min(height, MAX_SHOWN_DEPTH_PX) * this.scale);
    if (!this.frame) Object.assign(target.style, { width: `${canvas.width}px`, height: `${canvas.height}px` });
    this.draw();
  }

  private draw() {
    const canvas = this.renderRoot.querySelector('canvas');
    if (!canvas || !this.heatmap) return;
    if (this.mode === 'clicks') drawClicks(canvas, this.heatmap, this.scale);
    else drawScroll(canvas, this.heatmap, this.scale);
    canvas.dataset.drawn = this.mode;
    this.dispatchEvent(new CustomEvent('heatmap-drawn', { detail: { mode: this.mode } }));
  }
}

customElements.define('heatmap-page', HeatmapPage);
