import type { NetworkError, NetworkPayload } from '../../../server/src/protocol/devtools-entries.js';
import { MAX_NETWORK_ENTRIES_PER_PAGE, MAX_NETWORK_METHOD_CHARS } from '../../../server/src/protocol/limits.js';
import { isWidgetTraffic, recordedUrl } from './request-url.js';

export interface NetworkCaptureOptions {
  /** Records one finished request. */
  record(payload: NetworkPayload): void;
  /** Told once when the page made more than MAX_NETWORK_ENTRIES_PER_PAGE requests (the rest are not recorded). */
  onLimit(): void;
  serverOrigin: string;
  keepQueryValues: boolean;
}

interface Started {
  initiator: NetworkPayload['initiator'];
  method: string;
  url: string;
  startedMs: number;
}

const contentLength = (value: string | null): number | null => {
  const bytes = value === null ? NaN : Number(value);
  return Number.isSafeInteger(bytes) && bytes >= 0 ? bytes : null;
};

/**
 * Records the page's fetch and XMLHttpRequest calls (issue 21): method, URL (query values masked),
 * status, duration and the size the response declares — never a header's or a body's content. The
 * page's own calls go through unchanged, whatever happens here; the widget's own traffic is left out.
 * Returns the stop function: the originals are put back (or, if the page wrapped them again since,
 * the wrappers only pass through).
 */
export function captureNetwork(options: NetworkCaptureOptions): () => void {
  let active = true;
  let recorded = 0;

  function start(initiator: Started['initiator'], method: unknown, rawUrl: unknown): Started | null {
    if (!active) return null;
    const url = new URL(String(rawUrl), location.href);
    if (isWidgetTraffic(url, options.serverOrigin, location.origin)) return null;
    const name = String(method || 'GET').toUpperCase().slice(0, MAX_NETWORK_METHOD_CHARS);
    return { initiator, method: name, url: recordedUrl(url, options.keepQueryValues), startedMs: performance.now() };
  }

  function finish(started: Started, status: number, sizeBytes: number | null, error?: NetworkError) {
    if (!active) return;
    recorded += 1;
    if (recorded > MAX_NETWORK_ENTRIES_PER_PAGE) {
      if (recorded === MAX_NETWORK_ENTRIES_PER_PAGE + 1) options.onLimit();
      return;
    }
    const payload: NetworkPayload = {
      initiator: started.initiator,
      method: started.method,
      url: started.url,
      status,
      durationMs: Math.max(0, Math.round(performance.now() - started.startedMs)),
      sizeBytes,
    };
    if (error) payload.error = error;
    try {
      options.record(payload);
    } catch {
      // Recording is best effort; the page's request has its answer either way.
    }
  }

  const safely = <T>(read: () => T): T | null => {
    try {
      return read();
    } catch {
      return null; // an odd argument the page passes on to the browser as it is
    }
  };

  const originalFetch = window.fetch;
  const wrappedFetch = function (this: unknown, ...args: Parameters<typeof fetch>): Promise<Response> {
    const answer = originalFetch.apply(this, args);
    const [input, init] = args;
    const started = safely(() =>
      input instanceof Request ? start('fetch', init?.method ?? input.method, input.url) : start('fetch', init?.method, input),
    );
    if (started) {
      answer.then(
        (response) => finish(started, response.status, contentLength(response.headers.get('content-length'))),
        (error: unknown) => finish(started, 0, null, (error as Error)?.name === 'AbortError' ? 'aborted' : 'network'),
      );
    }
    return answer;
  };
  window.fetch = wrappedFetch;

  const xhr = XMLHttpRequest.prototype;
  const originalOpen = xhr.open;
  const originalSend = xhr.send;
  const opened = new WeakMap<XMLHttpRequest, { method: unknown; url: unknown }>();
  const wrappedOpen = function (this: XMLHttpRequest, ...args: unknown[]) {
    opened.set(this, { method: args[0], url: args[1] });
    return (originalOpen as (...a: unknown[]) => void).apply(this, args);
  } as typeof xhr.open;
  const wrappedSend = function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
    const request = opened.get(this);
    const started = request ? safely(() => start('xhr', request.method, request.url)) : null;
    if (started) {
      let error: NetworkError | undefined;
      this.addEventListener('error', () => (error = 'network'), { once: true });
      this.addEventListener('abort', () => (error = 'aborted'), { once: true });
      this.addEventListener('timeout', () => (error = 'timeout'), { once: true });
      this.addEventListener(
        'loadend',
        () => finish(started, error ? 0 : this.status, safely(() => contentLength(this.getResponseHeader('content-length'))), error),
        { once: true },
      );
    }
    return originalSend.call(this, body);
  };
  xhr.open = wrappedOpen;
  xhr.send = wrappedSend;

  return () => {
    active = false;
    if (window.fetch === wrappedFetch) window.fetch = originalFetch;
    // Put back only what is still ours; a wrapper of the page's on top of ours keeps working (ours passes through).
    if (xhr.send === wrappedSend) xhr.send = originalSend;
    if (xhr.open === wrappedOpen) xhr.open = originalOpen;
  };
}
