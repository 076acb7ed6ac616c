import { record } from '@rrweb/record';
import type { WidgetRecordingSettings, WidgetSettings } from '../../../server/src/protocol/events.js';
import { customEvent, ERROR_TAG, FOCUS_TAG, FONTS_TAG, OPTIONS_TAG, STOPPED_TAG, type RecordedEvent } from '../../../server/src/protocol/recording-events.js';
import type { VisitorSocket } from '../connection-controller.js';
import { retryAfterMs } from '../retry-hint.js';
import { createGzipper, type Gzipper } from './gzip-worker.js';
import { FocusTracker } from './focus-tracker.js';
import { FontSharing } from './font-sharing.js';
import { IGNORE_CLASS, stripIgnoredFields } from './ignored-fields.js';
import { maskedInputValue } from './masked-values.js';
import { SelectedOptions } from './selected-options.js';
import { BatchDeferred, BatchRefused, FLUSH_INTERVAL_MS, Outbox, type OutboxTransport } from './outbox.js';
import { startPageExtras, type HelpHost, type PageExtras } from './page-extras.js';
import { StormGuard } from './storm-guard.js';

const ACK_TIMEOUT_MS = 10_000;
/**
 * While an agent watches live, a change goes out at once, and changes that follow it within this
 * interval together in the next batch (at most ~10 batches a second).
 */
const WATCHED_FLUSH_INTERVAL_MS = 100;
const MAX_ERRORS_PER_PAGE = 50;
const REOPEN_ATTEMPTS = 5;
const REOPEN_DELAY_MS = 1_000;
const MAX_STACK_CHARS = 2_000;
/** `<sessionId>:<nextSeq>`: the last seq this browser gave out, so the next page never reuses one. */
const SEQ_STORAGE_KEY = 'chatreel:recording-seq';
/** Codes the server would answer again to the same batch: never retried (see Outbox). */
const REFUSED_FOR_GOOD = new Set(['E_INVALID_PAYLOAD', 'E_TOO_LARGE']);
/**
 * Codes after which no batch of this session will be taken: the session is over, its storage quota
 * is used up (the server wrote the `chatreel/stopped` marker), or its numbering is beyond repair.
 * Recording stops and nothing is sent again; the chat goes on.
 */
const ENDS_RECORDING = new Set(['E_SESSION_ENDED', 'E_QUOTA_EXCEEDED', 'E_SEQ_OUT_OF_RANGE', 'E_CONSENT_REQUIRED', 'E_PRIVACY_SIGNAL']);

/** rrweb's event type of a full snapshot (@rrweb/types). */
const FULL_SNAPSHOT = 2;

/** The safest rules when the application's settings did not arrive. */
const DEFAULT_SETTINGS: WidgetRecordingSettings = { maskAllInputs: true, blockSelectors: [], maskSelectors: [] };

export interface Recording {
  readonly sessionId: string;
  readonly socket: VisitorSocket;
  /** The socket reconnected and resumed this session: deliver what waited. */
  reconnected(): void;
  stop(): void;
  /** Stops at once and sends nothing more, not even what waits (consent revoked, issue 22). */
  discard(): void;
}

/**
 * Records this page into the session: rrweb (with the widget's own open shadow root), masking in the
 * browser so masked values never leave it, batches through the Outbox, JavaScript errors as custom
 * events, a hard cap on mutation storms, and the pagehide flush.
 */
