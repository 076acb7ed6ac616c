import { css, html, LitElement, nothing } from 'lit';
import type { ChatMessage, ConversationSummary } from '../../../server/src/protocol/chat-events.js';
import type { PublicApp, PublicUser } from '../../../server/src/protocol/events.js';
import '../activity/app-picker.js';
import './visitor-label.js';
import '../live/struggling-now.js';
import { isStrugglingNow } from '../../../server/src/protocol/struggle.js';
import type { StrugglingSession } from '../../../server/src/protocol/struggle.js';
import { consoleSocket, type ConsoleSocket } from '../live/console-socket.js';
import { TypingController } from '../live/typing-controller.js';
import './rating-label.js';

const STATE_LABELS: Record<ConversationSummary['state'], string> = { ai: 'AI answering', waiting: 'Waiting for a person', human: 'With a person' };
const ROLE_LABELS: Record<ChatMessage['role'], string> = { visitor: 'Visitor', ai: 'AI', agent: 'Agent', system: 'Note' };
const ORDER: Record<ConversationSummary['state'], number> = { waiting: 0, human: 1, ai: 2 };
const ACK_TIMEOUT_MS = 10_000;

type Answer<T> = { data: T } | { error: { code: string; message: string } };

/**
 * Conversations for agents: who is waiting for a person, the live transcript of one conversation,
 * "Take over" and reply. Everything arrives over the console socket; text is rendered as text.
 */
export class ConversationsView extends LitElement {
  static override properties = {
    user: { attribute: false },
    app: { state: true },
    conversations: { state: true },
    openId: { state: true },
    messages: { state: true },
    drafts: { state: true },
    error: { state: true },
  };
  declare user: PublicUser;
  declare app: PublicApp | undefined;
  declare conversations: ConversationSummary[];
  declare openId: string;
  declare messages: ChatMessage[];
  declare drafts: Map<string, string>;
  declare error: string;
  private socket: ConsoleSocket | undefined;
  private reply = '';
  private readonly typing = new TypingController(this);

  constructor() {
    super();
    this.app = undefined;
    this.conversations = [];
    this.openId = '';
    this.messages = [];
    this.drafts = new Map();
    this.error = '';
  }

  static override styles = css`
    :host { display: block; padding: 20px 24px; }
    .top { display: flex; align-items: center; gap: 16px; margin-bottom: 16px; }
    h1 { font-size: 22px; margin: 0; }
    .layout { display: grid; grid-template-columns: minmax(220px, 320px) 1fr; gap: 16px; align-items: start; }
    ul.list { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 6px; }
    ul.list button { width: 100%; text-align: left; font: inherit; padding: 10px; border: 1px solid #e5e7eb; border-radius: 10px; background: #fff; cursor: pointer; }
    ul.list button[aria-current='true'] { border-color: #4f46e5; box-shadow: 0 0 0 2px #c7d2fe; }
    .badge { display: inline-block; font-size: 12px; padding: 1px 8px; border-radius: 999px; background: #e5e7eb; }
    .badge[data-state='waiting'] { background: #fef3c7; color: #92400e; }
    .badge[data-state='human'] { background: #d1fae5; color: #065f46; }
    .badge.struggling { background: #ea580c; color: #fff; }
    .preview { display: block; color: #4b5563; font-size: 13px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    section.transcript { border: 1px solid #e5e7eb; border-radius: 12px; background: #fff; display: flex; flex-direction: column; min-height: 420px; }
    .head { display: flex; align-items: center; gap: 12px; padding: 10px 14px; border-bottom: 1px solid #e5e7eb; }
    .head h2 { font-size: 16px; margin: 0; flex: 1; }
    ol { list-style: none; margin: 0; padding: 12px; flex: 1; display: flex; flex-direction: column; gap: 8px; overflow-y: auto; max-height: 60vh; }
    li.msg { white-space: pre-wrap; overflow-wrap: anywhere; padding: 8px 12px; border-radius: 10px; background: #f3f4f6; max-width: 80%; }
    li.msg[data-role='agent'], li.msg[data-role='ai'] { align-self: flex-end; background: #eef2ff; }
    li.msg[data-role='system'] { align-self: center; background: none; color: #6b7280; font-size: 13px; }
    .who { display: block; font-size: 12px; font-weight: 600; color: #6b7280; }
    form { display: flex; gap: 8px; padding: 10px; border-top: 1px solid #e5e7eb; }
    textarea { flex: 1; font: inherit; padding: 8px; border: 1px solid #d1d5db; border-radius: 8px; resize: vertical; }
    button.primary { font: inherit; border: none; border-radius: 8px; padding: 8px 14px; background: #4f46e5; color: #fff; cursor: pointer; }
    .empty { color: #6b7280; }
    .error { color: #b91c1c; }
    .feedback { display: flex; flex-wrap: wrap; gap: 8px 14px; padding: 6px 14px; border-bottom: 1px solid #e5e7eb; font-size: 13px; }
    .typing-note { margin: 0; padding: 0 14px 6px; font-size: 13px; color: #4b5563; }
    .back { display: none; }
    /* Phones (issue 18): one column; an open conversation takes the screen, its reply box in reach. */
    @media (max-width: 640px) {
      :host { padding: 12px; }
      .top { flex-wrap: wrap; gap: 8px; }
      .layout { grid-template-columns: minmax(0, 1fr); }
      .layout[data-open] > nav { display: none; }
      .back { display: inline-block; font: inherit; background: none; border: 1px solid #d1d5db; border-radius: 8px; padding: 4px 10px; cursor: pointer; }
      section.transcript { min-height: 0; }
      .head { flex-wrap: wrap; }
      ol { max-height: none; }
      li.msg { max-width: 92%; }
      form { position: sticky; bottom: 0; background: #fff; border-radius: 0 0 12px 12px; }
      textarea { font-size: 16px; min-width: 0; }
    }
  `;

