import { MAX_REPLAY_FONT_EVENTS, MAX_REPLAY_PAGE_STARTS } from '../../../server/src/protocol/limits.js';
import { readSharedFonts, type SharedFontFace } from '../../../server/src/protocol/replay-fonts.js';

/**
 * The recorded pages' fonts, loaded from Chatreel's origin (protocol/replay-fonts.ts). The recording
 * names each face the server stores, with the descriptors the page declared it with; the replay
 * declares it again with the stored file, after everything recorded — when two @font-face rules
 * declare the same face, the last one wins, so the site's address (refused without a CORS header) is
 * not even requested. A page's faces are those recorded between its Meta event and the next page's.
 *
 * The rules go into a style sheet the replay's document adopts (adopted sheets come after all of a
 * document's own), not into an element: the player reconciles the document's nodes with the
 * recording and must meet none it does not know.
 */
export class ReplayFonts {
  /** Start (ms) of each page view: its Meta event's timestamp. */
  private readonly pageStarts: number[] = [];
  private readonly recorded: Array<{ ts: number; faces: SharedFontFace[] }> = [];
  private readonly sheets = new WeakMap<Document, { sheet: CSSStyleSheet; text: string }>();

  constructor(private readonly fileUrl: (sha256: string) => string) {}

  pageStarted(ts: number): void {
    if (this.pageStarts.length >= MAX_REPLAY_PAGE_STARTS) return;
    // Kept in order as they come (events arrive nearly sorted): where it goes, from the end.
    let at = this.pageStarts.length;
    while (at > 0 && this.pageStarts[at - 1] > ts) at--;
    this.pageStarts.splice(at, 0, ts);
  }

  /** A `chatreel/fonts` payload recorded at `ts`; its faces that are not exactly what the widget writes are dropped. */
  fontsRecorded(ts: number, payload: unknown): void {
    const faces = readSharedFonts(payload);
    if (faces.length > 0 && this.recorded.length < MAX_REPLAY_FONT_EVENTS) this.recorded.push({ ts, faces });
  }

  /** The @font-face rules for the page view shown at `ts` (a snapshot's time), each face once. */
  rulesAt(ts: number): string[] {
    const start = this.pageStarts.findLast((pageTs) => pageTs <= ts) ?? -Infinity;
    const end = this.pageStarts.find((pageTs) => pageTs > ts) ?? Infinity;
    const rules = new Set<string>();
    for (const { ts: recordedTs, faces } of this.recorded) {
      if (recordedTs >= start && recordedTs < end) for (const face of faces) rules.add(fontFaceRule(face, this.fileUrl(face.sha256)));
    }
    return [...rules];
  }

  /** Declares the faces of the page view shown at `ts` in the replay's document (again, when they changed or were dropped). */
  applyTo(doc: Document | null | undefined, ts: number): void {
    const view = doc?.defaultView as (Window & typeof globalThis) | null | undefined;
    if (!doc || !view) return;
    const text = this.rulesAt(ts).join('\n');
    let own = this.sheets.get(doc);
    if (!own) {
      if (!text) return;
      // A sheet a document adopts must be made by that document's window.
      own = { sheet: new view.CSSStyleSheet(), text: '' };
      this.sheets.set(doc, own);
    }
    if (own.text !== text) {
      own.sheet.replaceSync(text);
      own.text = text;
    }
    // Last, after any the recorded page adopted (the player sets the document's list anew when it does).
    const mine = own.sheet;
    const adopted = doc.adoptedStyleSheets;
    if (adopted.at(-1) !== mine) doc.adoptedStyleSheets = [...adopted.filter((sheet) => sheet !== mine), mine];
  }
}

/** One face as CSS; every value is checked by readSharedFonts, and the family is written as a CSS string. */
export function fontFaceRule(face: SharedFontFace, fileUrl: string): string {
  return (
    `@font-face { font-family: ${cssString(face.family)}; src: url(${cssString(fileUrl)}); font-style: ${face.style}; ` +
    `font-weight: ${face.weight}; font-stretch: ${face.stretch}; unicode-range: ${face.unicodeRange}; }`
  );
}

function cssString(text: string): string {
  return `"${text.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}
