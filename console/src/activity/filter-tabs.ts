import { css, html, LitElement } from 'lit';

/**
 * A row of mutually exclusive filters (All / Active / Completed…).
 * @fires filter-change - `detail: { value }` when the user picks another filter.
 */
export class FilterTabs extends LitElement {
  static override properties = { options: { attribute: false }, value: {}, label: {} };
  declare options: Array<{ value: string; label: string }>;
  declare value: string;
  declare label: string;

  constructor() {
    super();
    this.options = [];
    this.value = '';
    this.label = 'Filter';
  }

  static override styles = css`
    :host { display: inline-flex; }
    div { display: inline-flex; background: #f3f4f6; border-radius: 10px; padding: 3px; gap: 2px; }
    button { font: inherit; font-size: 14px; border: 0; background: transparent; padding: 6px 14px; border-radius: 8px; cursor: pointer; color: #374151; }
    button[aria-pressed='true'] { background: #fff; color: #111827; font-weight: 600; box-shadow: 0 1px 2px rgb(0 0 0 / 0.1); }
    button:focus-visible { outline: 2px solid #4f46e5; outline-offset: 1px; }
  `;

  override render() {
    return html`<div role="group" aria-label=${this.label}>
      ${this.options.map(
        (option) => html`<button type="button" aria-pressed=${String(option.value === this.value)} @click=${() => this.pick(option.value)}>
          ${option.label}
        </button>`,
      )}
    </div>`;
  }

  private pick(value: string) {
    if (value === this.value) return;
    this.value = value;
    this.dispatchEvent(new CustomEvent('filter-change', { detail: { value }, bubbles: true, composed: true }));
  }
}
customElements.define('filter-tabs', FilterTabs);
