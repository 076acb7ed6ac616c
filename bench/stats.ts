export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
export const mean = (values: number[]): number => (values.length ? sum(values) / values.length : NaN);
