import Player from 'rrweb-player';
import { FOCUS_RING_RULES, ReplayFidelity, type FidelityReplayer } from './replay-fidelity.js';
import { EVENT_FULL_SNAPSHOT, type RecordedEvent } from './timeline-markers.js';

type PlayerEvent = Parameters<Player['addEvent']>[0];
type SvelteHandle = { $destroy(): void };

const EVENT_META = 4;
/** Frames waited for rrweb to rebuild the snapshot (it does so one tick after it is created). */
const MAX_REBUILD_FRAMES = 120;

/** A recorded page shown still, at a width in CSS px, with its whole document's height. */
export interface SnapshotFrame {
  /** The document's height at the recorded width, in the recording's px. */
  documentHeight: number;
  /** Display px per recorded px. */
  scale: number;
  destroy(): void;
}

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));

/**
 * Shows one page of a recording as it looked at its full snapshot — the heatmaps' background — in
 * rrweb's replay iframe, whose sandbox stays `allow-same-origin` only (no script of the recording
 * runs; no UNSAFE_ option). The page is rebuilt once at its recorded viewport to learn its document's
 * height, then again with a viewport that tall, so the whole page shows, `displayWidth` px wide.
 */
export async function showSnapshot(
  target: HTMLElement,
  events: RecordedEvent[],
  options: { appId: string; href: string; width: number; height: number; displayWidth: number; maxHeight: number },
): Promise<SnapshotFrame> {
  const snapshot = events.find((event) => event.type === EVENT_FULL_SNAPSHOT);
  if (!snapshot) throw new Error('The recording holds no snapshot of this page.');
  const meta = (height: number): RecordedEvent => ({ type: EVENT_META, timestamp: snapshot.timestamp - 1, data: { href: options.href, width: options.width, height } });
  const fontBase = `${location.origin}/api/apps/${encodeURIComponent(options.appId)}/fonts/`;

  const mount = async (height: number, displayWidth: number) => {
    const fidelity = new ReplayFidelity((sha256) => fontBase + sha256);
    const scale = displayWidth / options.width;
    const player = new Player({
      target,
      props: {
        events: [meta(height), snapshot].map((event) => fidelity.prepare(event)).filter((event) => event !== null) as PlayerEvent[],
        width: displayWidth,
        height: Math.ceil(height * scale),
        autoPlay: false,
        showController: false,
        mouseTail: false,
        triggerFocus: false,
        insertStyleRules: FOCUS_RING_RULES,
        plugins: [fidelity.plugin],
        tags: {},
      },
    });
    fidelity.attach(player.getReplayer() as unknown as FidelityReplayer);
    const replayer = player.getReplayer();
    // rrweb rebuilds a moment after it is created: until then the frame holds an empty document.
    let rebuilt = false;
    replayer.on('fullsnapshot-rebuilded', () => (rebuilt = true));
    for (let frame = 0; frame < MAX_REBUILD_FRAMES && !rebuilt; frame++) await nextFrame();
    // One more frame for the rebuilt page's layout.
    await nextFrame();
    const document = replayer.iframe.contentDocument;
    const documentHeight = document?.body ? Math.max(document.documentElement.scrollHeight, document.body.scrollHeight) : 0;
    const destroy = () => {
      replayer.destroy();
      (player as unknown as SvelteHandle).$destroy();
    };
    return { documentHeight, scale, destroy };
  };

  const measured = await mount(options.height, options.width);
  measured.destroy();
  const height = Math.min(options.maxHeight, Math.max(options.height, measured.documentHeight));
  const shown = await mount(height, options.displayWidth);
  return { documentHeight: height, scale: shown.scale, destroy: shown.destroy };
}
