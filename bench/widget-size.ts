import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { atMost, type Benchmark } from './figure.js';
import { widgetComposition } from './widget-composition.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const WIDGET_DIR = path.join(ROOT, 'dist', 'widget');
const INITIAL_BUDGET_KB = 8;
const TOTAL_BUDGET_KB = 40;
/**
 * The lazily loaded chunks a typical recorded chat loads (with their static imports): the element (Lit,
 * the connection's controller), the connection, the chat panel and the recorder. Not the console and network capture (off unless the application
 * records them), the help offer, the rating or the email form. A second figure, for information: the
 * budget is on everything.
 */
const TYPICAL_CHAT_CHUNKS = ['chatreel-widget', 'socket-io', 'chat-panel', 'recording'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : full.endsWith('.js') ? [full] : [];
  });
}

const gzipKb = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length / 1024;

/** The entry and every chunk it imports statically (what loads before the launcher can show: no Lit, see launcher.ts). */
function staticClosure(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  // Static imports only: `import"./x.js"` and `from"./x.js"`, not `import("./x.js")`.
  for (const match of readFileSync(entry, 'utf8').matchAll(/(?:\bfrom|\bimport)\s*["'](\.{1,2}\/[^"']+)["']/g)) {
    staticClosure(path.resolve(path.dirname(entry), match[1]), seen);
  }
  return seen;
}

/** gzip size of the first script and of everything the widget can ever load (all its chunks). */
export const widgetSize: Benchmark = {
  name: 'widget-size',
  description: 'gzip bytes of /widget.js and of every chunk it can load (production build)',
  async run({ quick }) {
    const build = spawnSync('npx', ['rollup', '-c', '--silent'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
    if (build.status !== 0) throw new Error('the production build failed');
    const all = files(WIDGET_DIR);
    const initialFiles = staticClosure(path.join(WIDGET_DIR, 'widget.js'));
    const initial = [...initialFiles].reduce((sum, file) => sum + gzipKb(file), 0);
    const total = all.reduce((sum, file) => sum + gzipKb(file), 0);
    const typicalFiles = new Set(initialFiles);
    for (const name of TYPICAL_CHAT_CHUNKS) {
      const chunk = all.find((file) => path.basename(file).replace(/-[\w-]{8}\.js$/, '') === name);
      if (!chunk) throw new Error(`no ${name} chunk in the build: update TYPICAL_CHAT_CHUNKS`);
      staticClosure(chunk, typicalFiles);
    }
    const typical = [...typicalFiles].reduce((sum, file) => sum + gzipKb(file), 0);
    const chunks = all
      .filter((file) => !file.endsWith(`${path.sep}widget.js`))
      .map((file) => `${path.basename(file).replace(/-[\w-]{8}\.js$/, '')} ${gzipKb(file).toFixed(1)}`)
      .join(', ');
    // What the bytes are (per package, from the bundle itself): the profile when the total is over budget.
    // (An extra in-memory build: left out of --quick unless the total is over budget.)
    const over = total > TOTAL_BUDGET_KB || initial > INITIAL_BUDGET_KB;
    const { contributors, initialModules } = over || !quick ? await widgetComposition() : { contributors: [], initialModules: [] };
    const composition = contributors.slice(0, 8).map((c) => `${c.group} ${c.kb.toFixed(1)}`).join(', ');
    const initialComposition = initialModules.slice(0, 8).map((m) => `${m.module} ${m.kb.toFixed(1)}`).join(', ');
    return [
      { benchmark: 'widget-size', figure: 'initial script (widget.js and its static imports)', value: initial, unit: 'KB gzip', budget: atMost(INITIAL_BUDGET_KB, 'KB'), note: `${initialFiles.size} files${initialComposition ? `; modules gzipped one by one: ${initialComposition}` : ''}` },
      { benchmark: 'widget-size', figure: 'everything the widget loads', value: total, unit: 'KB gzip', budget: atMost(TOTAL_BUDGET_KB, 'KB'), note: chunks },
      { benchmark: 'widget-size', figure: 'a typical recorded chat loads', value: typical, unit: 'KB gzip', budget: null, note: `${typicalFiles.size} files: the first script, ${TYPICAL_CHAT_CHUNKS.join(', ')} and their imports` },
      ...contributors.slice(0, 1).map((top) => ({ benchmark: 'widget-size', figure: `largest contributor: ${top.group}`, value: top.kb, unit: 'KB gzip', budget: null, note: `per package/folder, modules gzipped one by one: ${composition}` })),
    ];
  },
};
