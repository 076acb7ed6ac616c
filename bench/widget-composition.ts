import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { transform } from 'esbuild';
import { rollup } from 'rollup';
import { widgetTrim } from '../scripts/widget-trim.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface Contributor {
  /** A package (`node_modules/<name>`) or a source folder of ours. */
  group: string;
  /** gzip KB of its modules' rendered code, minified one module at a time. */
  kb: number;
  modules: number;
}

/** node_modules/@scope/name/… → @scope/name; widget/src/recorder/x.ts → widget/src/recorder. */
function groupOf(id: string): string {
  const rel = path.relative(ROOT, id);
  const nm = rel.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = rel.slice(nm + 'node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  return path.dirname(rel);
}

/**
 * What the widget's bundle is made of: the widget built in memory the way rollup.config.mjs builds it
 * (same trimming and resolution, esbuild TypeScript; nothing written, dist/ untouched), each module's rendered
 * (tree-shaken) code minified and gzipped on its own, summed per package or source folder. Gzipping
 * modules one by one overstates the total a little; the shares are what this is for.
 */
export async function widgetComposition(): Promise<{
  contributors: Contributor[];
  chunks: Array<{ name: string; kb: number; top: string }>;
  /** The first script's modules (the entry and the chunks it imports statically), largest first, gzip KB each. */
  initialModules: Array<{ module: string; kb: number }>;
}> {
  const bundle = await rollup({
    input: { widget: path.join(ROOT, 'widget/src/widget.ts') },
    preserveEntrySignatures: 'strict',
    logLevel: 'silent',
    plugins: [
      ...widgetTrim(),
      nodeResolve({ browser: true, extensions: ['.ts', '.js'] }),
      {
        name: 'esbuild-ts',
        async transform(code, id) {
          if (!id.endsWith('.ts')) return null;
          const result = await transform(code, { loader: 'ts', target: 'es2021', sourcefile: id });
          return { code: result.code, map: null };
        },
      },
    ],
  });
  const { output } = await bundle.generate({ format: 'es', chunkFileNames: '[name].js' });
  await bundle.close();
  const groups = new Map<string, Contributor>();
  const chunks = [];
  const entry = output.find((o) => o.type === 'chunk' && o.isEntry);
  const initialChunks = new Set([entry?.fileName, ...(entry?.type === 'chunk' ? entry.imports : [])]);
  const initialModules = [];
  for (const chunk of output) {
    if (chunk.type !== 'chunk') continue;
    const perGroup = new Map<string, number>();
    for (const [id, module] of Object.entries(chunk.modules)) {
      if (!module.code) continue;
      const minified = (await transform(module.code, { minify: true, target: 'es2021', format: 'esm', legalComments: 'none' })).code;
      const kb = gzipSync(minified, { level: 9 }).length / 1024;
      if (initialChunks.has(chunk.fileName)) initialModules.push({ module: path.relative(ROOT, id).replace(/^.*node_modules\//, ''), kb });
      const group = groupOf(id);
      const contributor = groups.get(group) ?? { group, kb: 0, modules: 0 };
      contributor.kb += kb;
      contributor.modules += 1;
      groups.set(group, contributor);
      perGroup.set(group, (perGroup.get(group) ?? 0) + kb);
    }
    const minifiedChunk = (await transform(chunk.code, { minify: true, target: 'es2021', format: 'esm', legalComments: 'none' })).code;
    const top = [...perGroup].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([g, kb]) => `${g} ${kb.toFixed(1)}`).join(', ');
    chunks.push({ name: chunk.fileName, kb: gzipSync(minifiedChunk, { level: 9 }).length / 1024, top });
  }
  return { contributors: [...groups.values()].sort((a, b) => b.kb - a.kb), chunks, initialModules: initialModules.sort((a, b) => b.kb - a.kb) };
}
