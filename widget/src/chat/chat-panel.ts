import { html, LitElement, nothing } from 'lit';
import type { ChatMessage } from '../../../server/src/protocol/chat-events.js';
import type { ConnectionController } from '../connection-controller.js';
import { ChatController } from './chat-controller.js';
import { chatPanelStyles } from './chat-panel-styles.js';
import { FeedbackController } from './feedback-controller.js';

const ROLE_LABELS: Record<ChatMessage['role'], string> = { visitor: 'You', ai: 'Assistant', agent: 'Team', system: '' };

/**
 * The conversation: message log, composer, "talk to a person". Loaded as its own chunk the first
 * time the chat opens (or at once when a chat is under way), so the first script stays small.
 * Text is always rendered through Lit text bindings: a message holding HTML shows as characters.
 *
 * @fires chatreel:message - a new message arrived (detail: { message })
 * @fires chat-close - the visitor pressed the close button or Escape
 */
export class ChatreelChatPanel extends LitElement {
  static readonly tagName = 'chatreel-chat-panel';
  static override properties = {
    connection: { attribute: false },
    active: { type: Boolean },
    // Mirrors of the connection's state, passed by the widget so the panel re-renders when they change.
    status: { attribute: false },
    settings: { attribute: false },
    recordingNotice: { attribute: false },
  };
  static override styles = chatPanelStyles;

  declare connection: ConnectionController;
  declare active: boolean;
  declare status: string;
  declare settings: unknown;
  /** The owner's "this chat may be recorded" line, shown while recording may happen (issue 22). */
  declare recordingNotice: string | undefined;
  private chat: ChatController | undefined;
  private feedback: FeedbackController | undefined;
  private draft = '';

  constructor() {
    super();
    this.active = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.chat ??= new ChatController(this, this.connection, (message) =>
      this.dispatchEvent(new CustomEvent('chatreel:message', { detail: { message }, bubbles: true, composed: true })),
    );
    this.feedback ??= new FeedbackController(this, this.connection, this.chat);
    this.connection.onReady(() => this.startIfOpen());
  }

  /** With `startOn: 'open'`, opening the chat starts the session; otherwise the first message does. */
  private startIfOpen(): void {
    if (this.active && this.connection.settings?.chat?.startOn === 'open') void this.connection.ensureSession();
  }

  override updated(changed: Map<string, unknown>): void {
    if (changed.has('active') && this.active) {
      this.startIfOpen();
      this.focusComposer();
    }
    const log = this.renderRoot.querySelector('.log');
    if (log) log.scrollTop = log.scrollHeight;
  }

