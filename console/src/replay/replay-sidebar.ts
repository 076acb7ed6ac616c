import { html, nothing, type TemplateResult } from 'lit';
import type { ConsoleChatMessage as ChatMessage } from '../../../server/src/protocol/chat-events.js';
import type { ReplaySessionFacts } from '../../../server/src/protocol/replay-events.js';
import type { DevtoolsLog } from './devtools-log.js';
import { formatDuration } from './timeline-markers.js';

/** Everything here is rendered through Lit text bindings: recorded strings are never markup. */

// One formatter for every message: toLocaleTimeString with options builds a new one per call, and the
// transcript is drawn on every update of the replay (issue 20's profile: ~35 ms per opening). Built on
// first use, not when the replay's code loads: the first one costs ~10 ms (the locale's data), which
// sat on the main thread before the replay view opened (issue 20).
let timeFormat: Intl.DateTimeFormat | undefined;
const time = (iso: string) => (timeFormat ??= new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })).format(new Date(iso));

export function sessionFacts(session: ReplaySessionFacts): TemplateResult {
  const end = session.endedAt ?? session.lastActivityAt;
  const visitor = session.visitorName || session.visitorEmail ? `${session.visitorName} ${session.visitorEmail}`.trim() : session.visitorId;
  return html`<dl class="facts" aria-label="Session facts">
    <dt>Visitor</dt>
    <dd>${visitor}</dd>
    <dt>Status</dt>
    <dd class="status">${session.status === 'active' ? 'Active' : 'Completed'}</dd>
    <dt>Duration</dt>
    <dd>${formatDuration(Date.parse(end) - Date.parse(session.startedAt))}</dd>
    <dt>Landing URL</dt>
    <dd class="url">${session.landingUrl}</dd>
    <dt>Pages (${session.pages.length})</dt>
    <dd>
      <ol class="pages">
        ${session.pages.map((page) => html`<li><span class="url">${page.url}</span> <time>${time(page.at)}</time></li>`)}
      </ol>
    </dd>
    <dt>Viewport</dt>
    <dd>${session.viewport.width} × ${session.viewport.height}</dd>
    <dt>User agent</dt>
    <dd class="ua">${session.userAgent}</dd>
  </dl>`;
}

const ROLE_LABELS: Record<ChatMessage['role'], string> = { visitor: 'Visitor', ai: 'AI', agent: 'Agent', system: 'System', note: 'Internal note' };

/** The conversation; the message being sent at the playhead is marked current, a click seeks to it. */
export function transcript(messages: ChatMessage[], current: number, seek: ((message: ChatMessage) => void) | undefined): TemplateResult {
  if (messages.length === 0) return html`<p class="muted">No chat messages in this session.</p>`;
  return html`<ol class="transcript" aria-label="Conversation">
    ${messages.map(
      (message, index) =>
        html`<li class="message ${message.role}" aria-current=${index === current ? 'true' : nothing}>
          <button type="button" ?disabled=${!seek} @click=${() => seek?.(message)} title=${seek ? 'Jump to this moment' : ''}>
            <span class="meta"><strong>${ROLE_LABELS[message.role]}</strong> <time>${time(message.createdAt)}</time></span>
            <span class="text">${message.text}</span>
          </button>
        </li>`,
    )}
  </ol>`;
}

export type SideTab = 'conversation' | 'console' | 'network';

/**
 * The tabs of the side column's lower part (issue 21): the conversation, and the page's console and
 * network beside it, with how many rows each has (errors and failed requests counted apart).
 */
export function sideTabs(selected: SideTab, devtools: DevtoolsLog, select: (tab: SideTab) => void): TemplateResult {
  const { errors, failedRequests: failed } = devtools;
  const tab = (id: SideTab, name: string, count?: number, alarming = 0) =>
    html`<button type="button" role="tab" id="side-tab-${id}" aria-selected=${String(selected === id)} @click=${() => select(id)}>
      ${name}${count === undefined ? nothing : html` <span class="count">${count}</span>`}${alarming ? html` <span class="count failed" title="Errors or failures">${alarming}</span>` : nothing}
    </button>`;
  return html`<div class="side-tabs" role="tablist" aria-label="Conversation and devtools">
    ${tab('conversation', 'Conversation')} ${tab('console', 'Console', devtools.console.length, errors)} ${tab('network', 'Network', devtools.network.length, failed)}
  </div>`;
}
