import { createHash, randomBytes } from 'node:crypto';
import type { AppsService } from '../apps/apps-service.js';
import { AppError } from '../http/app-error.js';
import { API_RATE_WINDOW_MS, API_REQUESTS_PER_TOKEN_PER_WINDOW, API_TOKEN_TOUCH_INTERVAL_MS, MAX_API_TOKENS_PER_APP } from '../protocol/limits.js';
import { API_TOKEN_PREFIX, type ApiTokenSummary, type CreateApiTokenInput } from '../protocol/rest-api.js';
import { createRateLimit, type RateLimitStore } from '../rate-limits/rate-limiter.js';
import type { ApiTokenRecord, ApiTokensRepository, Repositories, UserRecord } from '../storage/ports.js';

/** Random bytes in a token: 256 bits, so a stored SHA-256 (no salt, no slow hash) is enough. */
const TOKEN_RANDOM_BYTES = 32;
/** `crt_` + 43 base64url characters; anything longer is not one of ours and is not hashed. */
const MAX_TOKEN_CHARS = API_TOKEN_PREFIX.length + 64;
/** Characters of the token kept in clear to recognise it: the prefix and 4 more. */
const SHOWN_PREFIX_CHARS = API_TOKEN_PREFIX.length + 4;

export const hashApiToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Who a request bearing a valid token acts as: the member who created it, within its one application. */
export interface ApiPrincipal {
  token: ApiTokenRecord;
  user: UserRecord;
}

export interface ApiTokensService {
  list(owner: UserRecord, appId: string): Promise<ApiTokenSummary[]>;
  /** The new token's summary and the token itself: shown once, never stored. */
  create(owner: UserRecord, appId: string, input: CreateApiTokenInput): Promise<{ token: ApiTokenSummary; secret: string }>;
  revoke(owner: UserRecord, appId: string, id: string): Promise<void>;
  /**
   * The principal of an `Authorization` header, read from the database on every request (no cache:
   * a token revoked on one node, or a member removed, is refused by every node at once), within the
   * token's rate limit. E_UNAUTHORIZED for anything else, E_RATE_LIMITED past the limit.
   */
  authenticate(authorization: string | undefined): Promise<ApiPrincipal>;
}

export function summaryOf(token: ApiTokenRecord): ApiTokenSummary {
  return {
    id: token.id,
    name: token.name,
    scope: token.scope,
    prefix: token.prefix,
    createdAt: token.createdAt.toISOString(),
    createdBy: token.createdBy,
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
  };
}

export function createApiTokensService(deps: {
  tokens: ApiTokensRepository;
  repos: Repositories;
  apps: AppsService;
  rateLimits: RateLimitStore;
  now?: () => Date;
}): ApiTokensService {
  const { tokens, repos, apps } = deps;
  const now = deps.now ?? (() => new Date());
  const limit = createRateLimit(
    { name: 'api-token', points: API_REQUESTS_PER_TOKEN_PER_WINDOW, windowMs: API_RATE_WINDOW_MS, message: 'This API token made too many requests.' },
    deps.rateLimits,
  );
  // Owners of the application only: a token can erase visitors, which agents cannot.
  const ownerApp = async (user: UserRecord, appId: string) => {
    const app = await apps.getFor(user, appId);
    if (user.role !== 'owner') throw new AppError('E_FORBIDDEN', 'Only an owner can manage API tokens.');
    return app;
  };
  const unauthorized = () => new AppError('E_UNAUTHORIZED', 'A valid API token is required: Authorization: Bearer crt_…');

  return {
    async list(owner, appId) {
      const app = await ownerApp(owner, appId);
      return (await tokens.listByApp(app.id, MAX_API_TOKENS_PER_APP)).map(summaryOf);
    },
    async create(owner, appId, { name, scope }) {
      const app = await ownerApp(owner, appId);
      if ((await tokens.listByApp(app.id, MAX_API_TOKENS_PER_APP)).length >= MAX_API_TOKENS_PER_APP) {
        throw new AppError('E_CONFLICT', `An application may have at most ${MAX_API_TOKENS_PER_APP} API tokens; revoke one first.`);
      }
      const secret = `${API_TOKEN_PREFIX}${randomBytes(TOKEN_RANDOM_BYTES).toString('base64url')}`;
      const record: ApiTokenRecord = {
        hash: hashApiToken(secret),
        id: randomBytes(9).toString('base64url'),
        appId: app.id,
        name,
        scope,
        createdBy: owner.id,
        createdAt: now(),
        lastUsedAt: null,
        prefix: secret.slice(0, SHOWN_PREFIX_CHARS),
      };
      await tokens.create(record);
      return { token: summaryOf(record), secret };
    },
    async revoke(owner, appId, id) {
      const app = await ownerApp(owner, appId);
      if (!(await tokens.revoke(app.id, id))) throw new AppError('E_NOT_FOUND', 'No such API token.');
    },
    async authenticate(authorization) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
      const secret = match?.[1];
      if (!secret || !secret.startsWith(API_TOKEN_PREFIX) || secret.length > MAX_TOKEN_CHARS) throw unauthorized();
      const token = await tokens.findByHash(hashApiToken(secret));
      if (!token) throw unauthorized();
      // The creator, read now: a member removed from the application (or deleted) ends their tokens at once.
      const user = await repos.users.findById(token.createdBy);
      if (!user?.appIds.includes(token.appId)) throw unauthorized();
      await limit.take(token.id);
      const at = now();
      if (!token.lastUsedAt || at.getTime() - token.lastUsedAt.getTime() >= API_TOKEN_TOUCH_INTERVAL_MS) {
        await tokens.touch(token.hash, at, new Date(at.getTime() - API_TOKEN_TOUCH_INTERVAL_MS));
      }
      return { token, user };
    },
  };
}
