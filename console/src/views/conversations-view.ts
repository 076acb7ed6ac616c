import { html, LitElement, nothing } from 'lit';
import { CONVERSATION_VIEWS, type ConsoleChatMessage as ChatMessage, type ConversationSummary, type ConversationView } from '../../../server/src/protocol/chat-events.js';
import { conversationActions, savedRepliesPicker } from '../conversations/conversation-actions.js';
import { conversationsStyles } from '../conversations/conversations-styles.js';
import { belongsTo, sortForView, STATUS_LABELS, VIEW_LABELS } from '../conversations/conversation-views.js';
import { markSeen, unreadCount } from '../conversations/seen-messages.js';
import { allowDesktopNotifications } from '../live/waiting-alerts.js';
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
const ROLE_LABELS: Record<ChatMessage['role'], string> = { visitor: 'Visitor', ai: 'AI', agent: 'Agent', system: 'Note', note: 'Internal note' };
const ACK_TIMEOUT_MS = 10_000;

type Answer<T> = { data: T } | { error: { code: string; message: string } };

/**
 * Conversations for agents: the Waiting / Mine / Open / Resolved views (issue 18), the live transcript
 * of one conversation, take over, reply, assign and resolve. Everything arrives over the console
 * socket; text is rendered as text.
 */
export class ConversationsView extends LitElement {
  static override properties = {
    user: { attribute: false },
    app: { state: true },
    conversations: { state: true },
    view: { state: true },
    waitingIds: { state: true },
    teammates: { state: true },
    openId: { state: true },
    messages: { state: true },
    drafts: { state: true },
    error: { state: true },
  };
  declare user: PublicUser;
  declare app: PublicApp | undefined;
  declare conversations: ConversationSummary[];
  declare view: ConversationView;
  /** Conversations waiting for a person, whatever view is shown (the Waiting tab's count). */
  declare waitingIds: Set<string>;
  declare teammates: Array<{ id: string; email: string }>;
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
    this.view = 'open';
    this.waitingIds = new Set();
    this.teammates = [];
    this.openId = '';
    this.messages = [];
    this.drafts = new Map();
    this.error = '';
  }

  static override styles = conversationsStyles;

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

  /** A conversation changed: it joins, moves within or leaves the view shown, as a fresh list would have it. */
  private onConversation = ({ conversation }: { conversation: ConversationSummary }) => {
    if (conversation.appId !== this.app?.id) return;
    const others = this.conversations.filter((c) => c.sessionId !== conversation.sessionId);
    // The open conversation stays listed while read, whatever became of it.
    const keep = belongsTo(this.view, conversation, this.user.id) || conversation.sessionId === this.openId;
    if (conversation.sessionId === this.openId) markSeen(conversation.sessionId, conversation.messageCount);
    this.conversations = keep ? [conversation, ...others] : others;
    const waiting = new Set(this.waitingIds);
    if (conversation.conversationStatus === 'waiting') waiting.add(conversation.sessionId);
    else waiting.delete(conversation.sessionId);
    this.waitingIds = waiting;
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
    const appId = this.app.id;
    const view = this.view;
    const [answer, waiting] = await Promise.all([
      this.ask<{ conversations: ConversationSummary[] }>('chat:list', { appId, view }),
      view === 'waiting' ? null : this.ask<{ conversations: ConversationSummary[] }>('chat:list', { appId, view: 'waiting' }),
    ]);
    if (this.view !== view || this.app?.id !== appId) return;
    if ('error' in answer) {
      this.error = answer.error.message;
      return;
    }
    this.conversations = answer.data.conversations;
    const waitingList = waiting && 'data' in waiting ? waiting.data.conversations : view === 'waiting' ? answer.data.conversations : [];
    this.waitingIds = new Set(waitingList.map((c) => c.sessionId));
  }

  private showView(view: ConversationView): void {
    if (this.view === view) return;
    this.view = view;
    void this.loadList();
  }

  private async loadTeammates(): Promise<void> {
    if (!this.app) return;
    const answer = await this.ask<{ members: Array<{ id: string; email: string }> }>('chat:teammates', { appId: this.app.id });
    if ('data' in answer) this.teammates = answer.data.members;
  }

  /** Assign (to a teammate, or to me when none is named) or resolve the open conversation. */
  private async act(event: 'chat:assign' | 'chat:resolve', payload: { userId?: string } = {}): Promise<void> {
    const answer = await this.ask<{ conversation: ConversationSummary }>(event, { sessionId: this.openId, ...payload });
    if ('error' in answer) this.error = answer.error.message;
    else {
      this.error = '';
      this.onConversation(answer.data);
    }
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

  /** Sends the composer's text as a reply to the visitor, or (the "Add internal note" button) as a note only agents see. */
  private async sendReply(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const textarea = form.querySelector('textarea')!;
    const text = textarea.value.trim();
    if (!text) return;
    const asNote = (event.submitter as HTMLButtonElement | null)?.value === 'note';
    const clientId = `a_${crypto.randomUUID().replaceAll('-', '')}`;
    const answer = await this.ask<{ message: ChatMessage }>(asNote ? 'chat:note' : 'chat:reply', { sessionId: this.openId, text, clientId });
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
    const sorted = sortForView(this.view, this.conversations);
    const open = this.conversations.find((c) => c.sessionId === this.openId);
    return html`<div class="top">
        <h1>Conversations</h1>
        <app-picker @app-change=${(e: CustomEvent<{ app: PublicApp }>) => this.pickApp(e.detail.app)}></app-picker>
        ${typeof Notification !== 'undefined' && Notification.permission === 'default'
          ? html`<button type="button" class="secondary" @click=${async () => (await allowDesktopNotifications(), this.requestUpdate())}>Turn on desktop notifications</button>`
          : nothing}
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <struggling-now app-id=${this.app?.id ?? ''}></struggling-now>
      <div class="layout" ?data-open=${!!open}>
        <nav aria-label="Conversations">
          <div role="tablist" aria-label="Views">
            ${CONVERSATION_VIEWS.map(
              (view) => html`<button type="button" role="tab" data-view=${view} aria-selected=${String(view === this.view)} @click=${() => this.showView(view)}>
                ${VIEW_LABELS[view]}${view === 'waiting' ? ` (${this.waitingIds.size})` : ''}
              </button>`,
            )}
          </div>
          ${sorted.length === 0
            ? html`<p class="empty">No conversations here.</p>`
            : html`<ul class="list">
                ${sorted.map(
                  (c) => html`<li>
                    <button type="button" data-session-id=${c.sessionId} aria-current=${String(c.sessionId === this.openId)} @click=${() => this.openConversation(c.sessionId)}>
                      <visitor-label .name=${c.visitorName} visitor-id=${c.visitorId} ?verified=${c.identityVerified === true}></visitor-label>
                      ${c.sessionId !== this.openId && unreadCount(c.sessionId, c.messageCount) > 0
                        ? html`<span class="unread" title="Unread messages">${unreadCount(c.sessionId, c.messageCount)}</span>`
                        : nothing}
                      ${c.conversationStatus ? html`<span class="badge" data-status=${c.conversationStatus}>${STATUS_LABELS[c.conversationStatus]}</span>` : nothing}
                      ${c.state === 'waiting' && c.conversationStatus === 'waiting' ? nothing : html`<span class="badge" data-state=${c.state}>${STATE_LABELS[c.state]}</span>`}
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
      ${conversationActions(conversation, {
        userId: this.user.id,
        teammates: this.teammates,
        wantTeammates: () => void this.loadTeammates(),
        assign: (userId) => void this.act('chat:assign', userId ? { userId } : {}),
        resolve: () => void this.act('chat:resolve'),
      })}
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
        ${savedRepliesPicker(this.app?.settings.conversations.savedReplies ?? [], (text) => {
          const textarea = this.shadowRoot!.querySelector<HTMLTextAreaElement>('#reply')!;
          textarea.value = text;
          textarea.focus();
        })}
        <button type="submit" class="primary" value="reply">Send reply</button>
        <button type="submit" class="secondary" value="note" title="Only your team sees internal notes">Add internal note</button>
      </form>
    </section>`;
  }

  private pickApp(app: PublicApp): void {
    if (this.app?.id === app.id) return;
    this.app = app;
    this.openId = '';
    this.messages = [];
    void this.loadList();
    void this.loadTeammates();
  }
}

if (!customElements.get('conversations-view')) customElements.define('conversations-view', ConversationsView);
