import { css, html, LitElement } from 'lit';
import { MAX_RATING_COMMENT_CHARS } from '../../../server/src/protocol/limits.js';

const SCORES = [
  { score: 1, word: 'Bad', label: 'Very unhappy' },
  { score: 2, word: 'Poor', label: 'Unhappy' },
  { score: 3, word: 'OK', label: 'Neutral' },
  { score: 4, word: 'Good', label: 'Happy' },
  { score: 5, word: 'Great', label: 'Very happy' },
];

/**
 * The rating step after the visitor ended the chat (issue 18): a score from 1 to 5 and an optional
 * comment. Its own chunk, loaded when a chat ends: most visitors never see it.
 *
 * @fires rating-submit - detail: { score, comment }
 * @fires rating-skip - the visitor starts a new chat without rating
 */
export class ChatreelRatingForm extends LitElement {
  static readonly tagName = 'chatreel-rating-form';
  static override properties = { rated: { type: Boolean }, busy: { type: Boolean }, score: { state: true } };
  declare rated: boolean;
  declare busy: boolean;
  declare score: number;

  constructor() {
    super();
    this.rated = false;
    this.busy = false;
    this.score = 0;
  }

  static override styles = css`
    :host {
      display: block;
      padding: 16px;
    }
    h3 {
      margin: 0 0 10px;
      font-size: 16px;
    }
    fieldset {
      border: none;
      margin: 0;
      padding: 0;
      display: flex;
      gap: 6px;
      justify-content: space-between;
    }
    legend {
      margin-bottom: 8px;
      font-size: 14px;
    }
    label.score {
      flex: 1;
      display: flex;
      flex-direction: column;
      align-items: center;
      gap: 2px;
      padding: 6px 0;
      border: 2px solid #e5e7eb;
      border-radius: 10px;
      cursor: pointer;
      font-size: 20px;
    }
    label.score span {
      font-size: 11px;
      color: #4b5563;
    }
    label.score:has(input:checked) {
      border-color: var(--chatreel-accent, var(--chatreel-app-accent, #4f46e5));
      background: #eef2ff;
    }
    label.score:has(input:focus-visible) {
      outline: 3px solid #111827;
      outline-offset: 2px;
    }
    input[type='radio'] {
      position: absolute;
      opacity: 0;
      width: 1px;
      height: 1px;
    }
    textarea {
      box-sizing: border-box;
      width: 100%;
      margin: 12px 0 8px;
      font: inherit;
      font-size: 16px;
      padding: 8px 10px;
      border: 1px solid #d1d5db;
      border-radius: 10px;
      resize: vertical;
    }
    .actions {
      display: flex;
      gap: 8px;
      justify-content: flex-end;
    }
    button {
      font: inherit;
      font-size: 15px;
      border-radius: 10px;
      padding: 8px 14px;
      cursor: pointer;
      border: 1px solid #d1d5db;
      background: #fff;
      color: #111827;
    }
    button.primary {
      border: none;
      background: var(--chatreel-accent, var(--chatreel-app-accent, #4f46e5));
      color: #fff;
    }
    button:disabled {
      opacity: 0.6;
      cursor: default;
    }
    .visually-hidden {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
    }
  `;

  override render() {
    if (this.rated) {
      return html`<h3 role="status">Thank you for your feedback!</h3>
        <div class="actions"><button type="button" class="primary" @click=${this.skip}>Start a new chat</button></div>`;
    }
    return html`<form @submit=${this.submit}>
      <h3>Chat ended</h3>
      <fieldset>
        <legend>How was this conversation?</legend>
        ${SCORES.map(
          ({ score, word, label }) => html`<label class="score" title=${label}>
            <input type="radio" name="score" .value=${String(score)} aria-label=${`${score}: ${label}`} @change=${() => (this.score = score)} />
            <b aria-hidden="true">${score}</b><span aria-hidden="true">${word}</span>
          </label>`,
        )}
      </fieldset>
      <label for="comment" class="visually-hidden">Comment (optional)</label>
      <textarea id="comment" rows="2" maxlength=${MAX_RATING_COMMENT_CHARS} placeholder="Anything to add? (optional)"></textarea>
      <div class="actions">
        <button type="button" @click=${this.skip}>Skip</button>
        <button type="submit" class="primary" ?disabled=${!this.score || this.busy}>Send rating</button>
      </div>
    </form>`;
  }

  private submit = (event: Event) => {
    event.preventDefault();
    if (!this.score) return;
    const comment = this.renderRoot.querySelector('textarea')?.value ?? '';
    this.dispatchEvent(new CustomEvent('rating-submit', { detail: { score: this.score, comment } }));
  };

  private skip = () => this.dispatchEvent(new CustomEvent('rating-skip'));
}

if (!customElements.get(ChatreelRatingForm.tagName)) customElements.define(ChatreelRatingForm.tagName, ChatreelRatingForm);
