import { isFailedRequest, requestStartTs, type ConsolePayload, type NetworkPayload } from '../../../server/src/protocol/devtools-entries.js';
import type { WidgetRecordingSettings } from '../../../server/src/protocol/events.js';
import { MAX_CONSOLE_ENTRIES_PER_PAGE, MAX_NETWORK_ENTRIES_PER_PAGE } from '../../../server/src/protocol/limits.js';
import { CONSOLE_TAG, NETWORK_TAG } from '../../../server/src/protocol/recording-events.js';
import { captureConsole } from './console-capture.js';
import { fieldValueMasker } from './console-value-masker.js';
import { captureNetwork } from './network-capture.js';

/**
 * The console and the network of the page, recorded as custom events (issue 21) when the application
 * turns them on. Its own chunk: an application that records neither never loads it. Console errors
 * and failed requests are also handed to `onFailure` (the struggle detector blames them on a click).
 */
export function startDevtoolsCapture(options: {
  recording: WidgetRecordingSettings;
  server: string;
  privateAreas: string | undefined;
  addEvent(tag: string, payload: unknown): void;
  onFailure(ts: number, outcome: string): void;
}): () => void {
  const { recording, addEvent, onFailure } = options;
  const stops: Array<() => void> = [];
  if (recording.captureConsole) {
    stops.push(
      captureConsole({
        record(payload: ConsolePayload) {
          addEvent(CONSOLE_TAG, payload);
          if (payload.level === 'error') onFailure(Date.now(), `logged “${payload.text.slice(0, 80)}”`);
        },
        mask: fieldValueMasker({ maskAllInputs: recording.maskAllInputs, privateAreas: options.privateAreas }),
        privateAreas: options.privateAreas,
        onLimit: () => addEvent(CONSOLE_TAG, { level: 'warn', text: `Chatreel: console capture stopped after ${MAX_CONSOLE_ENTRIES_PER_PAGE} messages on this page.` }),
      }),
    );
  }
  if (recording.captureNetwork) {
    stops.push(
      captureNetwork({
        record(payload: NetworkPayload) {
          addEvent(NETWORK_TAG, payload);
          if (!isFailedRequest({ status: payload.status, error: payload.error ?? null })) return;
          // As the insights say it afterwards (session-facts.ts): the path only, then what came back.
          const path = payload.url.replace(/^[a-z]+:\/\/[^/]+/i, '').replace(/\?.*$/, '');
          const outcome = payload.status || `${payload.error ?? 'network'} error`;
          onFailure(requestStartTs({ ts: Date.now(), durationMs: payload.durationMs }), `made a request that failed: ${payload.method} ${path} → ${outcome}`);
        },
        onLimit: () => addEvent(CONSOLE_TAG, { level: 'warn', text: `Chatreel: network capture stopped after ${MAX_NETWORK_ENTRIES_PER_PAGE} requests on this page.` }),
        serverOrigin: new URL(options.server, location.href).origin,
        keepQueryValues: recording.keepQueryValues === true,
      }),
    );
  }
  return () => {
    for (const stop of stops.splice(0)) stop();
  };
}
