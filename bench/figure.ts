/** One measured figure, with the budget it is held against (if any). */
export interface Figure {
  benchmark: string;
  figure: string;
  value: number;
  unit: string;
  budget: { label: string; check(value: number): boolean } | null;
  note?: string;
}

export const atMost = (limit: number, unit: string) => ({ label: `≤ ${limit} ${unit}`, check: (v: number) => v <= limit });
export const atLeast = (limit: number, unit: string) => ({ label: `≥ ${limit} ${unit}`, check: (v: number) => v >= limit });

export interface Benchmark {
  name: string;
  description: string;
  /** `options`: the command line's `--name=value` options (e.g. `--engine=embedded`). */
  run(options: { quick: boolean; options: Record<string, string> }): Promise<Figure[]>;
}
