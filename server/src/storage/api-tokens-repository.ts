/**
 * API tokens of integrations (issue 22): scoped to one application, read-only or read-write. Only the
 * SHA-256 of a token is stored, as the document's `_id`, so checking a token is one `_id` read (the one
 * filter FerretDB 1.x answers from an index) and a database leak gives no usable token.
 */
export type ApiTokenScope = 'read' | 'write';

export interface ApiTokenRecord {
  /** SHA-256 (hex) of the whole token. */
  hash: string;
  /** The public handle the console lists and revokes by (never enough to authenticate). */
  id: string;
  appId: string;
  name: string;
  scope: ApiTokenScope;
  /** The member who created it: the token acts for them, and ends when they lose the application. */
  createdBy: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  /** The token's first characters (`crt_` and a few), so people recognise which one they hold. */
  prefix: string;
}

export interface ApiTokensRepository {
  create(token: ApiTokenRecord): Promise<void>;
  findByHash(hash: string): Promise<ApiTokenRecord | null>;
  /** The application's tokens, oldest first, at most `limit` (a small, rarely read set: scanned by appId). */
  listByApp(appId: string, limit: number): Promise<ApiTokenRecord[]>;
  /** Deletes the token: the next request bearing it, on any node, finds nothing. False when it was not there. */
  revoke(appId: string, id: string): Promise<boolean>;
  /** Records a use at `at`, unless one was recorded after `unlessAfter` (a write per request would cost a round trip each). */
  touch(hash: string, at: Date, unlessAfter: Date): Promise<void>;
}
