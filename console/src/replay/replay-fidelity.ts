import { FOCUS_TAG, FONTS_TAG, OPTIONS_TAG, RRWEB_CUSTOM_EVENT } from '../../../server/src/protocol/recording-events.js';
import { FocusDisplay, readFocusState } from './focus-display.js';
import { ReplayFonts } from './replay-fonts.js';
import { readSelectedOptions, SelectedOptionsDisplay, type SelectedOptionsState } from './selected-options.js';
import { guardResourceLoads } from './resource-guard.js';
import { settleAnimations } from './settle-animations.js';
import { hoverAcrossShadowRoots } from './shadow-hover.js';
import { StateStyles } from './state-styles.js';
import { EVENT_META, type RecordedEvent } from './timeline-markers.js';

// rrweb's numbers (@rrweb/types).
const INCREMENTAL = 3;
const PLUGIN = 6;
const MUTATION = 0;
const ADOPTED_STYLE_SHEET = 15;

/**
 * What the replay adds to the focused element when the visitor's browser drew its own focus ring (the
 * browser's default `:focus-visible` outline, which no recorded style sheet holds). `:where()` gives it
 * no specificity, and rrweb inserts it before the page's styles, so any rule of the page wins over it,
 * as over the browser's own.
 */
export const FOCUS_RING_RULES = [
  ':where(.\\:focus-visible) { outline: auto 1px -webkit-focus-ring-color; }',
  ':where(input.\\:focus-visible, textarea.\\:focus-visible, select.\\:focus-visible) { outline-offset: 0px; }',
];

/** The parts of rrweb's Replayer this uses (the pinned rrweb 2.1.6; replay-fidelity.test.ts checks them). */
export interface FidelityReplayer {
  on(event: string, handler: (payload?: unknown) => void): unknown;
  getMirror(): { getNode(id: number): Node | null; getId(node: Node): number };
  iframe: HTMLIFrameElement;
  service: { state: { matches(state: string): boolean } };
}

/**
 * The replay, as the visitor saw it (issue 19): the recording's CSS with state twins (hover in inserted
 * and adopted rules, focus everywhere), the focused element's focus styles, hover inside shadow roots,
 * the page's fonts from Chatreel's origin, and animations at their end after each seek rather than
 * frozen at their first frame. `prepare` readies each event before the player gets it; `attach`
 * follows the replayer's rebuilds and seeks.
 */
export class ReplayFidelity {
  private readonly styles = new StateStyles();
  private readonly fonts: ReplayFonts;
  private focus: FocusDisplay | undefined;
  private options: SelectedOptionsDisplay | undefined;
  private replayer: FidelityReplayer | undefined;
  /** Timestamp of the snapshot shown (its page view's fonts apply); undefined before the first rebuild. */
  private shownSnapshotTs: number | undefined;
  /** Events were applied at once (seeking) since the last flush: their animations restarted. */
  private seeked = false;

  /** An rrweb replayer plugin: sees every event as it is applied (`isSync`: while seeking). */
  readonly plugin = { handler: (event: unknown, isSync: boolean) => this.applied(event as RecordedEvent, isSync) };

  constructor(fontUrl: (sha256: string) => string) {
    this.fonts = new ReplayFonts(fontUrl);
  }

  /** The event as the player should get it; null for one that is not the player's (the fonts list). */
  prepare(event: RecordedEvent): RecordedEvent | null {
    if (event.type === EVENT_META) {
      this.fonts.pageStarted(event.timestamp);
      this.refreshFonts();
    }
    if (event.type === RRWEB_CUSTOM_EVENT) {
      const { tag, payload } = (event.data ?? {}) as { tag?: unknown; payload?: unknown };
      if (tag === FONTS_TAG) {
        this.fonts.fontsRecorded(event.timestamp, payload);
        this.refreshFonts();
        return null;
      }
      // Plugin events: the player applies them in time order without drawing a timeline marker.
      if (tag === FOCUS_TAG) {
        const state = readFocusState(payload);
        return state && { type: PLUGIN, timestamp: event.timestamp, data: { plugin: FOCUS_TAG, payload: state } };
      }
      if (tag === OPTIONS_TAG) {
        const state = readSelectedOptions(payload);
        return state && { type: PLUGIN, timestamp: event.timestamp, data: { plugin: OPTIONS_TAG, payload: state } };
      }
    }
    return this.styles.apply(guardResourceLoads(event));
  }

  attach(replayer: FidelityReplayer): void {
    this.replayer = replayer;
    const focus = (this.focus = new FocusDisplay((id) => replayer.getMirror().getNode(id)));
    const options = (this.options = new SelectedOptionsDisplay(() => replayer.getMirror()));
    hoverAcrossShadowRoots(replayer);
    replayer.on('fullsnapshot-rebuilded', (event) => {
      this.shownSnapshotTs = (event as RecordedEvent).timestamp;
      focus.reset();
      options.reset();
      this.refreshFonts();
      // The first frame, shown paused (a seek settles at its flush instead).
      if (!this.playing()) this.settle();
    });
    replayer.on('flush', () => {
      // Playback (re)starts from a moment: the player's DOM is up to date only now.
      this.refreshFonts();
      focus.apply();
      options.apply();
      const seeked = this.seeked;
      this.seeked = false;
      // Settled after a seek that applied events (their animations restarted), and after any seek while
      // paused (rrweb plays to the moment and pauses at once: still playing here); not when play resumes.
      queueMicrotask(() => (seeked || !this.playing()) && this.settle());
    });
  }

  private applied(event: RecordedEvent, isSync: boolean) {
    if (isSync) this.seeked = true;
    const data = event.data as { plugin?: unknown; payload?: unknown; source?: unknown } | undefined;
    if (event.type === PLUGIN && data?.plugin === FOCUS_TAG) {
      this.focus?.set(data.payload as { id: number | null; visible: boolean });
      if (!isSync) this.focus?.apply();
    } else if (event.type === PLUGIN && data?.plugin === OPTIONS_TAG) {
      this.options?.set(data.payload as SelectedOptionsState);
      if (!isSync) this.options?.apply();
    } else if (!isSync && event.type === INCREMENTAL && data?.source === MUTATION) {
      // A replayed class change may have taken the focus classes away.
      this.focus?.apply();
    } else if (!isSync && event.type === INCREMENTAL && data?.source === ADOPTED_STYLE_SHEET) {
      // The page adopted sheets of its own: the player set the document's list anew.
      this.refreshFonts();
    }
  }

  private playing(): boolean {
    return this.replayer?.service.state.matches('playing') ?? false;
  }

  private refreshFonts() {
    if (this.shownSnapshotTs !== undefined) this.fonts.applyTo(this.replayer?.iframe.contentDocument, this.shownSnapshotTs);
  }

  /**
   * Animations to their end; again when a style sheet the page links (not inlined in the recording)
   * arrives later while the player is paused, since its animations start only then.
   */
  private settle() {
    const doc = this.replayer?.iframe.contentDocument;
    if (!doc) return;
    settleAnimations(doc);
    for (const link of doc.querySelectorAll<HTMLLinkElement>('link[rel~="stylesheet"]')) {
      if (!link.sheet) link.addEventListener('load', () => !this.playing() && link.ownerDocument === doc && settleAnimations(doc), { once: true });
    }
  }
}
