import type { HeatmapSnapshot, WidthClass } from '../protocol/heatmaps.js';

/**
 * Heatmap aggregates (issue 22, part 4): click and scroll counts per application, page key (a path or
 * a prefix pattern, protocol/heatmaps.ts) and period (day, week, month), each width class apart in the
 * one document, read by `_id` only (the one filter FerretDB 1.x answers from an index). A session's
 * counts are added by compare-and-set on the document's revision, never by a blind read-merge-write,
 * so any number of processes add at once. The same documents on every implementation.
 */

/** What one page of one session adds, under each of its keys. */
export interface HeatmapPageCounts {
  keys: string[];
  widthClass: WidthClass;
  /** Views counted (1 for a session's page; the benchmark adds many sessions' sums at once). */
  views: number;
  /** Clicks by cell, keyed `<column>_<row>`. */
  cells: Record<string, number>;
  clicks: number;
  /** Views by their deepest band, keyed by the band's index (a session's page: `{ [its band]: 1 }`). */
  deepest: Record<string, number>;
  /** Where the page can be seen: kept per period, key and width class, the newest (by its `ts`) wins. */
  snapshot: HeatmapSnapshot | null;
}

export interface HeatmapContribution {
  appId: string;
  sessionId: string;
  /** The periods the counts are added to (the session's day, week and month: heatmaps/heatmap-periods.ts). */
  periods: string[];
  pages: HeatmapPageCounts[];
}

/** The sum of some periods' counts of one key over some width classes. */
export interface HeatmapTotals {
  views: number;
  clicks: number;
  /** Click counts per grid cell: [column, row, count], cells without clicks left out. */
  cells: Array<[number, number, number]>;
  /** Views by their deepest band (index: the band). */
  deepest: number[];
  /** Per width class, the newest snapshot among the periods read. */
  snapshots: Map<WidthClass, HeatmapSnapshot>;
}

export interface HeatmapsRepository {
  /**
   * Adds a session's counts once: the first call for a session claims it (an insert keyed by the
   * session) and adds; any later call, from any process, adds nothing and answers false.
   */
  add(contribution: HeatmapContribution): Promise<boolean>;
  /** The sum of these periods' counts (each period read once) of one key over these width classes. */
  read(appId: string, key: string, periods: readonly string[], widths: readonly WidthClass[]): Promise<HeatmapTotals>;
  /**
   * An erasure: the application's snapshots that name these (deleted) sessions are dropped — their
   * address may carry the visitor's data — and each document's revision moves on, so a count written
   * from an earlier read is retried. The counts stay (anonymous). Answers the documents changed.
   */
  forgetSnapshots(appId: string, sessionIds: readonly string[]): Promise<number>;
}
