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

/** Saved replies an application keeps for its agents (issue 18), each at most a chat message long. */
export const MAX_SAVED_REPLIES = 50;
/** The longest quiet period an owner may set before conversations resolve by themselves (30 days). */
export const MAX_AUTO_RESOLVE_MINUTES = 30 * 24 * 60;
/** How often the server looks for idle and departed visitors' sessions (and quiet conversations). */
export const SESSION_SWEEP_INTERVAL_MS = 15_000;
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
/**
 * A session whose visitor disconnected and did not come back within this is completed (issue 18: a
 * departed visitor's session completes within a minute — this plus SESSION_SWEEP_INTERVAL_MS). Long
 * enough for a page navigation or a short network loss, after which the widget resumes the session.
 */
export const VISITOR_GONE_GRACE_MS = 30_000;
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
 * `session:start` on one connection: the widget sends one per connection (a page view), and another
 * only after its session ended. Repeats are refused before any database work.
 */
export const SESSION_STARTS_PER_CONNECTION = 5;
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
// Hostile recorded data (issue 14). A recording is read long after it was admitted (insights, replay,
// live watch): every number in it that sizes a loop or an allocation is checked against these first,
// and every stage that holds recorded data in memory stops at a byte budget with a marker.
/** Event timestamps (epoch ms) accepted and read: 0 up to the largest valid Date. */
export const MAX_EVENT_TIMESTAMP_MS = 8_640_000_000_000_000;
/** One `chatreel/part` piece carries at most this many characters (the widget splits at half a batch)… */
export const MAX_EVENT_PART_CHARS = BATCH_TARGET_RAW_BYTES / 2;
/** …and one split event is at most a decompressed batch long… */
export const MAX_JOINED_EVENT_CHARS = MAX_BATCH_DECOMPRESSED_BYTES;
/** …so it has at most this many pieces (index < count ≤ this). */
export const MAX_EVENT_PARTS = Math.ceil(MAX_JOINED_EVENT_CHARS / MAX_EVENT_PART_CHARS);
export const MAX_EVENT_PART_ID_CHARS = 64;
/** Split events awaiting pieces at once while reading one session; past it the oldest is dropped. */
export const MAX_PENDING_SPLIT_EVENTS = 4;
/** Characters of awaited pieces held at once while reading one session; past it the oldest event is dropped. */
export const MAX_PENDING_PART_CHARS = 2 * MAX_JOINED_EVENT_CHARS;

/** Recorded node ids are integers 0..this (rrweb counts up from 1). */
export const MAX_NODE_ID = 2_147_483_647;
/** A recorded node deeper than this is left out of the insights' copy of the page. */
export const MAX_DOM_DEPTH = 1_000;
/** Nodes the insights' copy of one page holds; later additions are left out. */
export const MAX_DOM_NODES = 250_000;
/** Characters of a recorded tag name, attribute value or text the insights' page copy keeps per node. */
export const MAX_DOM_VALUE_CHARS = 200;
/** Nodes visited to read one element's label text. */
export const MAX_LABEL_NODES_VISITED = 200;
/** Coordinates, scroll offsets and viewport sizes beyond this many px are read as unknown (0). */
export const MAX_PAGE_PX = 10_000_000;

/** Insights read at most this many chunks of one session… */
export const MAX_INSIGHT_CHUNKS = 10_000;
/** …and at most this many stored (compressed) bytes of it (a 14-hour session at 25 KB a minute is ~21 MB)… */
export const MAX_INSIGHT_STORED_BYTES = 32_000_000;
/** …inflating to at most this many bytes (read one chunk at a time)… */
export const MAX_INSIGHT_INFLATED_BYTES = 256_000_000;
/** …and at most this many events. The rest of a longer recording is cut, and the insights say where. */
export const MAX_INSIGHT_EVENTS = 300_000;
/** Clicks, inputs, errors… of one kind kept while reading a recording; past it the recording is cut. */
export const MAX_INSIGHT_FACTS_PER_KIND = 50_000;
/** One insights analysis (in a worker thread) is stopped after this long and marked failed. */
export const INSIGHTS_TASK_TIMEOUT_MS = 20_000;

/** Chunk headers one storage read returns… */
export const MAX_CHUNK_HEADS_PER_READ = 1_000;
/** …of seqs at most this far after the last one listed (16 header pages of 128 on the embedded engine): a gap wider than that ends the list. */
export const MAX_SEQ_SPAN_PER_READ = 2_048;
/** A replay manifest lists at most this many chunks (~14 h at one batch per 5 s)… */
export const MAX_MANIFEST_CHUNKS = 10_000;
/** …and at most this many stored bytes of them; the rest is left out with a marker. */
export const MAX_MANIFEST_BYTES = 100_000_000;
/**
 * A completed recording is stored again as segments of consecutive chunks, each one brotli stream
 * (storage/segment-codec.ts, issue 20). A segment inflates to at most this many bytes (what reading
 * one chunk of it decodes, in zlib's thread pool, and what a stored segment may claim)…
 */