  focusComposer(): void {
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLTextAreaElement>('textarea')?.focus());
  }

  get controller(): ChatController {
    return this.chat!;
  }

  override render() {
    const chat = this.chat!;
    const feedback = this.feedback!;
    const { status, settings, error } = this.connection;
    if (feedback.ended) return this.renderEnded();
    const streaming = [...chat.drafts.entries()];
    const notice =
      status === 'refused'
        ? error?.message ?? 'This chat is not available on this site.'
        : status === 'offline'
          ? 'Cannot reach the chat server. Retrying…'
          : status !== 'online'
            ? 'Connecting…'
            : chat.state === 'human'
              ? ''
              : chat.state === 'waiting' || !chat.aiAvailable
                ? 'A member of our team will reply here.'
                : '';
    return html`
      <header>
        <h2 id="title">${settings?.appName ?? 'Chat'}</h2>
        ${chat.state === 'ai' && status === 'online'
          ? html`<button type="button" class="human" @click=${() => chat.requestHuman()}>Talk to a person</button>`
          : nothing}
        ${this.connection.session && status === 'online'
          ? html`<button type="button" class="end" @click=${() => void feedback.endChat()}>End chat</button>`
          : nothing}
        <button type="button" class="close" aria-label="Hide chat" @click=${this.close}>×</button>
      </header>
      ${this.recordingNotice ? html`<p class="recording-notice" id="recording-notice">${this.recordingNotice}</p>` : nothing}
      <ol class="log" role="log" aria-live="polite" aria-relevant="additions" aria-labelledby="title">
        ${settings?.appearance.greeting ? html`<li class="msg" data-role="greeting">${settings.appearance.greeting}</li>` : nothing}
        ${chat.earlier.length ? html`<li class="divider" data-role="system">Earlier conversation</li>` : nothing}
        ${chat.earlier.map((message) => this.renderMessage(message, 'earlier'))}
        ${chat.messages.map((message) => this.renderMessage(message))}
        ${chat.pending.map(
          (pending) => html`<li class="msg pending" data-role="visitor" data-failed=${String(pending.failed)}>
            <span class="text">${pending.text}</span>
            ${pending.failed ? html`<button type="button" class="retry" @click=${() => chat.retry(pending.clientId)}>Retry</button>` : nothing}
          </li>`,
        )}
        ${streaming.filter(([, text]) => text).map(
          ([replyId, text]) => html`<li class="msg streaming" data-role="ai" data-reply=${replyId} aria-busy="true">
            <span class="who">Assistant</span><span class="text">${text}</span>
          </li>`,
        )}
      </ol>
      ${streaming.length ? html`<p class="typing" role="status" aria-label="The assistant is typing"><span></span><span></span><span></span></p>` : nothing}
      ${feedback.agentTyping && !streaming.length
        ? html`<p class="typing" data-who="agent" role="status" aria-label="A member of the team is typing"><span></span><span></span><span></span></p>`
        : nothing}
      ${this.renderContactForm()}
      <p class="notice" role="status" data-status=${status}>${notice}</p>
      ${chat.error || feedback.error ? html`<p class="error" role="alert">${chat.error ?? feedback.error}</p>` : nothing}
      <form @submit=${this.submit}>
        <label for="composer" class="visually-hidden">Message</label>
        <textarea
          id="composer"
          aria-describedby=${this.recordingNotice ? 'recording-notice' : nothing}
          rows="1"
          ?disabled=${status === 'refused'}
          placeholder="Write a message…"
          .value=${this.draft}
          @input=${(e: InputEvent) => {
            this.draft = (e.target as HTMLTextAreaElement).value;
            feedback.typed();
          }}
          @keydown=${this.onKeydown}
        ></textarea>
        <button type="submit" class="send" ?disabled=${status === 'refused'}>Send</button>
      </form>
    `;
  }

  /** Asked when nobody can answer now (issue 18); its chunk loads only then. */
  private renderContactForm() {
    const feedback = this.feedback!;
    const saved = feedback.availability?.contactEmail ?? '';
    if (!feedback.asksForEmail && !saved) return nothing;
    void import('./contact-form.js');
    return html`<chatreel-contact-form
      .saved=${saved}
      @contact-submit=${(event: CustomEvent<{ email: string }>) => void feedback.leaveEmail(event.detail.email)}
    ></chatreel-contact-form>`;
  }

  /** After "End chat": the rating step (its chunk loads only then), then a fresh chat. */
  private renderEnded() {
    const feedback = this.feedback!;
    void import('./rating-form.js');
    return html`<header>
        <h2 id="title">${this.connection.settings?.appName ?? 'Chat'}</h2>
        <button type="button" class="close" aria-label="Hide chat" @click=${this.close}>×</button>
      </header>
      <chatreel-rating-form
        .rated=${!!feedback.ended?.rating}
        @rating-submit=${(event: CustomEvent<{ score: number; comment: string }>) => void feedback.rate(event.detail.score, event.detail.comment)}
        @rating-skip=${() => feedback.startOver()}
      ></chatreel-rating-form>
      ${feedback.error ? html`<p class="error" role="alert">${feedback.error}</p>` : nothing}`;
  }

  private renderMessage(message: ChatMessage, extra = '') {
    return html`<li class="msg ${extra}" data-role=${message.role} data-seq=${message.seq} data-id=${message.id}>
      ${ROLE_LABELS[message.role] ? html`<span class="who">${ROLE_LABELS[message.role]}</span>` : nothing}
      <span class="text">${message.text}</span>
    </li>`;
  }

  private onKeydown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void this.sendDraft();
    }
    if (event.key === 'Escape') this.close();
  };

  private submit = (event: Event) => {
    event.preventDefault();
    void this.sendDraft();
  };

  private async sendDraft(): Promise<void> {
    const text = this.draft;
    if (!text.trim()) return;
    const textarea = this.renderRoot.querySelector('textarea');
    this.feedback!.stoppedTyping();
    this.draft = '';
    // The textarea's value is the visitor's (not re-rendered on input): clear it directly.
    if (textarea) textarea.value = '';
    // Sent, or waiting to be sent by itself (offline): it shows in the log either way.
    if ((await this.chat!.send(text)) === 'refused' && textarea && !textarea.value) {
      // Refused (too long, too fast…): give the text back so nothing the visitor typed is lost.
      this.draft = text;
      textarea.value = text;
    }
  }

  private close = () => this.dispatchEvent(new CustomEvent('chat-close', { bubbles: true, composed: true }));
}

if (!customElements.get(ChatreelChatPanel.tagName)) customElements.define(ChatreelChatPanel.tagName, ChatreelChatPanel);
