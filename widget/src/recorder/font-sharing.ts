import { MAX_FONTS_PER_PAGE } from '../../../server/src/protocol/limits.js';
import type { SharedFontFace, SharedFontsPayload } from '../../../server/src/protocol/replay-fonts.js';
import type { VisitorSocket } from '../connection-controller.js';
import { readPageFonts } from './font-collector.js';

const ACK_TIMEOUT_MS = 10_000;

/**
 * Shares the page's own font files with the server so the replay can load them from Chatreel's origin
 * (protocol/replay-fonts.ts): the server is asked which files of the application it lacks, only those
 * are uploaded (one application stores a file once), and the faces it holds are recorded in a
 * `chatreel/fonts` event. A file the server refuses (quota, size) simply keeps loading from the site.
 */
export class FontSharing {
  /** Faces the server holds, reported again after each full snapshot (a live watcher starts there). */
  private readonly shared: SharedFontFace[] = [];
  /** Addresses already read on this page. */
  private readonly read = new Set<string>();
  private running: Promise<void> = Promise.resolve();
  private queued = false;
  private stopped = false;

  constructor(
    private readonly socket: VisitorSocket,
    private readonly sessionId: string,
    private readonly report: (payload: SharedFontsPayload) => void,
  ) {
    document.fonts.addEventListener('loadingdone', this.onLoadingDone);
  }

  /** Looks for faces loaded since the last look; one look at a time, and at most one waiting for it. */
  share(): Promise<void> {
    if (this.queued) return this.running;
    this.queued = true;
    this.running = this.running
      .then(() => {
        this.queued = false;
        return this.shareNew();
      })
      .catch(() => undefined);
    return this.running;
  }

  snapshotTaken(): void {
    if (this.shared.length > 0) this.report({ fonts: [...this.shared] });
  }

  stop(): void {
    this.stopped = true;
    document.fonts.removeEventListener('loadingdone', this.onLoadingDone);
  }

  private readonly onLoadingDone = () => {
    if (this.read.size < MAX_FONTS_PER_PAGE) void this.share();
  };

  private async shareNew(): Promise<void> {
    // Hashing needs SubtleCrypto, which a page served over plain http (not localhost) does not have.
    if (this.stopped || !globalThis.crypto?.subtle) return;
    const files = await readPageFonts(this.read);
    if (files.length === 0 || this.stopped) return;
    const hashes = [...new Set(files.map((file) => file.sha256))];
    const answer = await this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('fonts:missing', { sessionId: this.sessionId, hashes });
    if ('error' in answer) return;
    const missing = new Set(answer.data.missing);
    const refused = new Set<string>();
    const held: SharedFontFace[] = [];
    for (const { face, data, sha256 } of files) {
      if (this.stopped) return;
      if (refused.has(sha256)) continue;
      if (missing.has(sha256)) {
        const stored = await this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('fonts:store', { sessionId: this.sessionId, sha256, data });
        if ('error' in stored) {
          refused.add(sha256);
          continue;
        }
        missing.delete(sha256);
      }
      held.push({ ...face, sha256 });
    }
    if (held.length === 0 || this.stopped) return;
    this.shared.push(...held);
    this.report({ fonts: held });
  }
}
