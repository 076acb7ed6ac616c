import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { siteFontFiles } from './font-files.js';

const FIXTURES = new URL('../fixtures/fidelity/', import.meta.url);
const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8' };

export interface FidelitySite {
  /** `http://127.0.0.1:<port>`: an origin of its own, apart from the Chatreel server's. */
  origin: string;
  /** Paths asked for, with the headers asked with. */
  requests: Array<{ path: string; origin: string | undefined }>;
  close(): Promise<void>;
}

/**
 * The site that embeds the widget in the fidelity journeys: the pages of e2e/fixtures/fidelity/ on
 * their own origin, each with the widget's script tag (`%CHATREEL_URL%`, `%CHATREEL_KEY%`), their
 * style sheets, scripts (`<name>.bundle.js`: the fixture's module bundled with its npm imports, such
 * as Lit) and self-hosted fonts under /assets/fonts/ — served, as most sites serve them, without any
 * CORS header: a document of another origin (the console's replay) is refused them.
 */
export async function startFidelitySite(chatreel: { url: string; key: () => string }): Promise<FidelitySite> {
  const fonts = siteFontFiles();
  const requests: FidelitySite['requests'] = [];
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://site').pathname;
    requests.push({ path, origin: req.headers.origin });
    answer(path, req)
      .then(({ type, body }) => res.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache' }).end(body))
      .catch(() => res.writeHead(404).end());
  });
  async function answer(path: string, _req: IncomingMessage): Promise<{ type: string; body: Buffer | string }> {
    const font = path.startsWith('/assets/fonts/') ? fonts.get(path.slice('/assets/fonts/'.length)) : undefined;
    if (font) return { type: font.type, body: font.data };
    const name = path.replace(/^\/+/, '') || 'index.html';
    if (!/^[\w-]+(\.bundle)?\.(html|css|js)$/.test(name)) throw new Error('not a fixture');
    if (name.endsWith('.bundle.js')) {
      const bundled = await build({ entryPoints: [new URL(name.replace('.bundle', ''), FIXTURES).pathname], bundle: true, format: 'esm', write: false, target: 'es2021' });
      return { type: TYPES.js, body: bundled.outputFiles[0].text };
    }
    const text = await readFile(new URL(name, FIXTURES), 'utf8');
    const extension = name.split('.').pop()!;
    return { type: TYPES[extension], body: extension === 'html' ? text.replaceAll('%CHATREEL_URL%', chatreel.url).replaceAll('%CHATREEL_KEY%', chatreel.key()) : text };
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
