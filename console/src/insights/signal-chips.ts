import { css, html, LitElement, nothing } from 'lit';
import { countSignals, SIGNAL_COLOURS, SIGNAL_DESCRIPTIONS, SIGNAL_LABELS } from './signal-kinds.js';

/**
 * Compact coloured chips, one per kind of signal in a session, with how many times it happened
 * when more than once. Renders nothing for a session without signals.
 */
export class SignalChips extends LitElement {
  static override properties = { signals: { attribute: false } };
  /** Signal types, one entry per occurrence (or per kind: then no counts show). */
  declare signals: readonly string[];

  constructor() {
    super();
    this.signals = [];
  }

  static override styles = css`
    :host { display: inline-block; }
    ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 4px; }
    li { display: inline-flex; align-items: center; gap: 5px; font-size: 12px; font-weight: 600; line-height: 18px; padding: 0 8px; border-radius: 999px; white-space: nowrap; }
    li::before { content: ''; width: 6px; height: 6px; border-radius: 50%; background: currentColor; }
    .count { font-variant-numeric: tabular-nums; opacity: 0.8; }
  `;

  override render() {
    const counted = countSignals(this.signals ?? []);
    if (!counted.length) return nothing;
    return html`<ul aria-label="Signals">
      ${counted.map(({ type, count }) => {
        const colour = SIGNAL_COLOURS[type];
        return html`<li data-signal=${type} title=${SIGNAL_DESCRIPTIONS[type]} style="color:${colour.strong};background:${colour.pale}">
          ${SIGNAL_LABELS[type]}${count > 1 ? html` <span class="count">×${count}</span>` : nothing}
        </li>`;
      })}
    </ul>`;
  }
}
customElements.define('signal-chips', SignalChips);
