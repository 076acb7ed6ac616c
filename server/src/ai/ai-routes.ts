import { Router } from 'express';
import type { AiStatus } from '../protocol/ai-status.js';
import { AI_OFF_STATUS, type AiModel } from './ai-model.js';

/** /api/ai — mounted behind requireUser: whether AI answers work on this server (the console's settings show it). */
export function aiRoutes(model: AiModel | null): Router {
  const router = Router();
  router.get('/status', (_req, res) => {
    const ai: AiStatus = model?.status() ?? AI_OFF_STATUS;
    res.set('Cache-Control', 'no-store').json({ data: { ai } });
  });
  return router;
}
