import { rmSync } from 'node:fs';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { transform } from 'esbuild';
import { widgetTrim } from './scripts/widget-trim.mjs';

const production = process.env.NODE_ENV !== 'development';

/**
 * Where the bundles go: dist/, which the server serves. CHATREEL_DIST_DIR builds elsewhere (the build's
 * own test does, so it never empties the dist/ that journeys running beside it are served from); a path
 * relative to this directory.
 */
const DIST = process.env.CHATREEL_DIST_DIR || 'dist';

// Chunk names carry content hashes: start each build from an empty dist/ so old chunks are not served.
rmSync(new URL(`./${DIST}`, import.meta.url), { recursive: true, force: true });

const TARGET = 'es2021';

/** TypeScript through esbuild, and minified chunks in production. */
const esbuild = () => ({
  name: 'esbuild',
  async transform(code, id) {
    if (!id.endsWith('.ts')) return null;
    const result = await transform(code, { loader: 'ts', target: TARGET, sourcemap: true, sourcefile: id });
    return { code: result.code, map: result.map };
  },
  async renderChunk(code) {
    if (!production) return null;
    const result = await transform(code, { minify: true, target: TARGET, format: 'esm', legalComments: 'none' });
    return { code: result.code, map: null };
  },
});

/**
 * Warnings a user of `npm run build` can do nothing about, from third-party code only: zod's circular
 * imports between its own modules (harmless: resolved before use) and its comments placed where Rollup
 * cannot read a pure annotation (Rollup drops the comment; the code is unchanged). Anything else, and
 * any warning about our own code, is printed as before.
 */
const THIRD_PARTY_NOISE = new Set(['CIRCULAR_DEPENDENCY', 'INVALID_ANNOTATION']);
const inNodeModules = (id) => typeof id === 'string' && id.includes('/node_modules/');
const onwarn = (warning, warn) => {
  const ids = warning.code === 'CIRCULAR_DEPENDENCY' ? (warning.ids ?? []) : [warning.id];
  if (THIRD_PARTY_NOISE.has(warning.code) && ids.length > 0 && ids.every(inNodeModules)) return;
  warn(warning);
};

// Dependencies resolve to their production builds in development too: with NODE_ENV=development the
// resolver would pick the 'development' export condition, and socket.io's debug builds import the
// CommonJS `debug` package, which this build does not bundle (`npm run dev` failed on it).
const plugins = () => [nodeResolve({ browser: true, extensions: ['.ts', '.js'], exportConditions: ['production'] }), esbuild()];

/** Copies static files next to a bundle once it is written. */
const copy = (pairs) => ({
  name: 'copy',
  async writeBundle() {
    for (const [from, to] of pairs) {
      await mkdir(new URL('.', new URL(to, import.meta.url)), { recursive: true });
      await copyFile(new URL(from, import.meta.url), new URL(to, import.meta.url));
    }
  },
});

/**
 * The console's index.html with its entry scripts' content-hashed names, and a modulepreload link for
 * each chunk they import, so a page load asks for none of them twice (they are cached for good) and
 * fetches an entry's imports beside it rather than after it.
 */
const consoleHtml = (template) => ({
  name: 'console-html',
  async generateBundle(_options, bundle) {
    let html = await readFile(new URL(template, import.meta.url), 'utf8');
    const entries = Object.values(bundle).filter((chunk) => chunk.type === 'chunk' && chunk.isEntry);
    const preloads = new Set();
    for (const entry of entries) {
      html = html.replace(`src="/${entry.name}.js"`, `src="/${entry.fileName}"`);
      for (const imported of entry.imports) preloads.add(`    <link rel="modulepreload" href="/${imported}" />`);
    }
    html = html.replace('  </head>', `${[...preloads].join('\n')}\n  </head>`);
    this.emitFile({ type: 'asset', fileName: 'index.html', source: html });
  },
});

export default [
  {
    // The widget: a small first script (the launcher, without Lit); the element, the chat and the recorder are chunks loaded later.
    input: { widget: 'widget/src/widget.ts' },
    // widget.js stays the page's entry only: the chunks import what they share with it (the launcher,
    // the appearance) from a chunk of its own, never widget.js itself, which a site may load under
    // another URL (\`widget.js?v=2\`) and which would then run twice.
    preserveEntrySignatures: 'strict',
    output: {
      dir: `${DIST}/widget`,
      format: 'es',
      entryFileNames: '[name].js',
      chunkFileNames: 'widget-chunks/[name]-[hash].js',
      sourcemap: !production,
    },
    // The widget ships only what it runs: socket.io-client without long-polling, rrweb without canvas recording.
    plugins: [...widgetTrim(), ...plugins()],
    onwarn,
  },
  {
    // `early`: the page's first script, which starts the address's requests while `app` loads (index.html).
    input: { early: 'console/src/early.ts', app: 'console/src/main.ts' },
    output: {
      dir: `${DIST}/console`,
      format: 'es',
      // Named by their content, like the chunks: index.html (written by consoleHtml) names them.
      entryFileNames: 'chunks/[name]-[hash].js',
      chunkFileNames: 'chunks/[name]-[hash].js',
      sourcemap: !production,
    },
    plugins: [...plugins(), consoleHtml('console/index.html'), copy([
        ['console/favicon.svg', `${DIST}/console/favicon.svg`],
        // The replay player's stylesheet, linked from the replay view's shadow root.
        ['node_modules/rrweb-player/dist/style.css', `${DIST}/console/rrweb-player.css`],
      ])],
    onwarn,
  },
];
