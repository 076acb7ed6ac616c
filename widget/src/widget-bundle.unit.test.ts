import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { transform } from 'esbuild';
import { rollup, type OutputChunk } from 'rollup';
import { describe, expect, it } from 'vitest';
import { widgetTrim } from '../../scripts/widget-trim.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Chunks of the widget's code built from `input` as rollup.config.mjs builds the widget (strict entries, trimmed). */
async function build(input: Record<string, string>): Promise<OutputChunk[]> {
  const bundle = await rollup({
    input,
    preserveEntrySignatures: 'strict',
    logLevel: 'silent',
    plugins: [
      { name: 'record-entry', resolveId: (id) => (id === '\0record-entry' ? id : null), load: (id) => (id === '\0record-entry' ? "export { record } from '@rrweb/record';" : null) },
      ...widgetTrim(),
      // 'production' named, as a build without NODE_ENV gets it: under vitest (NODE_ENV=test) the plugin would add 'development'.
      nodeResolve({ browser: true, extensions: ['.ts', '.js'], exportConditions: ['production'] }),
      { name: 'ts', transform: async (code, id) => (id.endsWith('.ts') ? { code: (await transform(code, { loader: 'ts' })).code } : null) },
    ],
  });
  const { output } = await bundle.generate({ format: 'es' });
  await bundle.close();
  return output.filter((o): o is OutputChunk => o.type === 'chunk');
}

/** A chunk and every chunk it imports statically, transitively. */
function staticClosure(chunks: OutputChunk[], chunk: OutputChunk, seen = new Set<OutputChunk>()): Set<OutputChunk> {
  if (seen.has(chunk)) return seen;
  seen.add(chunk);
  for (const name of chunk.imports) staticClosure(chunks, chunks.find((c) => c.fileName === name)!, seen);
  return seen;
}

/** The widget's socket.io entry and rrweb's record, each with the code of the chunks it imports (rollup may share code between the two). */
async function bundle(): Promise<Record<string, string>> {
  const chunks = await build({ socket: path.join(ROOT, 'widget/src/socket-io.ts'), record: '\0record-entry' });
  return Object.fromEntries(chunks.filter((c) => c.isEntry).map((c) => [c.name, [...staticClosure(chunks, c)].map((chunk) => chunk.code).join('\n')]));
}

/** The embed's first script (widget.js and the chunks it imports statically): its modules, and the chunks it may import later. */
async function firstScript(): Promise<{ modules: string[]; lazyChunks: string[] }> {
  const chunks = await build({ widget: path.join(ROOT, 'widget/src/widget.ts') });
  const initial = staticClosure(chunks, chunks.find((c) => c.isEntry)!);
  const modules = [...initial].flatMap((chunk) => Object.keys(chunk.modules)).map((id) => path.relative(ROOT, id));
  return { modules, lazyChunks: chunks.filter((c) => !initial.has(c)).map((c) => c.name) };
}

describe('the widget bundle leaves out what the widget never runs', () => {
  it('the first script (widget.js and its static imports) is the launcher: no Lit, no element, no connection, no recorder', async () => {
    const { modules, lazyChunks } = await firstScript();
    expect(modules).toContain('widget/src/widget.ts');
    expect(modules).toContain('widget/src/launcher.ts');
    expect(modules.filter((id) => /node_modules\/(lit|lit-html|lit-element|@lit)\//.test(id))).toEqual([]);
    expect(modules.filter((id) => /node_modules\/(socket\.io-client|engine\.io-client|@rrweb)\/|widget\/src\/(chatreel-widget|connection-controller|recorder\/|chat\/)/.test(id))).toEqual([]);
    // The element is a chunk of its own, loaded when the visitor reaches for the launcher.
    expect(lazyChunks).toContain('chatreel-widget');
  }, 60_000);

  it('socket.io-client carries the websocket transport only: no long-polling, no WebTransport', async () => {
    const { socket } = await bundle();
    expect(socket).toContain('new WebSocket');
    // The transports' own code (comments elsewhere still name them).
    expect(socket).not.toMatch(/new (globalThis\.)?XMLHttpRequest|new WebTransport|\bfetch\(/);
    expect(socket).not.toMatch(/class (XHR|Fetch|Polling|WT)\b/);
  }, 60_000);

  it("rrweb's record carries no canvas recording (serializers, image worker), and still its CanvasManager's interface", async () => {
    const { record } = await bundle();
    expect(record).toContain('class MutationBuffer');
    expect(record).not.toContain('OffscreenCanvas');
    expect(record).not.toContain('WebGL');
    expect(record).not.toContain('new Worker');
    expect(record).toMatch(/class CanvasManager \{\s*reset\(\) \{\s*\}\s*freeze\(\) \{\s*\}\s*unfreeze\(\) \{\s*\}\s*lock\(\) \{\s*\}\s*unlock\(\) \{\s*\}/);
  }, 60_000);
});
