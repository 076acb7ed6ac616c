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
export const MAX_SYSTEM_PROMPT_CHARS = 10_000;
export const MAX_KNOWLEDGE_CHARS = 100_000;

/** Failed sign-ins allowed per address and email in one window before E_RATE_LIMITED. */
export const LOGIN_FAILURES_PER_WINDOW = 5;
export const LOGIN_WINDOW_MS = 15 * 60_000;
/** How long a console sign-in lasts without activity. */
export const LOGIN_SESSION_TTL_MS = 7 * 24 * 60 * 60_000;

/** How often the server looks for idle sessions. */
export const SESSION_SWEEP_INTERVAL_MS = 60_000;
export const MAX_URL_CHARS = 2048;

/** Longest chat message a visitor or agent may send. */
export const MAX_CHAT_MESSAGE_CHARS = 2000;
/** Messages one visitor may send per window before E_RATE_LIMITED. */
export const CHAT_MESSAGES_PER_WINDOW = 8;
export const CHAT_RATE_WINDOW_MS = 60_000;
/** Messages returned by one `chat:sync`. */
export const CHAT_SYNC_PAGE_SIZE = 200;
/** A returning visitor's earlier messages shown above the current conversation. */
export const CHAT_EARLIER_MESSAGES = 50;
/** Conversation history sent to the model, estimated at ~4 characters per token. */
export const AI_HISTORY_TOKEN_BUDGET = 6000;
export const AI_MAX_OUTPUT_TOKENS = 1024;
export const MAX_IDENTITY_FIELD_CHARS = 200;

// Recording (issue 4). Sizes of a batch are planned below MAX_SOCKET_MESSAGE_BYTES.
/** A compressed batch (socket frame or /ingest body) larger than this is refused with E_TOO_LARGE. */
export const MAX_BATCH_BYTES = 900_000;
/** The widget seals a batch before its raw JSON reaches this size, so gzip output stays below MAX_BATCH_BYTES. */
export const BATCH_TARGET_RAW_BYTES = 800_000;
/** Decompressed size the server accepts for one batch (guards against compression bombs). */
export const MAX_BATCH_DECOMPRESSED_BYTES = 8_000_000;
/** Events one batch may hold. */
export const MAX_BATCH_EVENTS = 20_000;
/** Sequence numbers start at 1 and stay below this. */
export const MAX_BATCH_SEQ = 1_000_000_000;
/** A completed session still accepts the tail of its recording (pagehide beacons) for this long. */
export const LATE_BATCH_GRACE_MS = 5 * 60_000;
/** A session whose visitor disconnected and did not come back within this is completed. */
export const VISITOR_GONE_GRACE_MS = 5 * 60_000;
/** How often expired sessions are deleted (retention). */
export const RETENTION_SWEEP_INTERVAL_MS = 60 * 60_000;

/** Pagehide flushes one address may POST to /ingest for one session per minute; the widget sends one per page view. */
export const INGEST_HTTP_PER_SESSION_PER_MINUTE = 30;

// Console access (issue 14)
/** Failed sign-ins one address may make across all emails in one LOGIN_WINDOW_MS (rotating emails gains nothing). */
export const LOGIN_FAILURES_PER_ADDRESS_PER_WINDOW = 20;
/** Sign-in attempts, right or wrong, one address may make in one LOGIN_WINDOW_MS: bounds the password hashing it can cause. */
export const LOGIN_ATTEMPTS_PER_ADDRESS_PER_WINDOW = 100;
/** Retry-After given when the password workers are saturated or too slow (E_UNAVAILABLE). */
export const BUSY_RETRY_AFTER_MS = 5_000;
/** Times a user's console rooms are re-checked against the database after a membership change races another. */
export const MEMBERSHIP_SYNC_MAX_ROUNDS = 3;
/** Origins listed in CONSOLE_ORIGINS. */
export const MAX_CONSOLE_ORIGINS = 20;
// Visitor admission (issue 14)
/**
 * Batches the widget's Outbox keeps unacknowledged at most. Past it, it stops sealing batches on its
 * timer (the events wait in the pending batch) and a batch full by size drops the unsent ones as an
 * overflow does; so one page never gives out more seqs than this ahead of what the server holds.
 */
export const MAX_UNACKED_BATCHES = 256;
/**
 * A batch whose seq lies more than this above the highest seq its session has stored is refused with
 * E_SEQ_OUT_OF_RANGE. Honest widgets stay far below: a page sends at most MAX_IN_FLIGHT (4) batches
 * beyond the stored ones, and a reload continues after the seqs the last page gave out (at most
 * MAX_UNACKED_BATCHES of them unstored), so four times that leaves room for a few pages in a row
 * that lost their whole queue. Every stored batch moves the highest seq by at most this much, so the
 * replay's header pages to read stay proportional to the chunks stored.
 */
export const SEQ_AHEAD_WINDOW = 4 * MAX_UNACKED_BATCHES;
/**
 * Rate limits on visitor traffic, per minute (E_RATE_LIMITED with `details.retryAfterMs`). An
 * address is the client's IP (a /56 for IPv6), taken from X-Forwarded-For only behind a loopback
 * proxy. Per-address figures leave room for many honest visitors behind one NAT or proxy.
 */
export const ADMISSION_WINDOW_MS = 60_000;
/** Socket.IO handshakes (connections, reconnections) from one address. A page view makes one. */
export const VISITOR_CONNECTIONS_PER_ADDRESS = 300;
/** `session:start` of one visitor: one per page view; a visitor clicking through pages fast makes ~30. */
export const SESSION_STARTS_PER_VISITOR = 60;
export const SESSION_STARTS_PER_ADDRESS = 600;
/**
 * Recording batches of one session. The widget sends one every 2 s (30), one every 100 ms while an
 * agent watches (600), and after an outage up to MAX_UNACKED_BATCHES at once; two tabs double that.
 */
export const BATCHES_PER_SESSION = 1_500;
/** Compressed recording bytes of one session: a busy page makes ~25 KB a minute, a full snapshot of a heavy one a few MB. */
export const BATCH_BYTES_PER_SESSION = 32_000_000;
/** Recording batches and bytes from one address, over all its sessions. */
export const BATCHES_PER_ADDRESS = 6_000;
export const BATCH_BYTES_PER_ADDRESS = 128_000_000;
/**
 * Pages a session keeps in its `pages` list (the first ones: the landing page and how the visit
 * went on); `pageCount` goes on counting. Each entry can hold MAX_URL_CHARS, and the session
 * document is read on every batch.
 */
export const MAX_STORED_PAGES = 100;
/**
 * Recording bytes one session may store (compressed, as counted in `sessions.bytes`). Past it, its
 * batches are refused with E_QUOTA_EXCEEDED and the recording ends with a `chatreel/stopped` marker;
 * the chat goes on. A busy 4-hour session stores ~6 MB; 200 MB is only reached on purpose.
 */
export const MAX_SESSION_STORED_BYTES = 200_000_000;
/** The application's storage quota (setting `storageQuotaGb`, default 20) may be set up to this. */
export const MAX_APP_STORAGE_QUOTA_GB = 100_000;
/** How long one node trusts the application's stored-bytes count it read before reading it again. */
export const APP_USAGE_RECHECK_MS = 10_000;
/**
 * Sessions still active when a server starts whose counters are recounted from their chunk headers
 * then (the ones a crash of the previous process may have left short); the rest at completion.
 */
export const MAX_STARTUP_RECOUNTS = 500;
