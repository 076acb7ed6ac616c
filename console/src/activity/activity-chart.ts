import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { css, html, LitElement, type PropertyValues } from 'lit';
import type { ChartBuckets, ChartRange } from '../../../server/src/protocol/activity.js';
import './filter-tabs.js';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip, Legend);

const RANGES: Array<{ value: ChartRange; label: string }> = [
  { value: '24h', label: '24 h' },
  { value: '7d', label: '7 days' },
  { value: '30d', label: '30 days' },
];

const hourLabel = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', hour12: false });
const dayLabel = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** `2026-11-22T21` → `22:00` in the viewer's time; `2026-11-22` → `Nov 22`. */
export function bucketLabel(key: string, unit: ChartBuckets['unit']): string {
  return unit === 'hour' ? hourLabel.format(new Date(`${key}:00:00Z`)) : dayLabel.format(new Date(`${key}T00:00:00Z`));
}

/**
 * Sessions (bars) and prompts (line) per hour or day, with a range picker. The numbers are also in
 * a table for screen readers.
 * @fires range-change - `detail: { value }` when another range is picked.
 */
export class ActivityChart extends LitElement {
  static override properties = { chart: { attribute: false }, range: {} };
  declare chart: ChartBuckets | undefined;
  declare range: ChartRange;
  /** The chart.js instance (tests read its data). */
  chartInstance: Chart | undefined;

  constructor() {
    super();
    this.range = '24h';
  }

  static override styles = css`
    :host { display: block; }
    header { display: flex; align-items: center; justify-content: space-between; gap: 12px; margin-bottom: 8px; }
    h2 { margin: 0; font-size: 16px; }
    .canvas { position: relative; height: 220px; }
    .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  `;

  override render() {
    const chart = this.chart;
    return html`<header>
        <h2>Session activity</h2>
        <filter-tabs label="Chart range" .options=${RANGES} value=${this.range} @filter-change=${this.onRange}></filter-tabs>
      </header>
      <div class="canvas"><canvas role="img" aria-label="Sessions and prompts over time"></canvas></div>
      ${chart
        ? html`<table class="sr-only">
            <caption>Sessions and prompts per ${chart.unit}</caption>
            <tr><th>Bucket</th><th>Sessions</th><th>Prompts</th></tr>
            ${chart.keys.map((key, i) => html`<tr data-key=${key}><td>${bucketLabel(key, chart.unit)}</td><td>${chart.sessions[i]}</td><td>${chart.prompts[i]}</td></tr>`)}
          </table>`
        : ''}`;
  }

  override updated(changed: PropertyValues<this>) {
    if (changed.has('chart') && this.chart) this.draw(this.chart);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.chartInstance?.destroy();
    this.chartInstance = undefined;
  }

  private draw(buckets: ChartBuckets) {
    const labels = buckets.keys.map((key) => bucketLabel(key, buckets.unit));
    if (this.chartInstance) {
      this.chartInstance.data.labels = labels;
      this.chartInstance.data.datasets[0].data = [...buckets.sessions];
      this.chartInstance.data.datasets[1].data = [...buckets.prompts];
      this.chartInstance.update();
      return;
    }
    const canvas = this.renderRoot.querySelector('canvas')!;
    this.chartInstance = new Chart(canvas, {
      data: {
        labels,
        datasets: [
          { type: 'bar', label: 'Sessions', data: [...buckets.sessions], backgroundColor: '#818cf8', borderRadius: 4, order: 2 },
          { type: 'line', label: 'Prompts', data: [...buckets.prompts], borderColor: '#f59e0b', backgroundColor: '#f59e0b', pointRadius: 2, cubicInterpolationMode: 'monotone', order: 1 },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        scales: {
          y: { beginAtZero: true, ticks: { precision: 0 }, grid: { color: '#f3f4f6' } },
          x: { grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
        },
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
      },
    });
  }

  private onRange(event: CustomEvent<{ value: ChartRange }>) {
    event.stopPropagation();
    this.range = event.detail.value;
    this.dispatchEvent(new CustomEvent('range-change', { detail: { value: this.range }, bubbles: true, composed: true }));
  }
}
customElements.define('activity-chart', ActivityChart);