  override connectedCallback(): void {
    super.connectedCallback();
    const socket = (this.socket = consoleSocket());
    socket.on('connect', this.onReconnect);
    socket.on('chat:conversation', this.onConversation);
    socket.on('chat:message', this.onMessage);
    socket.on('chat:delta', this.onDelta);
    socket.on('chat:stream-end', this.onStreamEnd);
    socket.on('session:struggle', this.onStruggle);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    const socket = this.socket;
    if (!socket) return;
    socket.off('connect', this.onReconnect);
    socket.off('chat:conversation', this.onConversation);
    socket.off('chat:message', this.onMessage);
    socket.off('chat:delta', this.onDelta);
    socket.off('chat:stream-end', this.onStreamEnd);
    socket.off('session:struggle', this.onStruggle);
    if (this.openId) socket.emit('chat:close', { sessionId: this.openId }, () => {});
  }

  private ask<T>(event: string, payload: unknown): Promise<Answer<T>> {
    return (this.socket!.timeout(ACK_TIMEOUT_MS) as unknown as { emitWithAck(e: string, p: unknown): Promise<Answer<T>> })
      .emitWithAck(event, payload)
      .catch(() => ({ error: { code: 'E_NETWORK', message: 'The server did not answer. Try again.' } }));
  }

  // After a reconnect the live events in between are lost: read the list and the transcript again.
  private onReconnect = () => {
    void this.loadList();
    if (this.openId) void this.openConversation(this.openId);
  };

  private onConversation = ({ conversation }: { conversation: ConversationSummary }) => {
    if (conversation.appId !== this.app?.id) return;
    this.conversations = [conversation, ...this.conversations.filter((c) => c.sessionId !== conversation.sessionId)];
  };

  /** A listed conversation's visitor struggles (issue 21): its badge shows at once. */
  private onStruggle = ({ session }: { session: StrugglingSession }) => {
    if (!this.conversations.some((c) => c.sessionId === session.id)) return;
    this.conversations = this.conversations.map((c) => (c.sessionId === session.id ? { ...c, struggle: session.struggle } : c));
  };

  private onMessage = ({ message, replyId }: { message: ChatMessage; replyId?: string }) => {
    if (message.sessionId !== this.openId) return;
    if (replyId && this.drafts.delete(replyId)) this.drafts = new Map(this.drafts);
    if (this.messages.some((m) => m.id === message.id)) return;
    this.messages = [...this.messages, message].sort((a, b) => a.seq - b.seq);
  };

  private onDelta = ({ sessionId, replyId, text }: { sessionId: string; replyId: string; text: string }) => {
    if (sessionId !== this.openId) return;
    this.drafts = new Map(this.drafts).set(replyId, (this.drafts.get(replyId) ?? '') + text);
  };

  private onStreamEnd = ({ replyId }: { replyId: string }) => {
    if (!this.drafts.has(replyId)) return;
    const next = new Map(this.drafts);
    next.delete(replyId);
    this.drafts = next;
  };

  private async loadList(): Promise<void> {
    if (!this.app) return;
    const answer = await this.ask<{ conversations: ConversationSummary[] }>('chat:list', { appId: this.app.id });
    if ('error' in answer) this.error = answer.error.message;
    else this.conversations = answer.data.conversations;
  }

  private async openConversation(sessionId: string): Promise<void> {
    if (this.openId && this.openId !== sessionId) this.socket!.emit('chat:close', { sessionId: this.openId }, () => {});
    this.openId = sessionId;
    this.drafts = new Map();
    const answer = await this.ask<{ conversation: ConversationSummary; messages: ChatMessage[] }>('chat:open', { sessionId });
    if ('error' in answer) {
      this.error = answer.error.message;
      return;
    }
    this.error = '';
    this.messages = answer.data.messages;
    this.onConversation({ conversation: answer.data.conversation });
  }

