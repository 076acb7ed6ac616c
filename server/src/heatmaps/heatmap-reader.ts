import { heatmapPathOf, widthClassOf, type WidthClass } from '../protocol/heatmaps.js';
import {
  HEATMAP_COLUMNS,
  HEATMAP_ROW_PX,
  HEATMAP_SCROLL_BAND_PX,
  MAX_HEATMAP_CLICKS_PER_SESSION,
  MAX_HEATMAP_DEPTH_PX,
  MAX_HEATMAP_PAGES_PER_SESSION,
  MAX_PAGE_PX,
  MAX_URL_CHARS,
} from '../protocol/limits.js';
import { EventType, IncrementalSource, isRecord, MouseInteraction, nodeIdOf, pxOf } from '../insights/rrweb-shapes.js';

/** Where one page's look is stored: chunk indexes of the read (made seqs by `finish`). */
interface SnapshotAt {
  first: number;
  last: number;
  ts: number;
  href: string;
  width: number;
  height: number;
}

/** What one session adds to one page's heatmap at one width class. */
export interface PageHeatmap {
  path: string;
  widthClass: WidthClass;
  /** Click counts by grid cell, keyed `<column>_<row>`. */
  cells: Record<string, number>;
  clicks: number;
  /** The deepest scroll band the page showed in this session (its bottom edge, 0 at the top). */
  deepestBand: number;
  snapshot: { firstSeq: number; lastSeq: number; ts: number; href: string; width: number; height: number } | null;
}

export interface SessionHeatmap {
  pages: PageHeatmap[];
}

type Page = Omit<PageHeatmap, 'snapshot'> & { snapshot: SnapshotAt | null };

/**
 * Reads a recording's events (joined, in recorded order) into what the session adds to heatmaps:
 * per page and width class, clicks on the grid (x as a share of the viewport's width, y in document
 * px: the click's viewport y plus the document's scroll at that moment), the deepest band shown, and
 * where the page's full snapshot is. Pure and bounded: at most MAX_HEATMAP_PAGES_PER_SESSION pages,
 * MAX_HEATMAP_CLICKS_PER_SESSION clicks, cells within the grid whatever the recording says.
 */
export class HeatmapReader {
  private readonly pages = new Map<string, Page>();
  private page: Page | null = null;
  private path: string | null = null;
  private href = '';
  private width = 0;
  private height = 0;
  private scrollY = 0;
  private documentId: number | null = null;
  private metaChunk: number | null = null;
  private clicks = 0;

  /** `onWidget(id)`: the node is part of Chatreel's own widget (its clicks are the chat, not the page's). */
  constructor(private readonly onWidget: (id: number) => boolean = () => false) {}

  read(event: unknown, chunkIndex: number): void {
    if (!isRecord(event) || !isRecord(event.data)) return;
    const data = event.data;
    const ts = typeof event.timestamp === 'number' ? event.timestamp : 0;
    if (event.type === EventType.Meta) {
      this.href = typeof data.href === 'string' ? data.href.slice(0, MAX_URL_CHARS) : '';
      this.path = heatmapPathOf(this.href);
      // A new page starts at its top: its first band is the viewport's height, not the last page's scroll.
      this.scrollY = 0;
      this.metaChunk = chunkIndex;
      this.resize(pxOf(data.width), pxOf(data.height));
    } else if (event.type === EventType.FullSnapshot) {
      this.documentId = isRecord(data.node) ? nodeIdOf(data.node.id) : null;
      this.scrollY = isRecord(data.initialOffset) ? (pxOf(data.initialOffset.top) ?? 0) : 0;
      this.reached();
      if (this.page && !this.page.snapshot && this.width > 0) {
        this.page.snapshot = { first: this.metaChunk ?? chunkIndex, last: chunkIndex, ts, href: this.href, width: this.width, height: this.height };
      }
    } else if (event.type === EventType.IncrementalSnapshot) {
      if (data.source === IncrementalSource.ViewportResize) this.resize(pxOf(data.width), pxOf(data.height));
      else if (data.source === IncrementalSource.Scroll && this.documentId !== null && nodeIdOf(data.id) === this.documentId) {
        this.scrollY = pxOf(data.y) ?? this.scrollY;
        this.reached();
      } else if (data.source === IncrementalSource.MouseInteraction && data.type === MouseInteraction.Click) {
        const id = nodeIdOf(data.id);
        if (id === null || !this.onWidget(id)) this.click(data.x, data.y);
      }
    }
  }

  /** The session's pages, with chunk indexes made the seqs of the chunks read (`seqs[index]`). */
  finish(seqs: readonly number[]): SessionHeatmap {
    return {
      pages: [...this.pages.values()].map(({ snapshot, ...page }) => {
        const firstSeq = snapshot ? seqs[snapshot.first] : undefined;
        const lastSeq = snapshot ? seqs[snapshot.last] : undefined;
        return {
          ...page,
          snapshot: snapshot && firstSeq !== undefined && lastSeq !== undefined ? { firstSeq, lastSeq, ts: snapshot.ts, href: snapshot.href, width: snapshot.width, height: snapshot.height } : null,
        };
      }),
    };
  }

  private resize(width: number | null, height: number | null) {
    if (width !== null) this.width = width;
    if (height !== null) this.height = height;
    this.page = this.path !== null && this.width > 0 ? this.pageFor(this.path, widthClassOf(this.width)) : null;
    this.reached();
  }

  private pageFor(path: string, widthClass: WidthClass): Page | null {
    const key = `${widthClass} ${path}`;
    let page = this.pages.get(key);
    if (!page && this.pages.size < MAX_HEATMAP_PAGES_PER_SESSION) {
      page = { path, widthClass, cells: {}, clicks: 0, deepestBand: 0, snapshot: null };
      this.pages.set(key, page);
    }
    return page ?? null;
  }

  /** The bottom of the viewport, in document px, is as deep as the visitor saw. */
  private reached() {
    if (!this.page) return;
    const band = Math.floor(Math.min(this.scrollY + this.height, MAX_HEATMAP_DEPTH_PX - 1) / HEATMAP_SCROLL_BAND_PX);
    this.page.deepestBand = Math.max(this.page.deepestBand, band);
  }

  private click(rawX: unknown, rawY: unknown) {
    const page = this.page;
    if (!page || this.clicks >= MAX_HEATMAP_CLICKS_PER_SESSION) return;
    const x = coordinateOf(rawX);
    const y = coordinateOf(rawY);
    if (x === null || y === null || x < 0 || x > this.width) return;
    const documentY = y + this.scrollY;
    if (documentY < 0 || documentY >= MAX_HEATMAP_DEPTH_PX) return;
    const column = Math.min(HEATMAP_COLUMNS - 1, Math.floor((x / this.width) * HEATMAP_COLUMNS));
    const key = `${column}_${Math.floor(documentY / HEATMAP_ROW_PX)}`;
    page.cells[key] = (page.cells[key] ?? 0) + 1;
    page.clicks += 1;
    this.clicks += 1;
  }
}

/** A pointer coordinate in px (negative in a scrolled frame), or null. */
function coordinateOf(value: unknown): number | null {
  return typeof value === 'number' && Math.abs(value) <= MAX_PAGE_PX ? value : null;
}
