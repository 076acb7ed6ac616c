import type { HeatmapSnapshot, WidthClass, WidthFilter } from '../protocol/heatmaps.js';

/**
 * Heatmap aggregates (issue 22, part 4): click and scroll counts per application, page key (a path or
 * a prefix pattern, protocol/heatmaps.ts), period (day, week, month) and width class, added to by `$inc` upserts only (never
 * read, merged and written back, so any number of processes add at once), and read by `_id` only (the
 * one filter FerretDB 1.x answers from an index). The same documents on every implementation.
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
  /** Where the page can be seen: kept per key and width class, the latest one wins. */
  snapshot: HeatmapSnapshot | null;
}

export interface HeatmapContribution {
  appId: string;
  sessionId: string;
  /** The periods the counts are added to (the session's day, week and month: heatmaps/heatmap-periods.ts). */
  periods: string[];
  pages: HeatmapPageCounts[];
}

/** One period's counts of one key and width class, as stored. */
export interface HeatmapBucket {
  views: number;
  clicks: number;
  cells: Record<string, number>;
  /** Views by their deepest band, keyed by the band's index. */
  deepest: Record<string, number>;
}

export interface HeatmapsRepository {
  /**
   * Adds a session's counts once: the first call for a session claims it (an insert keyed by the
   * session) and adds; any later call, from any process, adds nothing and answers false.
   */
  add(contribution: HeatmapContribution): Promise<boolean>;
  /** The stored buckets among these periods of one width class, or of every width together (`all`); those with no count are absent. */
  buckets(appId: string, key: string, periods: readonly string[], width: WidthFilter): Promise<HeatmapBucket[]>;
  /** The page's latest snapshot for each width class that has one. */
  snapshots(appId: string, key: string, widths: readonly WidthClass[]): Promise<Map<WidthClass, HeatmapSnapshot>>;
}
