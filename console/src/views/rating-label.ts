import { css, html, LitElement, nothing } from 'lit';
import type { ConversationRating } from '../../../server/src/protocol/feedback.js';

const SCORE_WORDS = ['', 'very unhappy', 'unhappy', 'neutral', 'happy', 'very happy'];

/**
 * A visitor's rating of a conversation (issue 18): the score out of 5, coloured by it, and the
 * comment, for Activity and the conversation. Text bindings only: a comment is the visitor's text.
 */
export class RatingLabel extends LitElement {
  static override properties = { rating: { attribute: false } };
  declare rating: ConversationRating | null | undefined;

  static override styles = css`
    :host { display: inline-flex; align-items: baseline; gap: 6px; min-width: 0; font-size: 12px; }
    .score { font-weight: 700; padding: 1px 8px; border-radius: 999px; background: #e5e7eb; color: #111827; white-space: nowrap; }
    .score[data-score='4'], .score[data-score='5'] { background: #d1fae5; color: #065f46; }
    .score[data-score='1'], .score[data-score='2'] { background: #fee2e2; color: #991b1b; }
    .comment { color: #374151; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; min-width: 0; }
  `;

  override render() {
    const rating = this.rating;
    if (!rating) return nothing;
    const words = `Rated ${rating.score} out of 5 (${SCORE_WORDS[rating.score] ?? ''})${rating.comment ? `: ${rating.comment}` : ''}`;
    return html`<span class="score" data-score=${rating.score} role="img" aria-label=${words} title=${words}>★ ${rating.score}/5</span>${rating.comment
        ? html`<span class="comment" aria-hidden="true">“${rating.comment}”</span>`
        : nothing}`;
  }
}

if (!customElements.get('rating-label')) customElements.define('rating-label', RatingLabel);
