import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import type { Repositories } from '../storage/ports.js';
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

  router.use(express.static(widgetDir, { index: false, maxAge: 0, setHeaders: allowCrossOrigin }));

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

  router.use(consoleContentSecurityPolicy(), express.static(consoleDir, { index: 'index.html' }));
  router.get('/', (_req, res) => {
    res
      .status(503)
      .type('text')
      .send('The console has not been built yet. Run `npm run build` (npm start does it for you).');
  });
  return router;
}

function allowCrossOrigin(res: express.Response): void {
  // The widget is loaded by other sites' pages.
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
}
