import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import type { Repositories } from '../storage/ports.js';
import { WIDGET_ENTRY_MAX_AGE_S } from '../protocol/limits.js';
import { AppError } from './app-error.js';
import { consoleContentSecurityPolicy } from './security-headers.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const DIST_DIR = path.join(ROOT, 'dist');
const DEMO_DIR = path.join(ROOT, 'widget', 'demo');
const DEMO_KEY_PLACEHOLDER = '%CHATREEL_DEMO_KEY%';

/** The console at `/`, the widget at `/widget.js` (chunks beside it) and the demo host site at `/demo/`. */
export function staticRoutes(repos: Repositories): Router {
  const router = Router();
  const widgetDir = path.join(DIST_DIR, 'widget');
  const consoleDir = path.join(DIST_DIR, 'console');

  router.use(
    express.static(widgetDir, {
      index: false,
      setHeaders: (res, file) => {
        allowCrossOrigin(res);
        // The entry keeps its name from version to version: re-checked after a minute. Its chunks are
        // named by their content: a new version has new names, so a page never asks for one twice.
        res.setHeader('Cache-Control', isHashedChunk(file) ? IMMUTABLE : `public, max-age=${WIDGET_ENTRY_MAX_AGE_S}`);
      },
    }),
  );

  // Demo pages carry the demo application's key in the same one-line snippet the README documents.
  router.get(['/demo', '/demo/', '/demo/:page.html'], async (req, res) => {
    const page = (req.params as { page?: string }).page ?? 'index';
    if (!/^[a-z0-9-]+$/.test(page)) throw new AppError('E_NOT_FOUND');
    if (req.path === '/demo') return res.redirect(301, '/demo/');
    const file = path.join(DEMO_DIR, `${page}.html`);
    if (!existsSync(file)) throw new AppError('E_NOT_FOUND');
    const demo = await repos.apps.findDemo();
    const html = (await readFile(file, 'utf8')).replaceAll(DEMO_KEY_PLACEHOLDER, demo?.publicKey ?? 'pk_demo_disabled');
    res.type('html').set('Cache-Control', 'no-store').send(html);
  });
  router.use('/demo', express.static(DEMO_DIR, { index: false }));

  router.use(
    consoleContentSecurityPolicy(),
    express.static(consoleDir, {
      index: 'index.html',
      setHeaders: (res, file) => {
        if (isHashedChunk(file)) res.setHeader('Cache-Control', IMMUTABLE);
      },
    }),
  );
  // Browsers ask for /favicon.ico on any page of this host (the demo's too) unless told otherwise.
  router.get('/favicon.ico', (_req, res) => res.type('image/svg+xml').set('Cache-Control', 'public, max-age=86400').sendFile(path.join(consoleDir, 'favicon.svg')));
  router.get('/', (_req, res) => {
    res
      .status(503)
      .type('text')
      .send('The console has not been built yet. Run `npm run build` (npm start does it for you).');
  });
  return router;
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Chunks are written under these folders with a content hash in their names (rollup.config.mjs). */
const HASHED_CHUNK_DIRS = [`${path.sep}widget-chunks${path.sep}`, `${path.sep}chunks${path.sep}`];
const isHashedChunk = (file: string) => HASHED_CHUNK_DIRS.some((dir) => file.includes(dir));

function allowCrossOrigin(res: express.Response): void {
  // The widget is loaded by other sites' pages.
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
}
