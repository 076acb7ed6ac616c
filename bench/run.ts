import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchmarks } from './benchmarks.js';
import type { Figure } from './figure.js';

/**
 * `npm run bench [-- <name> …] [-- --quick]`: measures speed and size against the budgets in
 * ARCHITECTURE.md, prints a table and writes bench/results.json. Never part of `npm test`; never fails.
 */
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const names = args.filter((arg) => !arg.startsWith('--'));
const unknown = names.filter((name) => !benchmarks.some((b) => b.name === name));
if (unknown.length) {
  console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Known: ${benchmarks.map((b) => b.name).join(', ')}`);
  process.exit(2);
}

const selected = names.length ? benchmarks.filter((b) => names.includes(b.name)) : benchmarks;
const figures: Figure[] = [];
for (const benchmark of selected) {
  process.stdout.write(`\n▶ ${benchmark.name}: ${benchmark.description}\n`);
  const started = Date.now();
  try {
    figures.push(...(await benchmark.run({ quick })));
  } catch (error) {
    figures.push({ benchmark: benchmark.name, figure: 'error', value: NaN, unit: '', budget: null, note: String(error instanceof Error ? error.message : error) });
  }
  process.stdout.write(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

const rows = figures.map((f) => {
  const within = f.budget === null ? 'n/a' : f.budget.check(f.value) ? 'yes' : 'NO';
  return [f.benchmark, f.figure, Number.isFinite(f.value) ? formatValue(f.value) : '—', f.unit, f.budget?.label ?? '', within, f.note ?? ''];
});
printTable(['benchmark', 'figure', 'value', 'unit', 'budget', 'within', 'note'], rows);

const outFile = fileURLToPath(new URL('./results.json', import.meta.url));
mkdirSync(path.dirname(outFile), { recursive: true });
writeFileSync(
  outFile,
  JSON.stringify(
    {
      date: new Date().toISOString(),
      quick,
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` },
      figures: figures.map((f) => ({
        benchmark: f.benchmark,
        figure: f.figure,
        value: Number.isFinite(f.value) ? f.value : null,
        unit: f.unit,
        budget: f.budget?.label ?? null,
        withinBudget: f.budget ? f.budget.check(f.value) : null,
        note: f.note ?? null,
      })),
    },
    null,
    2,
  ) + '\n',
);
console.log(`\nWrote ${path.relative(process.cwd(), outFile)}`);

function formatValue(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function printTable(header: string[], body: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of body) console.log(line(row));
}
