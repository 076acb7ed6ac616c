/** The small interfaces services use. Only storage/ knows they are backed by mongoose. */

export interface AppSettings {
  color: string;
  position: 'left' | 'right';
  greeting: string;
}

export interface AppRecord {
  id: string;
  name: string;
  publicKey: string;
  allowedOrigins: string[];
  demo: boolean;
  createdAt: Date;
  settings: AppSettings;
}

export interface UserRecord {
  id: string;
  email: string;
  passwordHash: string;
  role: 'owner' | 'agent';
  appIds: string[];
}

export interface AppsRepository {
  create(input: { name: string; publicKey: string; allowedOrigins: string[]; demo?: boolean }): Promise<AppRecord>;
  findById(id: string): Promise<AppRecord | null>;
  findByKey(publicKey: string): Promise<AppRecord | null>;
  findDemo(): Promise<AppRecord | null>;
  listByIds(ids: string[]): Promise<AppRecord[]>;
  update(id: string, patch: { name?: string; allowedOrigins?: string[] }): Promise<AppRecord | null>;
}

export interface UsersRepository {
  count(): Promise<number>;
  create(input: { email: string; passwordHash: string; role: UserRecord['role']; appIds?: string[] }): Promise<UserRecord>;
  findByEmail(email: string): Promise<UserRecord | null>;
  findById(id: string): Promise<UserRecord | null>;
  addApp(userId: string, appId: string): Promise<void>;
}

export interface LoginsRepository {
  create(input: { tokenHash: string; userId: string; createdAt: Date; expiresAt: Date }): Promise<void>;
  /** The user id of a sign-in that has not expired at `now`. */
  findUserId(tokenHash: string, now: Date): Promise<string | null>;
  delete(tokenHash: string): Promise<void>;
  deleteExpired(now: Date): Promise<number>;
}

export interface InstanceRepository {
  /** The installation's cookie secret, created with `generate` on first call. */
  cookieSecret(generate: () => string): Promise<string>;
}

export interface SessionRecord {
  id: string;
  appId: string;
  visitorId: string;
  status: 'active' | 'completed';
  startedAt: Date;
  lastActivityAt: Date;
  endedAt: Date | null;
  endReason: string | null;
  landingUrl: string;
  pages: Array<{ url: string; at: Date }>;
  pageCount: number;
  eventCount: number;
  bytes: number;
  chunkCount: number;
  userAgent: string;
  viewport: { width: number; height: number };
}

export interface NewSession {
  appId: string;
  visitorId: string;
  startedAt: Date;
  landingUrl: string;
  userAgent: string;
  viewport: { width: number; height: number };
}

export interface SessionsRepository {
  create(input: NewSession): Promise<SessionRecord>;
  findById(id: string): Promise<SessionRecord | null>;
  /** The visitor's newest active session in this application. */
  findActiveForVisitor(appId: string, visitorId: string): Promise<SessionRecord | null>;
  /** Records a page view (navigation or reload) and activity. */
  addPage(id: string, url: string, at: Date): Promise<SessionRecord | null>;
  touch(id: string, at: Date): Promise<void>;
  /** Active → completed; null when it was not active (already completed or unknown). */
  complete(id: string, at: Date, reason: string): Promise<SessionRecord | null>;
  /** Active sessions whose last activity is before `before` (for the idle sweep). */
  listIdle(before: Date, limit: number): Promise<SessionRecord[]>;
}

export interface Repositories {
  apps: AppsRepository;
  users: UsersRepository;
  logins: LoginsRepository;
  instance: InstanceRepository;
  sessions: SessionsRepository;
}
