import type { ErrorBody, ErrorCode } from '../../server/src/protocol/error-codes.js';
import type { PublicApp, PublicUser } from '../../server/src/protocol/events.js';
import { takeEarlyMe } from './boot/early-requests.js';

/** A failed API call: the server's stable code and its sentence for people. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode | 'E_NETWORK',
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  return readAnswer<T>(
    fetch(`/api${path}`, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
}

/** An API answer's data, or its error as an ApiError. */
async function readAnswer<T>(sent: Promise<Response>): Promise<T> {
  let response: Response;
  try {
    response = await sent;
  } catch {
    throw new ApiError('E_NETWORK', 'Cannot reach the Chatreel server.', 0);
  }
  const payload = (await response.json().catch(() => null)) as ({ data: T } & Partial<ErrorBody>) | null;
  if (!response.ok || !payload || payload.error) {
    const error = payload?.error;
    throw new ApiError(error?.code ?? 'E_INTERNAL', error?.message ?? `Request failed (${response.status}).`, response.status);
  }
  return payload.data;
}

export const api = {
  /** The first time, the page's early script may have asked already (boot/early-requests.ts). */
  me: () => {
    const early = takeEarlyMe();
    return early ? readAnswer<{ user: PublicUser }>(early) : request<{ user: PublicUser }>('GET', '/auth/me');
  },
  login: (email: string, password: string) => request<{ user: PublicUser }>('POST', '/auth/login', { email, password }),
  logout: () => request<{ ok: true }>('POST', '/auth/logout'),
  listApps: () => request<{ apps: PublicApp[] }>('GET', '/apps'),
  createApp: (name: string, allowedOrigins: string[]) => request<{ app: PublicApp }>('POST', '/apps', { name, allowedOrigins }),
  changePassword: (currentPassword: string, newPassword: string) =>
    request<{ ok: true; endedSignIns: number }>('POST', '/auth/password', { currentPassword, newPassword }),
  renameApp: (appId: string, name: string) => request<{ app: PublicApp }>('PATCH', `/apps/${encodeURIComponent(appId)}`, { name }),
  rotateKey: (appId: string) => request<{ app: PublicApp }>('POST', `/apps/${encodeURIComponent(appId)}/rotate-key`),
  deleteApp: (appId: string, confirmName: string) => request<{ ok: true }>('DELETE', `/apps/${encodeURIComponent(appId)}`, { confirmName }),
};
