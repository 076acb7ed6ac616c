import { html, LitElement, nothing, type PropertyValues } from 'lit';
import type { ConsoleChatMessage as ChatMessage } from '../../../server/src/protocol/chat-events.js';
import { request } from '../api-client.js';
import { InsightsController } from './insights-controller.js';
import './devtools-panel.js';
import './insights-panel.js';
import { ReplayController } from './replay-controller.js';
import type { ReplayPlayer } from './replay-player.js';
import { CONTROLLER_HEIGHT_PX, STAGE_PADDING_PX } from './replay-player-size.js';
import { sessionFacts, sideTabs, transcript, type SideTab } from './replay-sidebar.js';
import { replayStyles } from './replay-styles.js';
import { currentMessageIndex, signalMarkers } from './timeline-markers.js';

/** How far the arrow keys move the playhead. */
const ARROW_SEEK_MS = 5000;

/**
 * The fullscreen replay viewer (`#/replay/<appId>/<sessionId>`, or `…/<ts>` to open it at a moment, ms since
 * the epoch): the player, the session's facts and
 * its conversation synchronised with the playhead; live, with a LIVE badge, while the session is active.
 * Keys: space plays/pauses, ← → seek 5 s, Home/End jump to the start/end, Esc leaves fullscreen (or the viewer).
 */
export class ReplayView extends LitElement {
  static override properties = {
    appId: { attribute: 'app-id' },
    sessionId: { attribute: 'session-id' },
    at: { attribute: 'at' },
    viewerRole: { attribute: false },
    replyError: { state: true },
    eraseError: { state: true },
    sideTab: { state: true },
  };
  static override styles = replayStyles;
  declare appId: string;
  declare sessionId: string;
  /** A moment to show (absolute ms, from a link `#/replay/<app>/<session>/<ts>`), or empty. */
  declare at: string;
  declare replyError: string;
  /** The viewer's role: owners may erase the visitor. */
  declare viewerRole: 'owner' | 'agent' | undefined;
  declare eraseError: string;
  /** What the lower part of the side column shows: the conversation, or the page's console or network (issue 21). */
  declare sideTab: SideTab;

  private readonly replay = new ReplayController(this, (live) => this.stageSize(live));
  private readonly insights = new InsightsController(this);
  /** Players that already carry the signal markers (a new player comes with every reopen). */
  private readonly markedPlayers = new WeakSet<ReplayPlayer>();
  /** The session whose insights were asked for (once its first frame was on screen). */
  private insightsKey = '';
  /** The session's status last seen: insights are loaded again when it ends. */
  private seenStatus: string | undefined;
  private readonly resizeObserver = new ResizeObserver(() => this.fitPlayer());
  private readonly onKeydown = (event: KeyboardEvent) => this.handleKey(event);

  constructor() {
    super();
    this.appId = '';
    this.sessionId = '';
    this.at = '';
    this.replyError = '';
    this.eraseError = '';
    this.sideTab = 'conversation';
  }

  override connectedCallback() {
    super.connectedCallback();
    addEventListener('keydown', this.onKeydown);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    removeEventListener('keydown', this.onKeydown);
    this.resizeObserver.disconnect();
  }

  protected override firstUpdated() {
    this.resizeObserver.observe(this.stage);
  }

  protected override updated(changed: PropertyValues<this>) {
    this.dataset.mode = this.replay.mode;
    if ((changed.has('appId') || changed.has('sessionId')) && this.appId && this.sessionId) {
      void this.replay.open(this.appId, this.sessionId);
    }
    const key = `${this.appId}/${this.sessionId}`;
    if (this.replay.firstFrameSettled && this.appId && this.sessionId && key !== this.insightsKey) {
      this.insightsKey = key;
      this.insights.load(this.appId, this.sessionId);
    }
    if ((changed.has('at') || changed.has('sessionId')) && /^\d+$/.test(this.at)) this.replay.showAt(Number(this.at));
    const status = this.replay.session?.status;
    if (status === 'completed' && this.seenStatus === 'active') this.insights.load(this.appId, this.sessionId);
    if (status) this.seenStatus = status;
    this.markSignals();
    // The message at the playhead stays in view in the conversation's own scrolling area.
    this.renderRoot.querySelector('.transcript [aria-current="true"]')?.scrollIntoView({ block: 'nearest' });
  }

