import { randomBytes } from 'node:crypto';
import { AppError } from '../http/app-error.js';
import type { PublicApp } from '../protocol/events.js';
import type { CreateAppInput, UpdateAppInput } from '../protocol/schemas.js';
import type { AppRecord, Repositories, UserRecord } from '../storage/ports.js';

export const newPublicKey = (): string => `pk_${randomBytes(18).toString('base64url')}`;

/** An application as the console sees it; the identity secret is shown to owners only. */
export function publicApp(app: AppRecord, viewer?: UserRecord): PublicApp {
  const owner = viewer?.role === 'owner';
  return {
    id: app.id,
    name: app.name,
    publicKey: app.publicKey,
    allowedOrigins: app.allowedOrigins,
    demo: app.demo,
    createdAt: app.createdAt.toISOString(),
    settings: {
      ...app.settings,
      identity: { secret: owner ? app.settings.identity.secret : null, enforce: app.settings.identity.enforce },
    },
  };
}

/** `{ ai: { enabled: false } }` → `{ 'settings.ai.enabled': false }`, so a patch never resets siblings. */
export function settingsPaths(patch: Record<string, unknown>, prefix = 'settings'): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      Object.assign(paths, settingsPaths(value as Record<string, unknown>, `${prefix}.${key}`));
    } else if (value !== undefined) {
      paths[`${prefix}.${key}`] = value;
    }
  }
  return paths;
}

/** Whether a page at `origin` may use this application's widget. `serverOrigin` is Chatreel's own. */
export function isOriginAllowed(app: AppRecord, origin: string | undefined, serverOrigin: string | undefined): boolean {
  if (!origin) return false;
  const candidate = origin.toLowerCase();
  // The demo application lives on Chatreel's own host (/demo/), whatever name that host is reached by.
  if (app.demo && serverOrigin && candidate === serverOrigin.toLowerCase()) return true;
  return app.allowedOrigins.some((allowed) => {
    if (!allowed.includes('://*.')) return allowed === candidate;
    const [scheme, rest] = allowed.split('://*.');
    const url = safeUrl(candidate);
    return !!url && url.protocol === `${scheme}:` && url.host.endsWith(`.${rest}`);
  });
}

function safeUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

export interface AppsService {
  listFor(user: UserRecord): Promise<AppRecord[]>;
  /** The application if `user` is a member, else E_NOT_FOUND (existence is not revealed). */
  getFor(user: UserRecord, appId: string): Promise<AppRecord>;
  create(owner: UserRecord, input: CreateAppInput): Promise<AppRecord>;
  update(owner: UserRecord, appId: string, patch: UpdateAppInput): Promise<AppRecord>;
  /** Gives the application a new widget key; the old one is refused from now on (issue 18). */
  rotateKey(owner: UserRecord, appId: string): Promise<AppRecord>;
  /** Erases the application and all its data when `confirmName` is its name (issue 18). */
  remove(owner: UserRecord, appId: string, confirmName: string): Promise<void>;
}

export interface AppsServiceOptions {
  /** A user's memberships changed (an owner created an application): their open consoles follow. */
  onMembersChanged?: (userId: string) => Promise<void> | void;
  /** Erases an application and every document about it (the storage port's `eraseApp`). */
  erase?: (appId: string) => Promise<boolean>;
  /** Everyone who may be a member of an application (read before an erasure, told after it). */
  users?: () => Promise<Array<{ id: string; appIds: string[] }>>;
  /** Before an application is erased: its visitors' live connections end. */
  onErasing?: (appId: string) => Promise<void> | void;
}

export function createAppsService(repos: Repositories, { onMembersChanged, erase, users, onErasing }: AppsServiceOptions = {}): AppsService {
  const requireOwner = (user: UserRecord) => {
    if (user.role !== 'owner') throw new AppError('E_FORBIDDEN', 'Only an owner can manage applications.');
  };
  const service: AppsService = {
    listFor: (user) => repos.apps.listByIds(user.appIds),
    async getFor(user, appId) {
      const app = user.appIds.includes(appId) ? await repos.apps.findById(appId) : null;
      if (!app) throw new AppError('E_NOT_FOUND', 'No such application.');
      return app;
    },
    async create(owner, input) {
      requireOwner(owner);
      const app = await repos.apps.create({ ...input, publicKey: newPublicKey() });
      await repos.users.addApp(owner.id, app.id);
      // Without this the creator's open console would miss the new application's live events until a reload.
      await onMembersChanged?.(owner.id);
      return app;
    },
    async update(owner, appId, patch) {
      await service.getFor(owner, appId);
      requireOwner(owner);
      const { settings, ...rest } = patch;
      const app = await repos.apps.update(appId, { ...rest, ...(settings ? { settings: settingsPaths(settings) } : {}) });
      if (!app) throw new AppError('E_NOT_FOUND', 'No such application.');
      return app;
    },
    async rotateKey(owner, appId) {
      await service.getFor(owner, appId);
      requireOwner(owner);
      const app = await repos.apps.setPublicKey(appId, newPublicKey());
      if (!app) throw new AppError('E_NOT_FOUND', 'No such application.');
      return app;
    },
    async remove(owner, appId, confirmName) {
      const app = await service.getFor(owner, appId);
      requireOwner(owner);
      if (!erase) throw new AppError('E_UNAVAILABLE', 'Applications cannot be deleted here.');
      if (confirmName.trim() !== app.name) throw new AppError('E_NAME_MISMATCH');
      const members = ((await users?.()) ?? []).filter((user) => user.appIds.includes(appId));
      await onErasing?.(appId);
      await erase(appId);
      // Their open consoles leave the application's rooms and hear their applications changed.
      for (const member of members) await onMembersChanged?.(member.id);
    },
  };
  return service;
}
