import { Router } from 'express';

/**
 * What the demo shop's pages call (`/demo/api/…`), so its replays have network requests to show
 * (issue 21): a stock check that answers, a basket that empties, and a delivery service that is down
 * on purpose (503), like the demo's other deliberate bugs. No state, nothing stored.
 */
export function demoApiRoutes(): Router {
  const router = Router();
  router.get('/demo/api/stock', (req, res) => {
    const plant = typeof req.query.plant === 'string' ? req.query.plant.slice(0, 80) : '';
    res.set('Cache-Control', 'no-store').json({ plant, inStock: true });
  });
  router.delete('/demo/api/basket', (_req, res) => res.status(204).end());
  router.post('/demo/api/delivery', (_req, res) => {
    res.status(503).set('Retry-After', '60').json({ error: { code: 'E_UNAVAILABLE', message: 'The delivery service is down (a deliberate bug of the demo).' } });
  });
  return router;
}
