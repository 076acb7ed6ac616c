import { z } from 'zod';
import { HEATMAP_COLUMNS, HEATMAP_ROW_PX, HEATMAP_SCROLL_BAND_PX, MAX_HEATMAP_PATH_CHARS, MAX_HEATMAP_PATTERN_SEGMENTS, MAX_HEATMAP_RANGE_DAYS } from './limits.js';

/**
 * Click and scroll heatmaps (issue 22, part 4): the query the console sends and the aggregate the API
 * answers. A page is named by its path (`/pricing`) or by a prefix pattern (`/docs/*`: every path
 * under `/docs/`); counts are kept per day (UTC, the session's start) and per width class.
 */

export const WIDTH_CLASSES = ['mobile', 'tablet', 'desktop'] as const;
export type WidthClass = (typeof WIDTH_CLASSES)[number];
export type WidthFilter = WidthClass | 'all';

/** Viewport widths (CSS px) below which a view is mobile, then tablet; desktop from the second on. */
export const MOBILE_BELOW_PX = 768;
export const TABLET_BELOW_PX = 1024;

export function widthClassOf(viewportWidthPx: number): WidthClass {
  if (viewportWidthPx < MOBILE_BELOW_PX) return 'mobile';
  return viewportWidthPx < TABLET_BELOW_PX ? 'tablet' : 'desktop';
}

/**
 * The path a heatmap counts a page under: the URL's path without a trailing slash (but `/`), or null
 * when it cannot be one (not a URL, too long, a character that has no place in a stored key).
 */
export function heatmapPathOf(href: string): string | null {
  let path: string;
  try {
    path = new URL(href).pathname;
  } catch {
    return null;
  }
  if (path.length > 1 && path.endsWith('/')) path = path.replace(/\/+$/, '') || '/';
  // eslint-disable-next-line no-control-regex
  if (path.length > MAX_HEATMAP_PATH_CHARS || /[\u0000-\u001f]/.test(path)) return null;
  return path;
}

/**
 * The keys a page's counts are added under: its own path (`=/docs/a/b`) and each prefix pattern that
 * matches it (`*` + `/`, `/docs/`, `/docs/a/`), up to MAX_HEATMAP_PATTERN_SEGMENTS segments before the `*`. So a
 * pattern is read as one key, never as a scan over the paths it matches.
 */
export function heatmapKeysOf(path: string): string[] {
  const segments = path.split('/').filter(Boolean);
  // `/*` is every page, `/` included; `/docs/*` every page under `/docs/`, but not `/docs` itself.
  const keys = [`=${path}`, '*/'];
  for (let depth = 1; depth < segments.length && depth <= MAX_HEATMAP_PATTERN_SEGMENTS; depth++) {
    keys.push(`*/${segments.slice(0, depth).map((segment) => `${segment}/`).join('')}`);
  }
  return keys;
}

/** The key of a page as the console names it: `/pricing` → `=/pricing`, `/docs/*` → `*` + `/docs/`. */
export function heatmapKeyOfPattern(pattern: string): string {
  return pattern.endsWith('/*') ? `*${pattern.slice(0, -1)}` : `=${pattern.length > 1 ? pattern.replace(/\/+$/, '') : pattern}`;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);

export const heatmapQuerySchema = z
  .object({
    path: z
      .string()
      .min(1)
      .max(MAX_HEATMAP_PATH_CHARS)
      .regex(/^(\/[^\u0000-\u001f*]*|\/([^\u0000-\u001f*]*\/)?\*)$/, 'a path such as /pricing, or a pattern ending in /* such as /docs/*')
      .refine((path) => !path.endsWith('/*') || path.split('/').filter(Boolean).length - 1 <= MAX_HEATMAP_PATTERN_SEGMENTS, {
        message: `a pattern names at most ${MAX_HEATMAP_PATTERN_SEGMENTS} segments before /*`,
      }),
    from: z.string().regex(DAY, 'a day as YYYY-MM-DD').refine((day) => Number.isFinite(dayMs(day)), 'not a day'),
    to: z.string().regex(DAY, 'a day as YYYY-MM-DD').refine((day) => Number.isFinite(dayMs(day)), 'not a day'),
    width: z.enum(['all', ...WIDTH_CLASSES]).default('all'),
  })
  .refine((query) => dayMs(query.from) <= dayMs(query.to) && (dayMs(query.to) - dayMs(query.from)) / 86_400_000 < MAX_HEATMAP_RANGE_DAYS, {
    message: `from must not be after to, and the range may cover at most ${MAX_HEATMAP_RANGE_DAYS} days`,
    params: { sentence: true },
  });
export type HeatmapQuery = z.infer<typeof heatmapQuerySchema>;

/** Where a heatmap's page can be seen: a stored recording's chunks from the page's Meta through its full snapshot. */
export interface HeatmapSnapshot {
  sessionId: string;
  firstSeq: number;
  lastSeq: number;
  /** The full snapshot's timestamp (epoch ms). */
  ts: number;
  href: string;
  /** The viewport it was recorded in (CSS px). */
  width: number;
  height: number;
}

/** A heatmap as the API answers it: counts over the days and width classes asked for. */
export interface Heatmap {
  path: string;
  from: string;
  to: string;
  width: WidthFilter;
  /** Sessions that viewed the page (counted once per session, page and width class). */
  views: number;
  clicks: number;
  columns: typeof HEATMAP_COLUMNS;
  rowPx: typeof HEATMAP_ROW_PX;
  /** Click counts per grid cell: [column, row, count], cells without clicks left out. */
  cells: Array<[number, number, number]>;
  bandPx: typeof HEATMAP_SCROLL_BAND_PX;
  /** Views whose deepest visible point reached each band (index 0: the top band, so `views`). */
  reached: number[];
  snapshot: HeatmapSnapshot | null;
}
