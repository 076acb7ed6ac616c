/**
 * UTC bucket keys: the chart's hours and days (ChartBuckets.keys) and the AI's daily token cap.
 * Computed from dates where they are needed; no stored document carries them.
 */
export function hourKey(at: Date): string {
  return at.toISOString().slice(0, 13); // 2026-11-22T21
}

export function dayKey(at: Date): string {
  return at.toISOString().slice(0, 10); // 2026-11-22
}
