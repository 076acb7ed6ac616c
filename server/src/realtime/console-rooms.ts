/**
 * Rooms of the console namespace. Live events reach agents only through these, so several nodes can
 * share them through an adapter. Every room carrying one application's data names that application
 * first: all of a user's rooms of one application can be left without knowing its sessions.
 */

/** One application's live updates (sessions, prompts, conversations) for its members. */
export const appRoom = (appId: string): string => `app:${appId}`;
/** Agents watching one session live (`replay:batch`). */
export const watchRoom = (appId: string, sessionId: string): string => `watch:${appId}:${sessionId}`;
/** Agents with one conversation open (its messages and the AI's deltas). */
export const conversationRoom = (appId: string, sessionId: string): string => `conversation:${appId}:${sessionId}`;
/** Every console socket of one user: ended or moved together when the account changes. */
export const userRoom = (userId: string): string => `user:${userId}`;
/** Every console socket of one sign-in (by its token's hash): disconnected together at sign-out. */
export const signInRoom = (tokenHash: string): string => `login:${tokenHash}`;

const APP_SCOPED = /^(?:app|watch|conversation):([^:]+)/;
const SESSION_SCOPED = /^(watch|conversation):([^:]+):(.+)$/;

/** The application an app-scoped room belongs to; undefined for user, sign-in and socket rooms. */
export const appOfRoom = (room: string): string | undefined => APP_SCOPED.exec(room)?.[1];

/** `watch:<appId>:<sessionId>` (or `conversation:…`) → its parts; undefined for any other room. */
export function parseSessionRoom(room: string): { kind: 'watch' | 'conversation'; appId: string; sessionId: string } | undefined {
  const match = SESSION_SCOPED.exec(room);
  return match ? { kind: match[1] as 'watch' | 'conversation', appId: match[2], sessionId: match[3] } : undefined;
}

/** Of a socket's rooms, those of one kind for one session (a socket knows its rooms; no lookup needed). */
export const sessionRoomsOf = (rooms: Iterable<string>, kind: 'watch' | 'conversation', sessionId: string): string[] =>
  [...rooms].filter((room) => {
    const parsed = parseSessionRoom(room);
    return parsed?.kind === kind && parsed.sessionId === sessionId;
  });
