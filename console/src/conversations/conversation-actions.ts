import { html, nothing, type TemplateResult } from 'lit';
import type { ConversationSummary } from '../../../server/src/protocol/chat-events.js';
import { STATUS_LABELS } from './conversation-views.js';

/** Parts of the Conversations transcript (issue 18), rendered in the view's shadow root with its styles. */

export interface ConversationActions {
  userId: string;
  teammates: Array<{ id: string; email: string }>;
  /** The teammates list is read when the agent first reaches for it. */
  wantTeammates(): void;
  /** To a teammate, or to the agent when none is named. */
  assign(userId?: string): void;
  resolve(): void;
}

/** The conversation's status and assignee, with Assign to me, Assign to (a teammate) and Resolve. */
export function conversationActions(conversation: ConversationSummary, actions: ConversationActions): TemplateResult {
  const assignee = conversation.assigneeId === actions.userId ? 'you' : actions.teammates.find((t) => t.id === conversation.assigneeId)?.email;
  return html`<div class="head actions" aria-label="Conversation status">
    ${conversation.conversationStatus
      ? html`<span class="badge" data-status=${conversation.conversationStatus}>${STATUS_LABELS[conversation.conversationStatus]}</span>`
      : nothing}
    <span class="assignee">${conversation.assigneeId ? `Assigned to ${assignee ?? 'a teammate'}` : 'Unassigned'}</span>
    ${conversation.assigneeId !== actions.userId ? html`<button type="button" class="secondary" @click=${() => actions.assign()}>Assign to me</button>` : nothing}
    <label>
      <span class="who">Assign to</span>
      <select
        aria-label="Assign to a teammate"
        @focus=${() => actions.wantTeammates()}
        @change=${(e: Event) => {
          const select = e.target as HTMLSelectElement;
          if (select.value) actions.assign(select.value);
          select.value = '';
        }}
      >
        <option value="">Choose…</option>
        ${actions.teammates.map((t) => html`<option value=${t.id}>${t.email}</option>`)}
      </select>
    </label>
    ${conversation.conversationStatus && conversation.conversationStatus !== 'resolved'
      ? html`<button type="button" class="secondary" @click=${() => actions.resolve()}>Resolve</button>`
      : nothing}
  </div>`;
}

/** The application's saved replies: choosing one hands its text to `insert` (the composer), to edit or send. */
export function savedRepliesPicker(replies: readonly string[], insert: (text: string) => void): TemplateResult | typeof nothing {
  if (!replies.length) return nothing;
  return html`<select
    aria-label="Saved replies"
    @change=${(e: Event) => {
      const select = e.target as HTMLSelectElement;
      const reply = replies[Number(select.value)];
      if (select.value && reply !== undefined) insert(reply);
      select.value = '';
    }}
  >
    <option value="">Saved replies…</option>
    ${replies.map((reply, i) => html`<option value=${i}>${reply.length > 60 ? `${reply.slice(0, 60)}…` : reply}</option>`)}
  </select>`;
}