export async function startRecording(options: {
  socket: VisitorSocket;
  sessionId: string;
  server: string;
  settings: WidgetRecordingSettings | undefined;
  /** Struggle and the offer of help (issue 21): the application's rule, and the widget that shows the offer. */
  help?: WidgetSettings['help'];
  widget?: HelpHost;
}): Promise<Recording> {
  const { socket, sessionId, server } = options;
  const settings = options.settings ?? DEFAULT_SETTINGS;
  const opened = await open(socket, sessionId);
  let token = opened.token;
  let linked = true;

  const transport: OutboxTransport = {
    isOnline: () => linked && socket.connected,
    async send(seq, data) {
      const response = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('recording:batch', { sessionId, seq, data });
      if (!('error' in response)) return response.data;
      const { code, details } = response.error;
      if (REFUSED_FOR_GOOD.has(code)) throw new BatchRefused(code);
      if (code === 'E_RATE_LIMITED') throw new BatchDeferred(retryAfterMs(details));
      if (ENDS_RECORDING.has(code)) endForGood();
      throw new Error(code);
    },
    beacon(seq, body, encoding) {
      const url = `${server}/ingest?${new URLSearchParams({ sessionId, seq: String(seq), token, encoding })}`;
      // text/plain keeps the request "simple" (no CORS preflight, which a page being unloaded cannot wait for).
      return navigator.sendBeacon?.(url, new Blob([body as BlobPart], { type: 'text/plain' })) ?? false;
    },
  };
  const outbox = new Outbox({
    transport,
    compress: (text) => (gzipper ??= createGzipper()).gzip(text),
    firstSeq: Math.max(opened.nextSeq, storedNextSeq(sessionId)),
    onSeq: (next) => storeNextSeq(sessionId, next),
    onOverflow: () => record.takeFullSnapshot(true),
  });

  let active = true;
  let extras: PageExtras | undefined;
  const guard = new StormGuard();
  // Replay fidelity (issue 19): where the focus is, and the page's own font files.
  const focus = new FocusTracker(record.mirror, (state) => active && record.addCustomEvent(FOCUS_TAG, state));
  const fonts = new FontSharing(socket, sessionId, (payload) => active && record.addCustomEvent(FONTS_TAG, payload));
  // Masked selects record no choice at all (rrweb keeps no selected option of theirs either).
  const chosenOptions = settings.maskAllInputs ? undefined : new SelectedOptions(record.mirror, (state) => active && record.addCustomEvent(OPTIONS_TAG, state));
  const stopRrweb = record({
    emit(rrwebEvent) {
      if (!active) return;
      // Before anything is kept: the state of rr-ignore fields never leaves this function.
      const event = stripIgnoredFields(rrwebEvent as RecordedEvent, record.mirror);
      if (event) outbox.push(event);
      if (event) extras?.observe(event);
      if (guard.exceeded(rrwebEvent)) halt('mutation-storm');
      // A replay (or a live watcher) starting from this snapshot learns the focus and the fonts again.
      if (rrwebEvent.type === FULL_SNAPSHOT) queueMicrotask(() => active && (focus.snapshotTaken(), fonts.snapshotTaken()));
    },
    // Privacy, decided here in the browser: passwords always masked, other inputs unless the owner opted out;
    // a masked typed field (colour, date, number…) records a neutral value of its type.
    maskAllInputs: settings.maskAllInputs,
    maskInputOptions: { password: true },
    maskInputFn: maskedInputValue,
    blockClass: 'rr-block',
    ignoreClass: IGNORE_CLASS,
    maskTextClass: 'rr-mask',
    blockSelector: selectorList(settings.blockSelectors),
    maskTextSelector: selectorList(settings.maskSelectors),
    recordCanvas: false,
    recordCrossOriginIframes: false,
    collectFonts: false,
    inlineImages: false,
    slimDOMOptions: 'all',
    // An rrweb internal error must never break the visitor's page.
    errorHandler: () => true,
  });
  void fonts.share();

  // Console, network and struggle spotted live (issue 21): separate from rrweb, stopped with it.
  extras = startPageExtras({
    socket,
    server,
    recording: settings,
    help: options.help,
    widget: options.widget,
    mirror: record.mirror,
    addEvent: (tag, payload) => record.addCustomEvent(tag, payload),
    privateAreas: selectorList(['.rr-block', '.rr-mask', `.${IGNORE_CLASS}`, ...settings.blockSelectors, ...settings.maskSelectors]),
  });

  let errors = 0;
  const onError = (event: ErrorEvent) =>
    reportError({ message: event.message, source: event.filename, line: event.lineno, column: event.colno, stack: stackOf(event.error) });
  const onRejection = (event: PromiseRejectionEvent) =>
    reportError({ message: `Unhandled rejection: ${String((event.reason as Error)?.message ?? event.reason)}`, stack: stackOf(event.reason) });
  function reportError(payload: Record<string, unknown>) {
    if (!active || errors >= MAX_ERRORS_PER_PAGE) return;
    errors += 1;
    record.addCustomEvent(ERROR_TAG, payload);
  }
  const onPageHide = () => outbox.pageHide();
  const onHidden = () => document.visibilityState === 'hidden' && outbox.flush();
  const onDisconnect = () => (linked = false);
  // The browser is back online: retry now instead of at the end of a long backoff.
  const onOnline = () => outbox.kick();
  const onWatched = ({ sessionId: watchedId, watched }: { sessionId: string; watched: boolean }) => {
    if (watchedId !== sessionId || !active) return;
    outbox.setFlushInterval(watched ? WATCHED_FLUSH_INTERVAL_MS : FLUSH_INTERVAL_MS, watched);
    if (watched) record.takeFullSnapshot(true);
  };
  addEventListener('error', onError);
  addEventListener('unhandledrejection', onRejection);
  addEventListener('pagehide', onPageHide);
  addEventListener('online', onOnline);
  document.addEventListener('visibilitychange', onHidden);
  socket.on('disconnect', onDisconnect);
  socket.on('recording:watched', onWatched);

  function halt(reason: string) {
    if (!active) return;
    outbox.push(customEvent(STOPPED_TAG, { reason }, Date.now()));
    stopRecording();
  }
  function stopRecording() {
    if (!active) return;
    active = false;
    // Not from inside rrweb's own emit call (a storm stops it from there); nothing is kept meanwhile.
    queueMicrotask(() => stopRrweb?.());
    focus.stop();
    fonts.stop();
    chosenOptions?.stop();
    extras?.stop();
    removeEventListener('error', onError);
    removeEventListener('unhandledrejection', onRejection);
    document.removeEventListener('visibilitychange', onHidden);
    socket.off('recording:watched', onWatched);
    // The outbox stays: what was recorded is still delivered (pagehide included).
    outbox.flush();
  }

  function endForGood() {
    outbox.stop();
    removeEventListener('pagehide', onPageHide);
    removeEventListener('online', onOnline);
    stopRecording();
  }

  const recording: Recording = {
    sessionId,
    socket,
    reconnected() {
      const attempt = (left: number) =>
        open(socket, sessionId).then(
          (opened) => {
            token = opened.token;
            linked = true;
            outbox.kick();
          },
          () => {
            // A server still starting may refuse once; a lost connection calls reconnected() again.
            if (left > 0 && socket.connected) setTimeout(() => void attempt(left - 1), REOPEN_DELAY_MS);
          },
        );
      void attempt(REOPEN_ATTEMPTS);
    },
    stop: stopRecording,
    discard: endForGood,
  };
  return recording;
}

