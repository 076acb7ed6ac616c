import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ConsoleChatMessage as ChatMessage } from '../../../server/src/protocol/chat-events.js';
import type { ReplayManifest, ReplaySessionFacts } from '../../../server/src/protocol/replay-events.js';
import { DevtoolsLog } from './devtools-log.js';
import { EventStream } from './event-stream.js';
import { fetchChunk, fetchChunkBytes, fetchManifest, inflateEvents, streamChunks } from './replay-api.js';
import type { ReplayPlayer } from './replay-player.js';
import { ReplaySocket } from './replay-socket.js';
import { LiveSequencer } from './live-sequencer.js';
import { chunkPlan, EVENT_FULL_SNAPSHOT, EVENT_META, messageMarkers, pageMarkers, type RecordedEvent } from './timeline-markers.js';

/** How long a live view waits for the widget's fresh snapshot before showing the recording instead. */
const LIVE_SNAPSHOT_WAIT_MS = 5000;
/**
 * How far behind the wall clock the live player runs. None: a change is applied at the first animation
 * frame after its batch arrives (the widget sends a watched change at once); a buffer here only adds
 * to every change's delay (at 100 ms it was most of the received → shown time).
 */
const LIVE_BUFFER_MS = 0;

/** Where a replay's first frame spends its time, as User Timing marks (the replay-first-frame bench reads them). */
const mark = (step: string) => performance.mark(`replay:${step}`);

export type ReplayMode = 'loading' | 'replay' | 'live' | 'empty' | 'error';

/**
 * Loads one session into the player: a completed session chunk by chunk from its first full snapshot
 * (the first frame shows as soon as that chunk is in), an active one live — from the fresh snapshot
 * the widget sends when watching starts — turning into a normal replay when the session completes.
 */
export class ReplayController implements ReactiveController {
  mode: ReplayMode = 'loading';
  error = '';
  session: ReplaySessionFacts | undefined;
  messages: ChatMessage[] = [];
  chunksLoaded = 0;
  chunksTotal = 0;
  /** A replay's first frame is on screen. */
  firstFrameShown = false;
  /** Absolute time (ms) at the playhead. */
  playheadTs = 0;
  player: ReplayPlayer | undefined;
  /** The session's console messages and network requests (issue 21), as its events come in. */
  readonly devtools = new DevtoolsLog();