export const MAX_SEGMENT_DECODED_BYTES = 16_000_000;
/** …holds at most this many chunks… */
export const MAX_SEGMENT_CHUNKS = 4_000;
/** …and is stored in at most this many bytes (a document stays well under 16 MiB). */
export const MAX_SEGMENT_STORED_BYTES = 12_000_000;
/** A new segment starts at a full snapshot once the current one inflates to this much. */
export const SEGMENT_TARGET_DECODED_BYTES = 4_000_000;
/** Segments one server process decodes at once (each up to MAX_SEGMENT_DECODED_BYTES); the next wait. */
export const MAX_CONCURRENT_SEGMENT_DECODES = 4;
/** Decoded segments a server process keeps for the chunk reads that follow (a replay reads them in turn). */
export const SEGMENT_CACHE_BYTES = 64_000_000;
/** Pages of a session listed in its replay manifest. */
export const MAX_MANIFEST_PAGES = 500;

/** Stored batch bytes fanned out to the watchers of one session per second; past it batches are dropped. */
export const LIVE_FANOUT_BYTES_PER_SECOND = 2_000_000;
/** After a dropped batch the widget is asked for a fresh snapshot (the watchers resync), at most this often. */
export const LIVE_RESYNC_INTERVAL_MS = 5_000;
/**
 * A batch that inflates to at most this is decoded at once on the event loop (under a millisecond);
 * a larger one goes to a worker thread, so a stream of compression bombs never stalls an honest
 * visitor's small batches or the event loop.
 */
export const INLINE_DECODE_MAX_BYTES = 256_000;
/** Small batches inflated at once (each holds at most INLINE_DECODE_MAX_BYTES). */
export const MAX_CONCURRENT_INLINE_DECODES = 32;
/** Large batches decoded at once by one server process (each inflates to up to MAX_BATCH_DECOMPRESSED_BYTES)… */
export const MAX_CONCURRENT_DECODES = 4;
/** …and batches of one session waiting for or in decoding; past it E_RATE_LIMITED (the widget sends 4 at a time, a page going away its unacknowledged tail). */
export const MAX_DECODES_PER_SESSION = 16;

// Widget appearance and caching (issue 18)
/** Browsers and proxies reuse an application's launcher appearance this long; a change in the console shows within it. */
export const WIDGET_APPEARANCE_MAX_AGE_S = 60;
/** …and may show the previous one this long past that while they fetch the new one in the background. */
export const WIDGET_APPEARANCE_STALE_S = 24 * 60 * 60;
/** The widget's entry script is re-checked this often: a new version reaches pages within it. */
export const WIDGET_ENTRY_MAX_AGE_S = 60;

// Replay fidelity (issue 19)
/**
 * A font file the widget shares with the server is at most this large (WOFF2 text fonts are 20–150 KB;
 * larger ones, such as whole CJK fonts, keep loading from the site's own URL). One socket message
 * carries it, so it stays below MAX_SOCKET_MESSAGE_BYTES.
 */
