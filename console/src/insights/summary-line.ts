import { css, html, nothing, type TemplateResult } from 'lit';
import type { SessionRow } from '../../../server/src/protocol/activity.js';
import { SUMMARY_SOURCE_LABELS, summaryFirstLine } from './summary-text.js';
import './signal-chips.js';

/** A session row's insights: its signal chips and the first line of its summary, labelled by source. */
export function rowInsights(row: Pick<SessionRow, 'signals' | 'summary'>): TemplateResult | typeof nothing {
  const signals = row.signals ?? [];
  const summary = row.summary;
  if (!signals.length && !summary) return nothing;
  return html`<div class="insights">
    ${signals.length ? html`<signal-chips .signals=${signals}></signal-chips>` : nothing}
    ${summary
      ? html`<p class="summary" data-source=${summary.source} title=${summary.text}>
          <span class="summary-source">${SUMMARY_SOURCE_LABELS[summary.source]}</span>
          <span class="summary-text">${summaryFirstLine(summary.text)}</span>
        </p>`
      : nothing}
  </div>`;
}

/** Styles for `rowInsights`, added to the Sessions table and the Activity feed. */
export const rowInsightsStyles = css`
  .insights { display: flex; flex-direction: column; gap: 4px; margin-top: 6px; min-width: 0; }
  .summary { margin: 0; font-size: 13px; color: #374151; display: flex; gap: 6px; align-items: baseline; min-width: 0; }
  .summary-source { flex: none; font-size: 11px; font-weight: 600; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted, #6b7280); }
  .summary[data-source='ai'] .summary-source { color: #4f46e5; }
  .summary-text { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; min-width: 0; }
`;
