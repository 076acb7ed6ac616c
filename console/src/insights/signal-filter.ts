import { css, html, LitElement } from 'lit';
import { SIGNAL_LABELS, SIGNAL_TYPES, isSignalType, type SignalType } from './signal-kinds.js';

/**
 * Narrows a list of sessions to those with one kind of signal.
 * @fires signal-change - `detail: { value }`, a signal type or '' for any session.
 */
export class SignalFilter extends LitElement {
  static override properties = { value: {} };
  declare value: SignalType | '';

  constructor() {
    super();
    this.value = '';
  }

  static override styles = css`
    :host { display: inline-flex; }
    label { display: inline-flex; align-items: center; gap: 8px; font-size: 14px; color: #374151; }
    select { font: inherit; padding: 7px 10px; border: 1px solid #d1d5db; border-radius: 8px; background: #fff; color: #111827; }
    select:focus-visible { outline: 2px solid #4f46e5; outline-offset: 1px; }
  `;

  override render() {
    return html`<label>
      Signal
      <select @change=${this.onChange} .value=${this.value}>
        <option value="" ?selected=${this.value === ''}>Any session</option>
        ${SIGNAL_TYPES.map((type) => html`<option value=${type} ?selected=${this.value === type}>${SIGNAL_LABELS[type]}</option>`)}
      </select>
    </label>`;
  }

  private onChange(event: Event) {
    const picked = (event.target as HTMLSelectElement).value;
    const value = isSignalType(picked) ? picked : '';
    if (value === this.value) return;
    this.value = value;
    this.dispatchEvent(new CustomEvent('signal-change', { detail: { value }, bubbles: true, composed: true }));
  }
}
customElements.define('signal-filter', SignalFilter);
