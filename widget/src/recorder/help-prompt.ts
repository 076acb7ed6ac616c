import { css, html, LitElement } from 'lit';

/**
 * The gentle offer of help shown once in a session when the visitor struggles (issue 21): the
 * owner's text, "Chat with us" and a close button, above the launcher. It takes no focus and covers
 * nothing but its own corner. Part of the recorder's chunk: a page that never records never loads it.
 *
 * @fires help-accept - the visitor wants to chat
 * @fires help-dismiss - the visitor closed the offer (button or Escape)
 * @csspart prompt - the card
 */
export class ChatreelHelpPrompt extends LitElement {
  static readonly tagName = 'chatreel-help-prompt';
  static override properties = { text: {}, position: { reflect: true } };
  declare text: string;
  declare position: 'left' | 'right';

  constructor() {
    super();
    this.text = '';
    this.position = 'right';
  }

  static override styles = css`
    :host {
      position: absolute;
      bottom: 72px;
      right: 0;
      width: max-content;
      max-width: min(300px, calc(100vw - 40px));
      pointer-events: auto;
      font: 14px/1.4 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
      color: #111827;
      animation: appear 240ms ease-out;
    }
    :host([position='left']) {
      right: auto;
      left: 0;
    }
    @keyframes appear {
      from { opacity: 0; transform: translateY(6px); }
    }
    @media (prefers-reduced-motion: reduce) {
      :host { animation: none; }
    }
    section {
      display: grid;
      grid-template-columns: 1fr auto;
      gap: 8px 10px;
      align-items: start;
      padding: 12px 12px 12px 14px;
      border-radius: 12px;
      background: #fff;
      box-shadow: 0 6px 24px rgb(0 0 0 / 0.18);
    }
    p { margin: 0; overflow-wrap: anywhere; }
    button { font: inherit; cursor: pointer; }
    .accept {
      grid-column: 1 / -1;
      justify-self: start;
      border: none;
      border-radius: 999px;
      padding: 6px 14px;
      background: var(--chatreel-accent, var(--chatreel-app-accent, #4f46e5));
      color: #fff;
      font-weight: 600;
    }
    .dismiss { border: none; background: none; color: #6b7280; font-size: 18px; line-height: 1; padding: 0 2px; }
  `;

  override render() {
    return html`<section part="prompt" aria-label="Offer of help" aria-live="polite" @keydown=${this.onKeydown}>
      <p>${this.text}</p>
      <button type="button" class="dismiss" aria-label="No thanks" @click=${() => this.fire('help-dismiss')}>×</button>
      <button type="button" class="accept" @click=${() => this.fire('help-accept')}>Chat with us</button>
    </section>`;
  }

  private onKeydown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') this.fire('help-dismiss');
  };

  private fire(name: 'help-accept' | 'help-dismiss') {
    this.dispatchEvent(new CustomEvent(name));
  }
}

if (!customElements.get(ChatreelHelpPrompt.tagName)) customElements.define(ChatreelHelpPrompt.tagName, ChatreelHelpPrompt);
