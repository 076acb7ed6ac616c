import { html, LitElement, css } from 'lit';
import type { ActivityCounters } from '../../../server/src/protocol/activity.js';
import { countLabel } from './format.js';
import { activityStyles } from './shared-styles.js';

/** Total / Active / Completed sessions and the total event count, at a glance. */
export class SessionCounters extends LitElement {
  static override properties = { counters: { attribute: false } };
  declare counters: ActivityCounters | undefined;

  static override styles = [
    activityStyles,
    css`
      :host { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 12px; }
      .card { padding: 14px 18px; }
      dt { font-size: 13px; color: var(--muted); }
      dd { margin: 4px 0 0; font-size: 26px; font-weight: 700; font-variant-numeric: tabular-nums; }
      .active dd { color: #047857; }
      @media (max-width: 640px) { :host { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 8px; } }
    `,
  ];

  override render() {
    const c = this.counters;
    const cell = (name: string, label: string, value: number | undefined) =>
      html`<dl class="card ${name}" data-counter=${name}><dt>${label}</dt><dd>${value === undefined ? '–' : countLabel(value)}</dd></dl>`;
    return html`${cell('total', 'Total sessions', c?.total)}${cell('active', 'Active', c?.active)}${cell('completed', 'Completed', c?.completed)}${cell(
      'events',
      'Events captured',
      c?.events,
    )}`;
  }
}
customElements.define('session-counters', SessionCounters);
