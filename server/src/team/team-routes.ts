import { Router } from 'express';
import { currentUser } from '../auth/auth-routes.js';
import { validate } from '../http/validate.js';
import { inviteAgentSchema, setRoleSchema } from '../protocol/activity.js';
import type { TeamService } from './team-service.js';

/** /api/team — owner only (mounted behind requireUser; the service refuses agents with E_FORBIDDEN). */
export function teamRoutes(team: TeamService): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    res.json({ data: { members: await team.list(currentUser(req)) } });
  });

  router.post('/', async (req, res) => {
    const result = await team.invite(currentUser(req), validate(inviteAgentSchema, req.body));
    res.status(201).json({ data: result });
  });

  router.put('/:userId/apps/:appId', async (req, res) => {
    const member = await team.setMembership(currentUser(req), req.params.userId, req.params.appId, true);
    res.json({ data: { member } });
  });

  router.delete('/:userId/apps/:appId', async (req, res) => {
    const member = await team.setMembership(currentUser(req), req.params.userId, req.params.appId, false);
    res.json({ data: { member } });
  });

  router.put('/:userId/role', async (req, res) => {
    const { role } = validate(setRoleSchema, req.body);
    res.json({ data: { member: await team.setRole(currentUser(req), req.params.userId, role) } });
  });

  router.delete('/:userId', async (req, res) => {
    await team.remove(currentUser(req), req.params.userId);
    res.json({ data: { ok: true } });
  });

  return router;
}