  /** Signal markers on the timeline, once both the player and the insights are there. */
  private markSignals() {
    const player = this.replay.player;
    const signals = this.insights.insights?.signals ?? [];
    if (!player || player.live || !signals.length || this.markedPlayers.has(player)) return;
    this.markedPlayers.add(player);
    player.addMarkers(signalMarkers(signals));
  }

  private get stage(): HTMLElement {
    return this.renderRoot.querySelector('.stage-player') as HTMLElement;
  }

  /** Room for the player's frame: the stage, less the controller below it when there is one. */
  private stageSize(live: boolean) {
    const element = this.stage;
    if (!element) return undefined;
    const box = element.parentElement!.getBoundingClientRect();
    const width = Math.max(320, Math.floor(box.width - STAGE_PADDING_PX));
    const height = Math.max(200, Math.floor(box.height - STAGE_PADDING_PX - (live ? 0 : CONTROLLER_HEIGHT_PX)));
    return { element, width, height };
  }

  private fitPlayer() {
    const player = this.replay.player;
    const size = player && this.stageSize(player.live);
    if (player && size) player.resize(size.width, size.height);
  }

  override render() {
    const { mode, session, chunksLoaded, chunksTotal, error } = this.replay;
    const live = mode === 'live';
    return html`<link rel="stylesheet" href="/rrweb-player.css" />
      <header>
        <a class="back" href="#/sessions">← Sessions</a>
        <h1>${session ? session.landingUrl : 'Replay'}</h1>
        ${live ? html`<span class="live-badge" role="status">LIVE</span>` : nothing}
        <span class="spacer"></span>
        ${chunksTotal > 0 && chunksLoaded < chunksTotal
          ? html`<span class="progress">
              <progress aria-label="Loading the recording" max=${chunksTotal} .value=${chunksLoaded}></progress>
              ${chunksLoaded} / ${chunksTotal}
            </span>`
          : nothing}
        <button type="button" @click=${() => this.toggleFullscreen()}>Fullscreen</button>
      </header>
      <div class="body">
        <div class="stage">
          <div class="stage-player"></div>
          ${mode === 'loading' ? html`<p class="notice">Loading the recording…</p>` : nothing}
          ${mode === 'empty' ? html`<p class="notice">This session has no recording.</p>` : nothing}
          ${mode === 'error' ? html`<p class="notice" role="alert">${error}</p>` : nothing}
        </div>
        <aside>${this.replay.firstFrameSettled ? this.renderSide() : nothing}</aside>
      </div>`;
  }

  /** The side column: the insights, the session's facts, its conversation or its devtools log. */
  private renderSide() {
    const { mode, session, messages, playheadTs } = this.replay;
    const live = mode === 'live';
    const current = live ? messages.length - 1 : currentMessageIndex(messages, playheadTs);
    const seek = mode === 'replay' ? (message: ChatMessage) => this.seekTo(message) : undefined;
    return html`<div class="details">
      <!-- What happened, first: the reason to open a replay without watching it. -->
      <insights-panel
        .insights=${this.insights.insights}
        .busy=${this.insights.busy}
        error=${this.insights.error}
        ?live=${live || session?.status === 'active'}
        .startTs=${this.replay.player?.meta().startTime}
        @insight-seek=${(event: CustomEvent<{ ts: number }>) => this.seekToTs(event.detail.ts)}
        @insights-recompute=${(event: CustomEvent<{ regenerateSummary: boolean }>) =>
          void this.insights.recompute(this.appId, this.sessionId, event.detail.regenerateSummary)}
      ></insights-panel>
      ${session ? sessionFacts(session) : nothing}
      ${session && this.viewerRole === 'owner'
        ? html`<button type="button" class="erase" @click=${() => this.eraseVisitor(session.visitorId)}>Erase this visitor…</button>
            ${this.eraseError ? html`<p role="alert">${this.eraseError}</p>` : nothing}`
        : nothing}
    </div>
    <!-- Its own scrolling part of the column, so it is on screen however long the details are. -->
    ${sideTabs(this.sideTab, this.replay.devtools, (tab) => (this.sideTab = tab))}
    ${this.sideTab === 'conversation'
      ? html`<section class="conversation" role="tabpanel" aria-labelledby="conversation-title">
          <h2 id="conversation-title">Conversation</h2>
          ${transcript(messages, current, seek)} ${live ? this.renderTakeover() : nothing}
        </section>`
      : html`<devtools-panel
          role="tabpanel"
          aria-labelledby="side-tab-${this.sideTab}"
          .tab=${this.sideTab}
          .log=${this.replay.devtools}
          .version=${this.replay.devtools.version}
          .startTs=${this.replay.player?.meta().startTime}
          .playheadTs=${playheadTs}
          ?live=${live}
          @devtools-seek=${(event: CustomEvent<{ ts: number }>) => this.seekToTs(event.detail.ts)}
        ></devtools-panel>`}`;
  }

