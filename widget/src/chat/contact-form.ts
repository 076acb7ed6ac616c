import { css, html, LitElement } from 'lit';
import { MAX_EMAIL_CHARS } from '../../../server/src/protocol/limits.js';

/**
 * Asked when nobody can answer now (the AI off or failing, and no agent online; issue 18): an email
 * to reply to. Its own chunk, loaded only then. The server validates the address again.
 *
 * @fires contact-submit - detail: { email }
 */
export class ChatreelContactForm extends LitElement {
  static readonly tagName = 'chatreel-contact-form';
  static override properties = { saved: { type: String }, busy: { type: Boolean } };
  declare saved: string;
  declare busy: boolean;

  constructor() {
    super();
    this.saved = '';
    this.busy = false;
  }

  static override styles = css`
    :host {
      display: block;
      margin: 0 12px 8px;
      padding: 10px 12px;
      border-radius: 12px;
      background: #fffbeb;
      border: 1px solid #fde68a;
      font-size: 14px;
    }
    p {
      margin: 0 0 8px;
    }
    form {
      display: flex;
      gap: 6px;
    }
    input {
      flex: 1;
      min-width: 0;
      font: inherit;
      font-size: 16px;
      padding: 6px 8px;
      border: 1px solid #d1d5db;
      border-radius: 8px;
    }
    button {
      font: inherit;
      border: none;
      border-radius: 8px;
      padding: 6px 12px;
      background: var(--chatreel-accent, var(--chatreel-app-accent, #4f46e5));
      color: #fff;
      cursor: pointer;
    }
    input:focus-visible,
    button:focus-visible {
      outline: 3px solid #111827;
      outline-offset: 2px;
    }
  `;

  override render() {
    if (this.saved) return html`<p role="status">Thanks! We will reply to <b>${this.saved}</b> as soon as we can.</p>`;
    return html`<p id="ask">Nobody can answer right now. Leave your email and we will reply there.</p>
      <form @submit=${this.submit}>
        <input type="email" name="email" required maxlength=${MAX_EMAIL_CHARS} autocomplete="email" placeholder="you@example.com" aria-labelledby="ask" />
        <button type="submit" ?disabled=${this.busy}>Leave email</button>
      </form>`;
  }

  private submit = (event: Event) => {
    event.preventDefault();
    const input = this.renderRoot.querySelector('input')!;
    if (!input.checkValidity()) return input.reportValidity();
    this.dispatchEvent(new CustomEvent('contact-submit', { detail: { email: input.value.trim() } }));
  };
}

if (!customElements.get(ChatreelContactForm.tagName)) customElements.define(ChatreelContactForm.tagName, ChatreelContactForm);
