import Player from 'rrweb-player';
import { FOCUS_RING_RULES, ReplayFidelity, type FidelityReplayer } from './replay-fidelity.js';
import { EVENT_FULL_SNAPSHOT, markerAt, markerColours, type RecordedEvent } from './timeline-markers.js';

type PlayerEvent = Parameters<Player['addEvent']>[0];
/** Svelte's component methods (svelte's own types are not installed, only its compiled output). */
type SvelteHandle = { $set(props: Record<string, unknown>): void; $destroy(): void };

/** The longest the first frame holds back the rest of a recording (a snapshot rrweb never draws, a hidden tab). */
const FIRST_FRAME_WAIT_MS = 1000;

/** Playback speeds offered in the controller. */
export const SPEED_OPTIONS = [1, 2, 4, 8];

/**
 * The one place that touches rrweb-player. The recording is untrusted: rrweb rebuilds it in an iframe
 * whose sandbox is exactly `allow-same-origin` (its default — no scripts run), and no option named
 * UNSAFE_ is ever passed here.
 */
export class ReplayPlayer {
  private readonly player: Player;
  private readonly markers: RecordedEvent[] = [];
  private readonly target: HTMLElement;
  private readonly fidelity: ReplayFidelity;
  private destroyed = false;
  /** The controller's playhead (ms from the start); the replayer's own clock is meaningless before play. */
  private offsetMs = 0;
  /** Offset of the first full snapshot: seeking before it would leave the frame as it was. */
  private readonly firstFrameMs: number;
  readonly live: boolean;
  private get svelte(): SvelteHandle {
    return this.player as unknown as SvelteHandle;
  }

  constructor(target: HTMLElement, events: RecordedEvent[], options: { appId: string; width: number; height: number; live: boolean }) {
    this.live = options.live;
    // The recorded pages' fonts load from here (a document of the console's origin, as a member of the application).
    const fontBase = `${location.origin}/api/apps/${encodeURIComponent(options.appId)}/fonts/`;
    this.fidelity = new ReplayFidelity((sha256) => fontBase + sha256);
    const start = events[0]?.timestamp ?? 0;
    const snapshot = events.find((event) => event.type === EVENT_FULL_SNAPSHOT);
    // rrweb applies, when seeking, the events strictly before the target: hence the 1 ms.
    this.firstFrameMs = snapshot ? Math.max(0, snapshot.timestamp - start) + 1 : 0;
    this.player = new Player({
      target,
      props: {
        events: this.prepare(events),
        width: options.width,
        height: options.height,
        // Never: rrweb's player ignores `startLive` once it plays, and live starts only with it.
        autoPlay: false,
        skipInactive: true,
        speedOption: SPEED_OPTIONS,
        showController: !options.live,
        liveMode: options.live,
        // rrweb applies a change older than the live clock (one that came late, or read back from the
        // database) "synchronously", and with the virtual DOM on it then keeps every later change in
        // that virtual DOM, flushed only when a normal replay plays: the live view froze for good.
        useVirtualDom: !options.live,
        mouseTail: false,
        // Replaying the visitor's focus would call focus() inside the frame and take the console's
        // keyboard focus with it: the viewer's shortcuts would stop after any seek past a focus.
        triggerFocus: false,
        // The visitor's focus is shown with classes instead (replay-fidelity.ts), and the browser's own ring with these.
        insertStyleRules: FOCUS_RING_RULES,
        plugins: [this.fidelity.plugin],
        tags: {},
      },
    });
    this.fidelity.attach(this.player.getReplayer() as unknown as FidelityReplayer);
    this.onTime((offset) => (this.offsetMs = offset));
    // Capture phase on the stage: runs before the progress bar's own click handler, which would seek
    // to the clicked pixel instead of the marker's exact moment.
    target.addEventListener('click', this.onMarkerClick, true);
    this.target = target;
  }

  /** A click on a timeline marker seeks exactly to the moment it marks. */
  private readonly onMarkerClick = (event: MouseEvent) => {
    const element = event.target as HTMLElement | null;
    const progress = element?.closest('.rr-progress');
    const tag = element?.getAttribute('title');
    if (!progress || !tag || element === progress) return;
    const box = progress.getBoundingClientRect();
    const fraction = box.width > 0 ? Math.min(1, Math.max(0, (event.clientX - box.left) / box.width)) : 0;
    const { startTime, totalTime } = this.meta();
    const marker = markerAt(this.markers, tag, fraction, startTime, totalTime);
    if (!marker) return;
    event.stopPropagation();
    this.seek(marker.timestamp - startTime);
  };

  /**
   * Resolves once rrweb has drawn the first full snapshot (it does in a timer of its own after the
   * player is built) and the browser has painted it — or after FIRST_FRAME_WAIT_MS, whatever happens.
   */
  firstFramePainted(): Promise<void> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(settle, FIRST_FRAME_WAIT_MS);
      this.player.getReplayer().on('fullsnapshot-rebuilded', () => requestAnimationFrame(() => setTimeout(settle, 0)));
    });
  }

  /** Live mode: events up to `baselineTs` (the newest known) apply at once, later ones as they come. */
  startLive(baselineTs: number) {
    this.player.getReplayer().startLive(baselineTs);
  }

  /** Appends events (a chunk, a live batch); the player keeps them in time order. */
  addEvents(events: RecordedEvent[]) {
    for (const event of this.prepare(events)) this.player.addEvent(event);
  }

  /** Events as the player gets them: the recording's own resource loads guarded, and ready for fidelity. */
  private prepare(events: RecordedEvent[]): PlayerEvent[] {
    return events.map((event) => this.fidelity.prepare(event)).filter((event) => event !== null) as PlayerEvent[];
  }

  /** Adds timeline markers (custom events) and redraws them, colours by kind. */
  addMarkers(markers: RecordedEvent[]) {
    this.markers.push(...markers);
    this.addEvents(markers);
    // rrweb-player recomputes its markers when `tags` changes: hand it a new object. Its controller is
    // built one update after the player, and tags set before that are not drawn: set them again then.
    const redraw = () => !this.destroyed && this.svelte.$set({ tags: markerColours(this.markers) });
    redraw();
    setTimeout(redraw, 0);
  }

  /** Recording start, end and length, in ms. */
  meta(): { startTime: number; endTime: number; totalTime: number } {
    return this.player.getMetaData();
  }

  currentTime(): number {
    return this.offsetMs;
  }

  onTime(listener: (timeOffsetMs: number) => void) {
    this.player.addEventListener('ui-update-current-time', (detail) => listener((detail as { payload: number }).payload));
  }

  toggle() {
    this.player.toggle();
  }

  /** Seeks to an offset from the start, clamped to the recording, keeping the play state. */
  seek(timeOffsetMs: number) {
    const { totalTime } = this.meta();
    const playing = this.player.getReplayer().service.state.matches('playing');
    this.player.goto(Math.min(Math.max(this.firstFrameMs, timeOffsetMs), totalTime), playing);
  }

  resize(width: number, height: number) {
    this.svelte.$set({ width, height });
    this.player.triggerResize();
  }

  destroy() {
    this.destroyed = true;
    this.target.removeEventListener('click', this.onMarkerClick, true);
    try {
      this.player.getReplayer().destroy();
    } finally {
      this.svelte.$destroy();
    }
  }
}
