import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
const options = Object.fromEntries(args.flatMap((arg) => (/^--[\w-]+=/.test(arg) ? [[arg.slice(2, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]] : [])));
const names = args.filter((arg) => !arg.startsWith('--'));
const unknown = names.filter((name) => !benchmarks.some((b) => b.name === name));
if (unknown.length) {
  console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Known: ${benchmarks.map((b) => b.name).join(', ')}`);
  process.exit(2);
}

const selected = names.length ? benchmarks.filter((b) => names.includes(b.name)) : benchmarks;
// The browser benchmarks serve the built widget and console: build once if a fresh clone has none.
const root = fileURLToPath(new URL('../', import.meta.url));
if (!existsSync(path.join(root, 'dist/widget/widget.js')) || !existsSync(path.join(root, 'dist/console/index.html'))) {
  process.stdout.write('No build in dist/: running the production build first.\n');
  const build = spawnSync('npx', ['rollup', '-c', '--silent'], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  if (build.status !== 0) process.exit(1);
}
const figures: Figure[] = [];
for (const benchmark of selected) {
  process.stdout.write(`\n▶ ${benchmark.name}: ${benchmark.description}\n`);
  const started = Date.now();
  try {
    figures.push(...(await benchmark.run({ quick, options })));
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
const measuredAt = new Date().toISOString();
// A partial run keeps the previous figures of the benchmarks it did not run (each with its own date).
const kept = carriedOver(outFile, new Set(selected.map((b) => b.name)));
const fresh = figures.map((f) => ({
  measuredAt,
  quick,
  benchmark: f.benchmark,
  figure: f.figure,
  value: Number.isFinite(f.value) ? f.value : null,
  unit: f.unit,
  budget: f.budget?.label ?? null,
  withinBudget: f.budget ? f.budget.check(f.value) : null,
  note: f.note ?? null,
}));
const order = (f: Record<string, unknown>) => benchmarks.findIndex((b) => b.name === f.benchmark);
const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` };
const merged = [...kept, ...fresh].map((f, i) => ({ f, i })).sort((a, b) => order(a.f) - order(b.f) || a.i - b.i).map(({ f }) => f);
writeFileSync(outFile, JSON.stringify({ date: measuredAt, quick, machine, figures: merged }, null, 2) + '\n');
console.log(`\nWrote ${path.relative(process.cwd(), outFile)}`);

function carriedOver(file: string, ran: Set<string>): Array<Record<string, unknown>> {
  try {
    const previous = JSON.parse(readFileSync(file, 'utf8')) as { date?: string; quick?: boolean; figures?: Array<Record<string, unknown>> };
    return (previous.figures ?? [])
      .filter((f) => !ran.has(String(f.benchmark)))
      .map((f) => ({ measuredAt: previous.date, quick: previous.quick, ...f }));
  } catch {
    return [];
  }
}

function formatValue(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function printTable(header: string[], body: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of body) console.log(line(row));
}