  /** Erasure on request: every session, recording and message of this visitor, after a confirmation. */
  private async eraseVisitor(visitorId: string) {
    if (!confirm('Erase this visitor? Every session, recording and message of theirs in this application is deleted for good.')) return;
    try {
      await request('DELETE', `/apps/${encodeURIComponent(this.appId)}/visitors/${encodeURIComponent(visitorId)}`);
      location.hash = '#/sessions';
    } catch (error) {
      this.eraseError = (error as Error).message;
    }
  }

  private renderTakeover() {
    // No conversation yet: the agent starts it, and the visitor's chat opens with their message (issue 21).
    const starting = this.replay.messages.length === 0;
    return html`<form class="takeover" @submit=${(event: SubmitEvent) => this.sendReply(event, starting)}>
      <button type="button" @click=${() => this.replay.takeOver().catch((e: Error) => (this.replyError = e.message))}>Take over the chat</button>
      <label for="reply">${starting ? 'Start a conversation with the visitor' : 'Reply to the visitor'}</label>
      <textarea id="reply" name="reply" maxlength="2000"></textarea>
      <button type="submit">${starting ? 'Start the conversation' : 'Send'}</button>
      ${this.replyError ? html`<p role="alert">${this.replyError}</p>` : nothing}
    </form>`;
  }

  private async sendReply(event: SubmitEvent, starting: boolean) {
    event.preventDefault();
    const field = (event.target as HTMLFormElement).elements.namedItem('reply') as HTMLTextAreaElement;
    const text = field.value.trim();
    if (!text) return;
    try {
      await this.replay.reply(text, starting);
      field.value = '';
      this.replyError = '';
    } catch (error) {
      this.replyError = (error as Error).message;
    }
  }

  private seekTo(message: ChatMessage) {
    this.seekToTs(Date.parse(message.createdAt));
  }

  /** Shows the recording at an absolute time (a message, a signal, a summary's timestamp). */
  private seekToTs(ts: number) {
    const player = this.replay.player;
    if (player && !player.live) player.seek(ts - player.meta().startTime);
  }

  private toggleFullscreen() {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void this.requestFullscreen().catch(() => undefined);
  }

  private handleKey(event: KeyboardEvent) {
    const target = event.composedPath()[0] as HTMLElement | undefined;
    if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
    const player = this.replay.player;
    if (event.key === 'Escape') {
      if (document.fullscreenElement) void document.exitFullscreen();
      else location.hash = '#/sessions';
      return;
    }
    if (!player || player.live) return;
    if (event.key === ' ') {
      event.preventDefault();
      player.toggle();
    } else if (event.key === 'ArrowRight' || event.key === 'ArrowLeft') {
      event.preventDefault();
      player.seek(player.currentTime() + (event.key === 'ArrowRight' ? ARROW_SEEK_MS : -ARROW_SEEK_MS));
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      player.seek(event.key === 'Home' ? 0 : player.meta().totalTime);
    }
  }
}
customElements.define('replay-view', ReplayView);
