import type { AppsService } from '../apps/apps-service.js';
import { heatmapKeyOfPattern, heatmapKeysOf, WIDTH_CLASSES, type Heatmap, type HeatmapQuery, type WidthClass } from '../protocol/heatmaps.js';
import { HEATMAP_COLUMNS, HEATMAP_ROW_PX, HEATMAP_SCROLL_BAND_PX } from '../protocol/limits.js';
import { dayKey } from '../protocol/utc-buckets.js';
import type { HeatmapsRepository, SessionRecord, UserRecord } from '../storage/ports.js';
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
      const widths = query.width === 'all' ? WIDTH_CLASSES : [query.width];
      const { deepest, snapshots, ...totals } = await heatmaps.read(appId, heatmapKeyOfPattern(query.path), periodsCovering(query.from, query.to), widths);
      const preferred = SNAPSHOT_PREFERENCE.find((width) => snapshots.has(width));
      return { ...query, ...totals, reached: reachedOf(deepest), columns: HEATMAP_COLUMNS, rowPx: HEATMAP_ROW_PX, bandPx: HEATMAP_SCROLL_BAND_PX, snapshot: preferred ? snapshots.get(preferred)! : null };
    },
  };
}

/** Views reaching each band, from views by their deepest band: a view that reached band b reached every band above it. */
export function reachedOf(deepest: readonly number[]): number[] {
  const reached = new Array<number>(deepest.length).fill(0);
  for (let band = deepest.length - 1, below = 0; band >= 0; band--) reached[band] = below += deepest[band] ?? 0;
  return reached;
}