export const MAX_FONT_FILE_BYTES = 900_000;
/** Font files one page offers at most (the faces it has loaded, deduplicated by URL). */
export const MAX_FONTS_PER_PAGE = 32;
/** Font bytes one application stores at most; past it an upload is refused with E_FONT_QUOTA_EXCEEDED. */
export const MAX_APP_FONT_BYTES = 20_000_000;
/** Font uploads one session may make per ADMISSION_WINDOW_MS (a page offers at most MAX_FONTS_PER_PAGE). */
export const FONT_UPLOADS_PER_SESSION = 2 * MAX_FONTS_PER_PAGE;
/** Characters of a font family name, a descriptor or a font's URL kept in the `chatreel/fonts` event. */
export const MAX_FONT_FAMILY_CHARS = 200;
export const MAX_FONT_DESCRIPTOR_CHARS = 400;
/** Style sheets and rules the widget reads while looking for the page's @font-face rules. */
export const MAX_FONT_SCAN_SHEETS = 500;
export const MAX_FONT_SCAN_RULES = 50_000;
/** Elements the widget looks through for shadow roots (their adopted style sheets may declare fonts). */
export const MAX_FONT_SCAN_ELEMENTS = 20_000;
/** Animations and transitions a replay finishes after a seek (a hostile page may declare any number). */
export const MAX_SETTLED_ANIMATIONS = 5_000;
/** Shadow roots the replay looks into after a seek, to finish their animations too. */
export const MAX_SETTLED_SHADOW_ROOTS = 2_000;
/** `chatreel/fonts` events and page starts one replay keeps (each event names at most MAX_FONTS_PER_PAGE faces). */
export const MAX_REPLAY_FONT_EVENTS = 1_000;
export const MAX_REPLAY_PAGE_STARTS = 10_000;
// Devtools and struggle (issue 21). Console messages and network requests ride in the recording as
// custom events; every reader (insights, the replay's devtools panel) checks them against these.
/** Console messages recorded on one page; past it one last entry says capture stopped. */
export const MAX_CONSOLE_ENTRIES_PER_PAGE = 1_000;
/** Characters of one recorded console message (its arguments, stringified and joined). */
export const MAX_CONSOLE_MESSAGE_CHARS = 2_000;
/** Arguments of one console call stringified; the rest are counted, not read. */
export const MAX_CONSOLE_ARGS = 10;
/** Nesting an object argument is stringified to; deeper values show as `{…}` or `[…]`. */
export const MAX_CONSOLE_ARG_DEPTH = 3;
/** Keys of one object (items of one array) stringified; the rest show as `…`. */
export const MAX_CONSOLE_ARG_KEYS = 20;
/** Characters of the stack kept with a console message that carries an Error. */
export const MAX_CONSOLE_STACK_CHARS = 1_000;
/** Form fields whose values are looked for (and masked) in a console message. */
export const MAX_MASKED_FIELDS_CHECKED = 200;
/** Values shorter than this are not looked for in console messages (they would star ordinary text). */
export const MIN_MASKED_VALUE_CHARS = 3;
/** Network requests recorded on one page; past it one console entry says capture stopped. */
export const MAX_NETWORK_ENTRIES_PER_PAGE = 1_000;
/** Characters of a recorded request URL (query values already masked). */
export const MAX_NETWORK_URL_CHARS = MAX_URL_CHARS;
export const MAX_NETWORK_METHOD_CHARS = 16;
/** A recorded request duration past this is read as unknown. */
export const MAX_NETWORK_DURATION_MS = 24 * 60 * 60_000;
/** A recorded response size past this is read as unknown. */
export const MAX_NETWORK_SIZE_BYTES = 100_000_000_000;
/** Rows the replay's devtools panel keeps per tab (the first ones of a long session); the rest are counted. */
export const MAX_DEVTOOLS_ROWS = 5_000;
/** Characters of a struggle's label (what was clicked, which form). */
export const MAX_STRUGGLE_LABEL_CHARS = 120;
/** Live struggle reports (`struggle:report`, `struggle:offer`) one session may send per minute. */
export const STRUGGLE_REPORTS_PER_SESSION_PER_MINUTE = 12;
/** A live session shows "struggling now" for this long after its latest report. */
export const STRUGGLE_FRESH_MS = 5 * 60_000;
/** The help prompt's text, set by the owner. */
export const MAX_HELP_PROMPT_CHARS = 200;

/** A visitor's rating of a conversation (issue 18): a score from 1 to 5 and an optional comment. */
export const MIN_RATING_SCORE = 1;
export const MAX_RATING_SCORE = 5;
export const MAX_RATING_COMMENT_CHARS = 1000;
/**
 * Typing indicators (issue 18): a client says "typing" at most once per this interval while keys are
 * pressed, and the server relays at most one per interval per connection; a receiver hides the
 * indicator when no new one came within the expiry.
 */
export const TYPING_THROTTLE_MS = 1_500;
export const TYPING_EXPIRY_MS = 5_000;
/** Times a visitor may set the email to be answered at, per conversation and minute. */
export const CONTACT_EMAILS_PER_SESSION_PER_MINUTE = 5;
/** Rating, email and availability commands one visitor may send per minute (each reads the database). */
export const FEEDBACK_COMMANDS_PER_VISITOR_PER_MINUTE = 30;

// —— REST API for integrations (issue 22) ——

/** Longest name of an API token (the console's label for it). */
export const MAX_API_TOKEN_NAME_CHARS = 80;
/** API tokens one application may have at once (listing them is a scan of this many at most). */
export const MAX_API_TOKENS_PER_APP = 50;
/** Requests one API token may make per API_RATE_WINDOW_MS before 429 E_RATE_LIMITED with Retry-After. */
export const API_REQUESTS_PER_TOKEN_PER_WINDOW = 120;
export const API_RATE_WINDOW_MS = 60_000;
/** A token's "last used" is written at most this often (not a database write per request). */
export const API_TOKEN_TOUCH_INTERVAL_MS = 60_000;