  private async takeOver(): Promise<void> {
    const answer = await this.ask<{ conversation: ConversationSummary }>('chat:takeover', { sessionId: this.openId });
    if ('error' in answer) this.error = answer.error.message;
    else this.onConversation(answer.data);
  }

  private async sendReply(event: Event): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const textarea = form.querySelector('textarea')!;
    const text = textarea.value.trim();
    if (!text) return;
    const clientId = `a_${crypto.randomUUID().replaceAll('-', '')}`;
    const answer = await this.ask<{ message: ChatMessage }>('chat:reply', { sessionId: this.openId, text, clientId });
    if ('error' in answer) {
      this.error = answer.error.message;
      return;
    }
    textarea.value = '';
    this.typing.stopped();
    this.error = '';
    this.onMessage({ message: answer.data.message });
  }

  override render() {
    const sorted = [...this.conversations].sort(
      (a, b) => ORDER[a.state] - ORDER[b.state] || (b.lastMessageAt ?? '').localeCompare(a.lastMessageAt ?? ''),
    );
    const open = this.conversations.find((c) => c.sessionId === this.openId);
    return html`<div class="top">
        <h1>Conversations</h1>
        <app-picker @app-change=${(e: CustomEvent<{ app: PublicApp }>) => this.pickApp(e.detail.app)}></app-picker>
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <struggling-now app-id=${this.app?.id ?? ''}></struggling-now>
      <div class="layout" ?data-open=${!!open}>
        <nav aria-label="Conversations">
          ${sorted.length === 0
            ? html`<p class="empty">No conversations under way.</p>`
            : html`<ul class="list">
                ${sorted.map(
                  (c) => html`<li>
                    <button type="button" aria-current=${String(c.sessionId === this.openId)} @click=${() => this.openConversation(c.sessionId)}>
                      <visitor-label .name=${c.visitorName} visitor-id=${c.visitorId} ?verified=${c.identityVerified === true}></visitor-label>
                      <span class="badge" data-state=${c.state}>${STATE_LABELS[c.state]}</span>
                      ${isStrugglingNow({ status: 'active', struggle: c.struggle }, Date.now()) ? html`<span class="badge struggling">Struggling now</span>` : nothing}
                      <span class="preview">${c.lastMessageText}</span>
                    </button>
                  </li>`,
                )}
              </ul>`}
        </nav>
        ${open ? this.renderTranscript(open) : html`<p class="empty">Pick a conversation to read it.</p>`}
      </div>`;
  }

  private renderTranscript(conversation: ConversationSummary) {
    return html`<section class="transcript" aria-label="Transcript">
      <div class="head">
        <button type="button" class="back" @click=${() => (this.openId = '')}>← All conversations</button>
        <h2>
          <visitor-label .name=${conversation.visitorName} visitor-id=${conversation.visitorId} ?verified=${conversation.identityVerified === true}></visitor-label>
        </h2>
        <span class="badge" data-state=${conversation.state}>${STATE_LABELS[conversation.state]}</span>
        ${conversation.state !== 'human' ? html`<button type="button" class="primary" @click=${this.takeOver}>Take over</button>` : nothing}
      </div>
      ${conversation.rating || conversation.contactEmail
        ? html`<div class="feedback">
            ${conversation.rating ? html`<rating-label .rating=${conversation.rating}></rating-label>` : nothing}
            ${conversation.contactEmail
              ? html`<span>Reply by email: <a href=${`mailto:${conversation.contactEmail}`}>${conversation.contactEmail}</a></span>`
              : nothing}
          </div>`
        : nothing}
      <ol role="log" aria-live="polite">
        ${this.messages.map(
          (m) => html`<li class="msg" data-role=${m.role} data-seq=${m.seq}><span class="who">${ROLE_LABELS[m.role]}</span><span class="text">${m.text}</span></li>`,
        )}
        ${[...this.drafts.values()].map(
          (text) => html`<li class="msg" data-role="ai" aria-busy="true"><span class="who">AI (typing)</span><span class="text">${text}</span></li>`,
        )}
      </ol>
      ${this.typing.isVisitorTyping(conversation.sessionId) ? html`<p class="typing-note" role="status">The visitor is typing…</p>` : nothing}
      <form @submit=${this.sendReply}>
        <label for="reply" class="who">Reply</label>
        <textarea id="reply" rows="2" .value=${this.reply} @input=${() => this.typing.typed(conversation.sessionId)}></textarea>
        <button type="submit" class="primary">Send reply</button>
      </form>
    </section>`;
  }

  private pickApp(app: PublicApp): void {
    if (this.app?.id === app.id) return;
    this.app = app;
    this.openId = '';
    this.messages = [];
    void this.loadList();
  }
}

if (!customElements.get('conversations-view')) customElements.define('conversations-view', ConversationsView);
