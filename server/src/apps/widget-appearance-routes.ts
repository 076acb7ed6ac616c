import { Router } from 'express';
import { AppError } from '../http/app-error.js';
import { validate } from '../http/validate.js';
import { WIDGET_APPEARANCE_PATH, type WidgetAppearance } from '../protocol/events.js';
import { WIDGET_APPEARANCE_MAX_AGE_S, WIDGET_APPEARANCE_STALE_S } from '../protocol/limits.js';
import { visitorHandshakeSchema } from '../protocol/schemas.js';
import type { Repositories } from '../storage/ports.js';

const appearanceRequestSchema = visitorHandshakeSchema.pick({ key: true });

/**
 * `GET /widget/appearance/<key>`: the launcher's colour and corner, for any page (like the key itself,
 * nothing secret). Cached briefly by browsers, so a page view after the first costs no request.
 */
export function widgetAppearanceRoutes(repos: Repositories): Router {
  const router = Router();
  router.get(`${WIDGET_APPEARANCE_PATH}/:key`, async (req, res) => {
    // Any site may read it, errors included (the widget then shows its default look).
    res.set({ 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' });
    const { key } = validate(appearanceRequestSchema, req.params);
    const app = await repos.apps.findByKey(key);
    if (!app) throw new AppError('E_UNKNOWN_KEY');
    const appearance: WidgetAppearance = { color: app.settings.color, position: app.settings.position };
    res.set('Cache-Control', `public, max-age=${WIDGET_APPEARANCE_MAX_AGE_S}, stale-while-revalidate=${WIDGET_APPEARANCE_STALE_S}`);
    res.json({ data: { appearance } });
  });
  return router;
}
