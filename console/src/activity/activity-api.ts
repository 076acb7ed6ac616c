import type {
  ActivityCounters,
  ChartBuckets,
  ChartRange,
  FeedFilter,
  FeedItem,
  Page,
  SessionRow,
  SessionStatusFilter,
  TeamMember,
} from '../../../server/src/protocol/activity.js';
import type { AppStorage, PublicApp } from '../../../server/src/protocol/events.js';
import type { SignalType } from '../../../server/src/protocol/insights.js';
import { request } from '../api-client.js';

const app = (appId: string) => `/apps/${encodeURIComponent(appId)}`;

function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** REST calls of the Sessions page, the Activity tab, Settings and Team. */
export const activityApi = {
  sessions: (appId: string, params: { status: SessionStatusFilter; q?: string; signal?: SignalType | ''; cursor?: string | null; limit?: number }) =>
    request<Page<SessionRow>>('GET', `${app(appId)}/sessions${query(params)}`),
  counters: (appId: string) => request<{ counters: ActivityCounters }>('GET', `${app(appId)}/counters`),
  feed: (appId: string, params: { filter: FeedFilter; signal?: SignalType | ''; cursor?: string | null; limit?: number }) =>
    request<Page<FeedItem>>('GET', `${app(appId)}/activity${query(params)}`),
  chart: (appId: string, range: ChartRange) => request<{ chart: ChartBuckets }>('GET', `${app(appId)}/activity/chart${query({ range })}`),
  updateApp: (appId: string, patch: Record<string, unknown>) => request<{ app: PublicApp }>('PATCH', app(appId), patch),
  storage: (appId: string) => request<{ storage: AppStorage }>('GET', `${app(appId)}/storage`),
  team: () => request<{ members: TeamMember[] }>('GET', '/team'),
  invite: (email: string, appIds: string[], password?: string) =>
    request<{ member: TeamMember; password: string }>('POST', '/team', { email, appIds, ...(password ? { password } : {}) }),
  setMembership: (userId: string, appId: string, member: boolean) =>
    request<{ member: TeamMember }>(member ? 'PUT' : 'DELETE', `/team/${encodeURIComponent(userId)}${app(appId)}`),
  setRole: (userId: string, role: TeamMember['role']) => request<{ member: TeamMember }>('PUT', `/team/${encodeURIComponent(userId)}/role`, { role }),
  removeMember: (userId: string) => request<{ ok: true }>('DELETE', `/team/${encodeURIComponent(userId)}`),
};
