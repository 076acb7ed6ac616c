import type { AppsService } from '../apps/apps-service.js';
import { heatmapKeyOfPattern, heatmapKeysOf, WIDTH_CLASSES, type Heatmap, type HeatmapQuery, type HeatmapSnapshot, type WidthClass } from '../protocol/heatmaps.js';
import { HEATMAP_COLUMNS, HEATMAP_ROW_PX, HEATMAP_SCROLL_BAND_PX } from '../protocol/limits.js';
import { dayKey } from '../protocol/utc-buckets.js';
import type { HeatmapBucket, HeatmapsRepository, SessionRecord, UserRecord } from '../storage/ports.js';
import type { SessionHeatmap } from './heatmap-reader.js';
import { periodsCovering, periodsOfDay } from './heatmap-periods.js';

export interface HeatmapsService {
  /** A completed session was analysed: its clicks and scrolls are added to its application's heatmaps, once. */
  sessionAnalysed(session: SessionRecord, heatmap: SessionHeatmap): Promise<void>;
  /** The heatmap of a page (path or pattern) over days and width classes, for a member of the application. */
  read(user: UserRecord, appId: string, query: HeatmapQuery): Promise<Heatmap>;
}

/** When a query asks for every width, the snapshot shown is the first of these that the page has. */
const SNAPSHOT_PREFERENCE: readonly WidthClass[] = ['desktop', 'tablet', 'mobile'];

/**
 * Heatmaps (issue 22, part 4): written incrementally as each completed session is analysed (the
 * insights' worker reads its clicks and scrolls, heatmap-reader.ts), read from the aggregates only —
 * a view never reads a recording.
 */
export function createHeatmapsService(deps: { heatmaps: HeatmapsRepository; apps: AppsService }): HeatmapsService {
  const { heatmaps, apps } = deps;
  return {
    async sessionAnalysed(session, heatmap) {
      // An active session's recording is not over: it is counted once, whole, when it completes.
      if (session.status !== 'completed' || session.endReason === 'erased' || heatmap.pages.length === 0) return;
      await heatmaps.add({
        appId: session.appId,
        sessionId: session.id,
        periods: periodsOfDay(dayKey(session.startedAt)),
        pages: heatmap.pages.map(({ path, snapshot, deepestBand, ...page }) => ({
          ...page,
          keys: heatmapKeysOf(path),
          views: 1,
          deepest: { [deepestBand]: 1 },
          snapshot: snapshot && { ...snapshot, sessionId: session.id },
        })),
      });
    },
    async read(user, appId, query) {
      await apps.getFor(user, appId);
      const key = heatmapKeyOfPattern(query.path);
      const widths = query.width === 'all' ? WIDTH_CLASSES : [query.width];
      const [buckets, snapshots] = await Promise.all([heatmaps.buckets(appId, key, periodsCovering(query.from, query.to), query.width), heatmaps.snapshots(appId, key, widths)]);
      const preferred = SNAPSHOT_PREFERENCE.find((width) => snapshots.has(width));
      return { ...query, ...mergeBuckets(buckets), columns: HEATMAP_COLUMNS, rowPx: HEATMAP_ROW_PX, bandPx: HEATMAP_SCROLL_BAND_PX, snapshot: preferred ? (snapshots.get(preferred) as HeatmapSnapshot) : null };
    },
  };
}

/** The sum of days' and widths' buckets: cells as [column, row, count], and views reaching each band. */
export function mergeBuckets(buckets: readonly HeatmapBucket[]): Pick<Heatmap, 'views' | 'clicks' | 'cells' | 'reached'> {
  const cells = new Map<string, number>();
  const deepest: number[] = [];
  let views = 0;
  let clicks = 0;
  for (const bucket of buckets) {
    views += bucket.views;
    clicks += bucket.clicks;
    for (const [cell, count] of Object.entries(bucket.cells)) cells.set(cell, (cells.get(cell) ?? 0) + count);
    for (const [band, count] of Object.entries(bucket.deepest)) {
      const index = Number(band);
      if (Number.isInteger(index) && index >= 0) deepest[index] = (deepest[index] ?? 0) + count;
    }
  }
  const reached = new Array<number>(deepest.length).fill(0);
  for (let band = deepest.length - 1, below = 0; band >= 0; band--) reached[band] = below += deepest[band] ?? 0;
  return {
    views,
    clicks,
    cells: [...cells].map(([cell, count]) => {
      const [column, row] = cell.split('_').map(Number);
      return [column, row, count] as [number, number, number];
    }),
    reached,
  };
}
