/**
 * Set (in localStorage) while a visitor's session is under way, so the next page connects at once and
 * resumes it. Its own small module: the first script (launcher.ts) reads it to load the full widget at
 * once, without importing the connection.
 */
export const ACTIVE_SESSION_STORAGE_KEY = 'chatreel:active-session';

/** True when an earlier page left a session under way (false when storage is blocked). */
export function hasSessionUnderWay(): boolean {
  try {
    return localStorage.getItem(ACTIVE_SESSION_STORAGE_KEY) !== null;
  } catch {
    return false;
  }
}
