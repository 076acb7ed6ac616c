import { describe, expect, it } from 'vitest';
import { HEATMAP_COLUMNS, MAX_HEATMAP_CLICKS_PER_SESSION, MAX_HEATMAP_DEPTH_PX, MAX_HEATMAP_PAGES_PER_SESSION } from '../protocol/limits.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { analyzeRecording } from '../insights/analyze-recording.js';
import { HeatmapReader } from './heatmap-reader.js';

/** A hostile recording adds at most its bounded share to the heatmaps, and nothing outside the grid. */
const meta = (href: unknown, width: unknown, height: unknown) => ({ type: 4, timestamp: 1, data: { href, width, height } });
const snapshot = { type: 2, timestamp: 2, data: { node: { type: 0, id: 1, childNodes: [] }, initialOffset: { top: 0, left: 0 } } };
const click = (x: unknown, y: unknown) => ({ type: 3, timestamp: 3, data: { source: 2, type: 2, id: 9, x, y } });
const scroll = (y: unknown) => ({ type: 3, timestamp: 4, data: { source: 3, id: 1, x: 0, y } });

describe('heatmap reader', () => {
  it('counts at most MAX_HEATMAP_CLICKS_PER_SESSION clicks and MAX_HEATMAP_PAGES_PER_SESSION pages', () => {
    const reader = new HeatmapReader();
    for (let page = 0; page < MAX_HEATMAP_PAGES_PER_SESSION * 3; page++) {
      reader.read(meta(`https://shop.example/p${page}`, 1000, 800), 0);
      for (let i = 0; i < 100; i++) reader.read(click(10, 10), 0);
    }
    const { pages } = reader.finish([1]);
    expect(pages).toHaveLength(MAX_HEATMAP_PAGES_PER_SESSION);
    expect(pages.reduce((sum, page) => sum + page.clicks, 0)).toBe(MAX_HEATMAP_CLICKS_PER_SESSION);
  });

  it('ignores values that are not coordinates, and keeps every cell inside the grid', () => {
    const reader = new HeatmapReader();
    reader.read(meta('https://shop.example/a', 800, 600), 0);
    reader.read(snapshot, 0);
    for (const [x, y] of [[Number.NaN, 1], [1, Infinity], ['5', 5], [null, 3], [1e12, 1], [-1, 5], [801, 5], [800, -10]]) reader.read(click(x, y), 0);
    reader.read(scroll(MAX_HEATMAP_DEPTH_PX), 0);
    reader.read(click(800, 10), 0);
    // A scroll that is not an offset keeps the last one: still too deep.
    reader.read(scroll(-50), 0);
    reader.read(click(800, 10), 0);
    reader.read(scroll(0), 0);
    reader.read(click(800, 10), 0);
    reader.read(meta('not a url', 800, 600), 0);
    reader.read(click(1, 1), 0);
    reader.read(meta(`https://shop.example/${'x'.repeat(500)}`, 800, 600), 0);
    reader.read(click(1, 1), 0);
    const { pages } = reader.finish([7]);
    expect(pages).toHaveLength(1);
    // The one click counted: at the right edge, 10 px down; deeper than the grid counts nothing, and pages without a path nothing.
    expect(pages[0]).toMatchObject({ path: '/a', widthClass: 'tablet', clicks: 1, cells: { [`${HEATMAP_COLUMNS - 1}_0`]: 1 } });
    expect(pages[0].deepestBand).toBeLessThan(MAX_HEATMAP_DEPTH_PX / 100);
    expect(pages[0].snapshot).toMatchObject({ firstSeq: 7, lastSeq: 7, width: 800, height: 600 });
  });

  it('does not count clicks on the chat widget (its launcher, its panel) on the page', () => {
    const here = path.dirname(fileURLToPath(import.meta.url));
    const fixture = (name: string) => readFileSync(path.join(here, '..', 'insights', 'fixtures', `${name}.json`));
    const heatmapOf = (name: string) =>
      analyzeRecording({ chunks: [gzipSync(fixture(name))], cutReason: null, messages: [], askedForHumanNote: '', session: { startedAt: 0, endedAt: null, endReason: null } })
        .heatmap;
    // Four clicks on the widget's launcher: none on the page.
    expect(heatmapOf('widget-rage').pages.reduce((sum, page) => sum + page.clicks, 0)).toBe(0);
    // Four clicks on the page's own button are counted.
    expect(heatmapOf('rage-click').pages.reduce((sum, page) => sum + page.clicks, 0)).toBe(4);
  });
});