/** One compression worker per page, for every recording on it (it outlives a recording: its outbox still delivers). */
let gzipper: Gzipper | undefined;

async function open(socket: VisitorSocket, sessionId: string): Promise<{ nextSeq: number; token: string }> {
  const response = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('recording:start', { sessionId });
  if ('error' in response) throw new Error(response.error.code);
  return response.data;
}

/** Owner-supplied selectors, each checked so one typo cannot stop the recorder. */
function selectorList(selectors: string[]): string | undefined {
  const valid = selectors.filter((selector) => {
    try {
      document.createDocumentFragment().querySelector(selector);
      return true;
    } catch {
      return false;
    }
  });
  return valid.length > 0 ? valid.join(', ') : undefined;
}

function stackOf(error: unknown): string {
  return String((error as Error | undefined)?.stack ?? '').slice(0, MAX_STACK_CHARS);
}

function storedNextSeq(sessionId: string): number {
  try {
    const [id, next] = (localStorage.getItem(SEQ_STORAGE_KEY) ?? '').split(':');
    return id === sessionId ? Number(next) || 0 : 0;
  } catch {
    return 0;
  }
}

function storeNextSeq(sessionId: string, next: number): void {
  try {
    localStorage.setItem(SEQ_STORAGE_KEY, `${sessionId}:${next}`);
  } catch {
    /* storage blocked: the server's nextSeq alone decides */
  }
}
