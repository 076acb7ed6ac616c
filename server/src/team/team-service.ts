import { randomBytes } from 'node:crypto';
import type { AppsService } from '../apps/apps-service.js';
import type { PasswordHasher } from '../auth/passwords.js';
import { AppError } from '../http/app-error.js';
import type { InviteAgentInput, TeamMember } from '../protocol/activity.js';
import type { ConsoleAccess } from '../realtime/console-access.js';
import type { Repositories, TeamQueries, UserRecord } from '../storage/ports.js';

export interface TeamService {
  list(owner: UserRecord): Promise<TeamMember[]>;
  /** Creates an agent account; the password (given or generated) is returned this once only. */
  invite(owner: UserRecord, input: InviteAgentInput): Promise<{ member: TeamMember; password: string }>;
  setMembership(owner: UserRecord, userId: string, appId: string, member: boolean): Promise<TeamMember>;
  setRole(owner: UserRecord, userId: string, role: TeamMember['role']): Promise<TeamMember>;
  remove(owner: UserRecord, userId: string): Promise<void>;
}

export interface TeamServiceDeps {
  repos: Repositories;
  team: TeamQueries;
  apps: AppsService;
  passwords: PasswordHasher;
  /** Open consoles follow every change at once: rooms left, sockets ended (realtime/console-access.ts). */
  access: Pick<ConsoleAccess, 'membershipsChanged' | 'ended'>;
}

const requireOwner = (user: UserRecord) => {
  if (user.role !== 'owner') throw new AppError('E_FORBIDDEN', 'Only an owner can manage the team.');
};

export function createTeamService({ repos, team, apps, passwords, access }: TeamServiceDeps): TeamService {
  const notSelf = (owner: UserRecord, userId: string) => {
    if (owner.id === userId) throw new AppError('E_FORBIDDEN', 'You cannot change your own account here.');
  };
  return {
    async list(owner) {
      requireOwner(owner);
      return team.list();
    },
    async invite(owner, input) {
      requireOwner(owner);
      // An owner can only hand out applications they are a member of (others answer 404).
      for (const appId of input.appIds) await apps.getFor(owner, appId);
      if (await repos.users.findByEmail(input.email)) throw new AppError('E_CONFLICT', 'An account with this email already exists.');
      const password = input.password ?? randomBytes(12).toString('base64url');
      const user = await repos.users.create({
        email: input.email,
        passwordHash: await passwords.hash(password),
        role: 'agent',
        appIds: [...new Set(input.appIds)],
      });
      return { member: { id: user.id, email: user.email, role: user.role, appIds: user.appIds }, password };
    },
    async setMembership(owner, userId, appId, member) {
      requireOwner(owner);
      notSelf(owner, userId);
      await apps.getFor(owner, appId);
      const updated = await team.setMembership(userId, appId, member);
      if (!updated) throw new AppError('E_NOT_FOUND', 'No such user.');
      await access.membershipsChanged(userId);
      return updated;
    },
    async setRole(owner, userId, role) {
      requireOwner(owner);
      notSelf(owner, userId);
      const updated = await team.setRole(userId, role);
      if (!updated) throw new AppError('E_NOT_FOUND', 'No such user.');
      // What a console shows and may do follows the role: its sockets start over with the new one.
      await access.ended('role-changed', { userId });
      return updated;
    },
    async remove(owner, userId) {
      requireOwner(owner);
      notSelf(owner, userId);
      if (!(await team.remove(userId))) throw new AppError('E_NOT_FOUND', 'No such user.');
      await access.ended('removed', { userId });
    },
  };
}
