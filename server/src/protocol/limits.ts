/** Limits shared by widget, server and console. Units are in the names. */

/** Socket.IO's `maxHttpBufferSize`; set explicitly so every batch is planned below it. */
export const MAX_SOCKET_MESSAGE_BYTES = 1_000_000;
/** JSON bodies accepted by the REST API. */
export const MAX_JSON_BODY_BYTES = 100_000;

export const MAX_APP_NAME_CHARS = 80;
export const MAX_ALLOWED_ORIGINS = 50;
export const MAX_ORIGIN_CHARS = 200;
export const MAX_EMAIL_CHARS = 254;
export const MIN_PASSWORD_CHARS = 10;
export const MAX_PASSWORD_CHARS = 200;
export const MAX_VISITOR_ID_CHARS = 64;

/** Failed sign-ins allowed per address and email in one window before E_RATE_LIMITED. */
export const LOGIN_FAILURES_PER_WINDOW = 5;
export const LOGIN_WINDOW_MS = 15 * 60_000;
/** How long a console sign-in lasts without activity. */
export const LOGIN_SESSION_TTL_MS = 7 * 24 * 60 * 60_000;

/** A session with no activity for this long is completed by the server. */
export const SESSION_IDLE_TIMEOUT_MS = 30 * 60_000;
/** How often the server looks for idle sessions. */
export const SESSION_SWEEP_INTERVAL_MS = 60_000;
export const MAX_URL_CHARS = 2048;