  private appId = '';
  /** A moment to show once the chunks up to it are in (a link to a moment, `#/replay/<app>/<session>/<ts>`). */
  private pendingSeekTs: number | undefined;
  /** The recording is loaded up to this time (ms; Infinity once complete). */
  private loadedThroughTs = -Infinity;
  private abort = new AbortController();
  private socket: ReplaySocket | undefined;
  /** Live batches in seq order; inflating is async, so they are applied through one chain. */
  private liveChain: Promise<void> = Promise.resolve();
  /** Puts live batches in seq order, each once, reading a missing one from the database. */
  private sequencer: LiveSequencer | undefined;
  /** The batch the live player's starting snapshot came in. */
  private liveSnapshotSeq = 0;
  private buffered: RecordedEvent[] = [];

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly stage: (live: boolean) => { element: HTMLElement; width: number; height: number } | undefined,
  ) {
    host.addController(this);
  }

  /**
   * What the first frame does not need (the side column, the insights) waits for it, or until there is
   * none to wait for: drawn before it, it took the main thread from the player's building and drawing (issue 20).
   */
  get firstFrameSettled(): boolean {
    return this.firstFrameShown || (this.mode !== 'loading' && this.mode !== 'replay');
  }

  hostConnected() {}

  hostDisconnected() {
    this.teardown();
  }

  async open(appId: string, sessionId: string) {
    this.teardown();
    this.appId = appId;
    const signal = (this.abort = new AbortController()).signal;
    this.set({ mode: 'loading', error: '', chunksLoaded: 0, chunksTotal: 0, firstFrameShown: false });
    // The player's code (its own chunk, the console's largest) loads while the chunk list is on its way.
    import('./replay-player.js').catch(() => {});
    try {
      mark('open');
      const manifest = await fetchManifest(appId, sessionId, signal);
      if (signal.aborted) return;
      mark('manifest');
      this.set({ session: manifest.session, messages: manifest.messages });
      if (manifest.session.status === 'active') await this.goLive(appId, manifest, signal);
      else await this.replay(appId, manifest, signal);
    } catch (error) {
      if (!signal.aborted) this.set({ mode: 'error', error: (error as Error).message });
    }
  }

  /** Shows the recording at `ts` (absolute ms) as soon as it is loaded that far; a live view ignores it. */
  showAt(ts: number) {
    this.pendingSeekTs = ts;
    this.seekWhenLoaded();
  }

  private seekWhenLoaded() {
    const ts = this.pendingSeekTs;
    const player = this.player;
    if (ts === undefined || !player || player.live || this.loadedThroughTs < ts) return;
    this.pendingSeekTs = undefined;
    // rrweb takes added events in microtasks of its own: seek once it has them (its length bounds the seek).
    setTimeout(() => this.player === player && player.seek(ts - player.meta().startTime), 0);
  }

  async takeOver() {
    await this.socket?.takeOver();
  }

  /** Sends the agent's message; `start`: the first of the conversation, which also opens the visitor's chat. */
  async reply(text: string, start = false) {
    const result = await (start ? this.socket?.start(text) : this.socket?.reply(text));
    if (result) this.addMessage(result.message);
  }

  private async replay(appId: string, manifest: ReplayManifest, signal: AbortSignal) {
    const plan = chunkPlan(manifest.chunks);
    if (plan.length === 0) return this.set({ mode: 'empty' });
    this.set({ chunksTotal: plan.length });
    let pending: RecordedEvent[] = [];
    let pendingMarkers: RecordedEvent[] = [];
    const stream = new EventStream();
    // Creating the player is async (its code loads on first use): chunks queue behind it.
    let chain = Promise.resolve();
    const bySeq = new Map(plan.map((chunk) => [chunk.seq, chunk]));
    await streamChunks(
      plan.map((chunk) => chunk.seq),
      (seq) => fetchChunk(appId, manifest.session.id, bySeq.get(seq)!, signal),
      (chunkEvents, _seq, index) => {
        chain = chain.then(async () => {
          this.loadedThroughTs = index === plan.length - 1 ? Infinity : Math.max(this.loadedThroughTs, plan[index].lastTs);
          const { events, markers } = this.devtools.take(stream.push(chunkEvents));
          if (this.player) {
            this.player.addEvents(events);
            this.player.addMarkers([...pageMarkers(events), ...markers]);
          } else {
            pending.push(...events);
            pendingMarkers.push(...markers);
            if (pending.some((event) => event.type === EVENT_FULL_SNAPSHOT)) {
              mark('first-chunk');
              await this.createPlayer(pending, false, pendingMarkers);
              mark('player');
              // Later chunks (inflating, adding events) wait until the first frame is on screen: they
              // would otherwise take the main thread from rrweb's drawing of it (issue 20).
              await (this.player as ReplayPlayer | undefined)?.firstFramePainted();
              this.set({ firstFrameShown: true });
              pending = [];
              pendingMarkers = [];
            }
          }
          this.set({ chunksLoaded: index + 1 });
          this.seekWhenLoaded();
        });
        return chain;
      },
      signal,
    );
    await chain;
    if (!this.player && !signal.aborted) this.set({ mode: 'empty' });
  }

  private async goLive(appId: string, manifest: ReplayManifest, signal: AbortSignal) {
    const sessionId = manifest.session.id;
    const stream = new EventStream();
    const sequencer = (this.sequencer = new LiveSequencer({
      deliver: (seq, data) => {
        this.liveChain = this.liveChain
          .then(async () => {
            if (!signal.aborted) await this.applyLive(seq, stream.push(await inflateEvents(data)));
          })
          .catch(() => undefined);
      },
      read: (seq) => fetchChunkBytes(appId, sessionId, seq, signal),
    }));
    this.socket = new ReplaySocket(sessionId, {
      batch: ({ seq, data }) => sequencer.receive(seq, data),
      gap: (seq) => sequencer.skip(seq),
      sessionChanged: (session) => {
        if (session.status === 'completed') void this.open(appId, sessionId);
      },
      message: (message) => this.addMessage(message),
    });
    // Watching makes the widget send a fresh full snapshot at once: the player starts from it, so the
    // agent sees the page as it is now without downloading (or replaying) the history first.
    await this.socket.watch();
    // No snapshot means no widget on the other end (the visitor left; the session is not completed
    // yet): show what was recorded instead of waiting.
    await new Promise((resolve) => setTimeout(resolve, LIVE_SNAPSHOT_WAIT_MS));
    if (this.player || signal.aborted) return;
    const socket = this.socket;
    this.socket = undefined;
    void socket?.stopWatching().finally(() => socket.close());
    await this.replay(appId, manifest, signal);
  }

  private async applyLive(seq: number, received: RecordedEvent[]) {
    const before = this.devtools.version;
    const { events } = this.devtools.take(received);
    if (this.devtools.version !== before) this.host.requestUpdate();
    // A batch from before the starting snapshot, come late, would replay older changes over the page.
    if (this.player) return seq > this.liveSnapshotSeq ? this.player.addEvents(events) : undefined;
    this.buffered.push(...events);
    if (events.some((event) => event.type === EVENT_FULL_SNAPSHOT)) this.liveSnapshotSeq = Math.max(this.liveSnapshotSeq, seq);
    // In time order: batches may come out of order (a later one before the snapshot's).
    const sorted = [...this.buffered].sort((a, b) => a.timestamp - b.timestamp);
    const snapshotAt = sorted.findLastIndex((event) => event.type === EVENT_FULL_SNAPSHOT);
    if (snapshotAt < 0) return;
    // Start from the newest snapshot, with its Meta event just before it (rrweb-player needs both).
    const metaAt = sorted.slice(0, snapshotAt).findLastIndex((event) => event.type === EVENT_META);
    const start = sorted.slice(metaAt >= 0 ? metaAt : snapshotAt);
    this.buffered = [];
    await this.createPlayer(start, true);
    // Every batch after the snapshot's, in seq order from here on (the ones already here are not repeated).
    this.sequencer?.orderFrom(this.liveSnapshotSeq + 1);
  }

  private async createPlayer(events: RecordedEvent[], live: boolean, markers: RecordedEvent[] = []) {
    const stage = this.stage(live);
    if (!stage || this.player) return;
    const { ReplayPlayer } = await import('./replay-player.js');
    if (this.player) return;
    const sorted = [...events].sort((a, b) => a.timestamp - b.timestamp);
    if (live) {
      // Live starts from the fresh snapshot the widget sends when watching begins: what came before
      // it is history the agent need not download.
      // The player starts from the snapshot (it draws it by itself); the events after it are added
      // once the live clock runs, so those already due apply at once.
      const snapshotAt = sorted.findIndex((event) => event.type === EVENT_FULL_SNAPSHOT);
      const player = new ReplayPlayer(stage.element, sorted.slice(0, snapshotAt + 1), { appId: this.appId, width: stage.width, height: stage.height, live });
      this.player = player;
      // Anchor the live clock at now (less a small buffer), not at the snapshot's timestamp: anchored
      // there, every later event played as late as the snapshot had arrived and the player had loaded
      // (~0.7–1.8 s, for as long as the agent watched). A visitor clock running ahead of ours falls
      // back to the newest event. The player must not be playing already: rrweb ignores this then.
      const newest = sorted.at(-1)?.timestamp ?? Date.now();
      player.startLive(Math.max(newest, Date.now() - LIVE_BUFFER_MS));
      player.addEvents(sorted.slice(snapshotAt + 1));
      return this.set({ mode: 'live' });
    }
    const player = new ReplayPlayer(stage.element, sorted, { appId: this.appId, width: stage.width, height: stage.height, live });
    this.player = player;
    player.addMarkers([...pageMarkers(sorted), ...messageMarkers(this.messages), ...markers]);
    player.onTime((offset) => this.set({ playheadTs: player.meta().startTime + offset }));
    this.set({ playheadTs: player.meta().startTime, mode: 'replay' });
  }

  private addMessage(message: ChatMessage) {
    if (this.messages.some((known) => known.id === message.id)) return;
    this.set({ messages: [...this.messages, message].sort((a, b) => a.seq - b.seq) });
  }

  private teardown() {
    this.abort.abort();
    const socket = this.socket;
    this.socket = undefined;
    if (socket) void socket.stopWatching().finally(() => socket.close());
    this.player?.destroy();
    this.player = undefined;
    this.sequencer?.close();
    this.sequencer = undefined;
    this.liveSnapshotSeq = 0;
    this.loadedThroughTs = -Infinity;
    this.buffered = [];
    this.devtools.clear();
    this.liveChain = Promise.resolve();
  }

  private set(patch: Partial<Pick<ReplayController, 'mode' | 'error' | 'session' | 'messages' | 'chunksLoaded' | 'chunksTotal' | 'firstFrameShown' | 'playheadTs'>>) {
    Object.assign(this, patch);
    this.host.requestUpdate();
  }
}