// —— Consent (issue 22) ——

/** The owner's "this chat may be recorded" line in the widget (issue 22, consent). */
export const MAX_CONSENT_NOTICE_CHARS = 200;
/** Erasures one visitor's revoked consent may start per minute (each walks and deletes their sessions). */
export const CONSENT_ERASURES_PER_VISITOR_PER_MINUTE = 5;

// —— Webhooks (issue 22) ——

/**
 * Webhooks (issue 22, part 2). Every delivery is a row of a queue in the database, claimed by one
 * node at a time under a lease; the lease outlasts the request's timeout, so a live node's send is
 * never claimed twice, and a crashed node's send is retried once its lease expires.
 */
export const MAX_WEBHOOK_ENDPOINTS_PER_APP = 10;
/** An endpoint's URL (https://…, or http://…). */
export const MAX_WEBHOOK_URL_CHARS = 2_000;
/** A request to an endpoint gives up after this long (connect, send and read together). */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** A delivery claimed by a node is its own for this long; longer than the timeout with room to record the outcome. */
export const WEBHOOK_LEASE_MS = 60_000;
/** Bytes of an endpoint's response read (and the first of them kept in the log); the rest is dropped unread. */
export const WEBHOOK_MAX_RESPONSE_BYTES = 4_096;
/** Characters of the response (or of the failure) kept in the delivery log. */
export const WEBHOOK_LOG_RESPONSE_CHARS = 200;
/** Each node looks for due deliveries this often (and at once when it queues one). */
export const WEBHOOK_POLL_MS = 1_000;
/** Deliveries one node sends at once; a slot freed by a slow receiver's timeout is filled at once (the others do not wait for it). */
export const WEBHOOK_CONCURRENT_SENDS = 8;
/** The first retry waits this long; each next one twice as long, with up to a fifth more at random. */
export const WEBHOOK_RETRY_BASE_MS = 30_000;
/** No retry waits longer than this. */
export const WEBHOOK_RETRY_MAX_DELAY_MS = 6 * 60 * 60_000;
/** A delivery is given up after this many attempts (about 1.5 days of retries with the defaults). */
export const WEBHOOK_MAX_ATTEMPTS = 12;
/**
 * An endpoint is disabled after this many failed attempts in a row (any deliveries), once the first
 * of them is at least WEBHOOK_DISABLE_AFTER_MS old: a receiver down for a few minutes is not disabled.
 */
export const WEBHOOK_DISABLE_AFTER_FAILURES = 20;
export const WEBHOOK_DISABLE_AFTER_MS = 12 * 60 * 60_000;
/** Delivery log rows shown per endpoint (newest first). */
export const WEBHOOK_LOG_ROWS = 50;
/** Finished deliveries are kept in the log this long. */
export const WEBHOOK_LOG_RETENTION_MS = 7 * 24 * 60 * 60_000;
/** Signals a `session.completed` webhook carries (the first ones of the session); the count says how many there were. */
export const MAX_WEBHOOK_SIGNALS = 100;

// —— Heatmaps (issue 22) ——

/**
 * Heatmaps (issue 22, part 4): what one completed session may add to its application's click and
 * scroll aggregates, and the grid they are counted on. A recording is hostile: these bound every
 * write and every stored field, whatever it holds.
 */
/** Clicks one session adds to the heatmaps (the first ones; the rest are not counted). */
export const MAX_HEATMAP_CLICKS_PER_SESSION = 500;
/** Distinct pages (path and width class) one session adds to; later pages are not counted. */
export const MAX_HEATMAP_PAGES_PER_SESSION = 20;
/** Characters of a page's path kept for its heatmap (a longer path is not counted). */
export const MAX_HEATMAP_PATH_CHARS = 200;
/** Path segments a pattern may name before its `/*` (each page adds to this many prefix patterns at most). */
export const MAX_HEATMAP_PATTERN_SEGMENTS = 3;
/** Columns of the click grid: x as a share of the viewport's width. */
export const HEATMAP_COLUMNS = 32;
/** Height of a click grid row, in document px. */
export const HEATMAP_ROW_PX = 32;
/** Depth of the document counted, in px: clicks deeper are not counted, scrolls deeper count as this deep. */
export const MAX_HEATMAP_DEPTH_PX = 20_000;
/** Height of a scroll depth band, in document px. */
export const HEATMAP_SCROLL_BAND_PX = 100;
/** Days one heatmap query may cover. */
export const MAX_HEATMAP_RANGE_DAYS = 366;
/** Chunks the console reads to show a heatmap's page snapshot (its Meta through its full snapshot). */
export const MAX_HEATMAP_SNAPSHOT_CHUNKS = 20;
