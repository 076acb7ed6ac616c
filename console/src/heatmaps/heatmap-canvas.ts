import type { Heatmap } from '../../../server/src/protocol/heatmaps.js';

/** Radius of one cell's blob, in cells: neighbouring clicks melt into one warm area. */
const BLOB_RADIUS_CELLS = 1.6;
/** The most opaque a hot spot gets: the page stays readable under it. */
const MAX_ALPHA = 0.85;
/** Share thresholds the scroll map labels with a line ("50% of views reached here"). */
const SCROLL_MARKS = [0.75, 0.5, 0.25];

/** Cold to hot: blue, cyan, green, yellow, red — by share of the hottest cell (0..1). */
function heatColour(share: number): [number, number, number] {
  const stops: Array<[number, number, number]> = [
    [37, 99, 235],
    [6, 182, 212],
    [34, 197, 94],
    [250, 204, 21],
    [220, 38, 38],
  ];
  const at = Math.min(1, Math.max(0, share)) * (stops.length - 1);
  const low = stops[Math.floor(at)];
  const high = stops[Math.min(stops.length - 1, Math.floor(at) + 1)];
  const t = at - Math.floor(at);
  return [0, 1, 2].map((i) => Math.round(low[i] + (high[i] - low[i]) * t)) as [number, number, number];
}

/**
 * Click density over the page: each cell a soft blob weighted by its share of the hottest cell,
 * then coloured cold to hot by the summed intensity. `scale` is display px per recorded px; the
 * canvas is the page's displayed size.
 */
export function drawClicks(canvas: HTMLCanvasElement, heatmap: Heatmap, scale: number): void {
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.clearRect(0, 0, canvas.width, canvas.height);
  const hottest = Math.max(0, ...heatmap.cells.map(([, , count]) => count));
  if (hottest === 0 || canvas.width === 0 || canvas.height === 0) return;
  const cellWidth = canvas.width / heatmap.columns;
  const cellHeight = heatmap.rowPx * scale;
  const radius = Math.max(cellWidth, cellHeight) * BLOB_RADIUS_CELLS;
  for (const [column, row, count] of heatmap.cells) {
    const x = (column + 0.5) * cellWidth;
    const y = (row + 0.5) * cellHeight;
    if (y - radius > canvas.height) continue;
    const blob = context.createRadialGradient(x, y, 0, x, y, radius);
    blob.addColorStop(0, `rgba(0, 0, 0, ${0.25 + 0.75 * (count / hottest)})`);
    blob.addColorStop(1, 'rgba(0, 0, 0, 0)');
    context.fillStyle = blob;
    context.fillRect(x - radius, y - radius, radius * 2, radius * 2);
  }
  // Intensity (the blobs' summed alpha) becomes colour.
  const image = context.getImageData(0, 0, canvas.width, canvas.height);
  const pixels = image.data;
  for (let i = 0; i < pixels.length; i += 4) {
    const intensity = pixels[i + 3] / 255;
    if (intensity === 0) continue;
    const [r, g, b] = heatColour(intensity);
    pixels[i] = r;
    pixels[i + 1] = g;
    pixels[i + 2] = b;
    pixels[i + 3] = Math.round(255 * Math.min(MAX_ALPHA, 0.25 + intensity));
  }
  context.putImageData(image, 0, 0);
}

/** The share of views that reached each depth: hot where everyone looked, cold where few did, with labelled lines. */
export function drawScroll(canvas: HTMLCanvasElement, heatmap: Heatmap, scale: number): void {
  const context = canvas.getContext('2d')!;
  context.clearRect(0, 0, canvas.width, canvas.height);
  if (heatmap.views === 0) return;
  const bandHeight = heatmap.bandPx * scale;
  const bands = Math.ceil(canvas.height / bandHeight);
  for (let band = 0; band < bands; band++) {
    const share = (heatmap.reached[band] ?? 0) / heatmap.views;
    const [r, g, b] = heatColour(share);
    context.fillStyle = `rgba(${r}, ${g}, ${b}, ${share === 0 ? 0.55 : 0.4})`;
    context.fillRect(0, band * bandHeight, canvas.width, bandHeight);
  }
  context.font = '600 13px system-ui, sans-serif';
  for (const mark of SCROLL_MARKS) {
    const band = heatmap.reached.findIndex((reached) => reached / heatmap.views < mark);
    if (band < 0) continue;
    const y = band * bandHeight;
    context.fillStyle = 'rgba(17, 24, 39, 0.9)';
    context.fillRect(0, y - 1, canvas.width, 2);
    const label = `${Math.round(mark * 100)}% of views reached here`;
    context.fillRect(8, y + 4, context.measureText(label).width + 12, 20);
    context.fillStyle = '#fff';
    context.fillText(label, 14, y + 19);
  }
}
