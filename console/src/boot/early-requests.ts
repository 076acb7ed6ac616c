import { replayChunkPath, replayManifestPath } from '../../../server/src/protocol/replay-chunk-url.js';

/**
 * The console's first requests, started by early.ts as soon as the page's HTML is read — before the
 * console's own code has loaded, let alone asked who is signed in — and adopted once by the code that
 * would have made them: who is signed in (api-client.ts) and, on a replay address, the recording's
 * chunk list and its first chunk (replay-api.ts). Measured before (issue 20): on a loaded machine the
 * console spent ~950 ms booting before it asked for the chunk list.
 */

/**
 * The chunk asked for with the chunk list, before the list says which comes first: a recording's first
 * batch holds its first full snapshot (the widget starts every page with one). Asked for by seq alone,
 * so re-checked by its ETag (replay-chunk-url.ts); the later chunks are fetched by their versioned URLs.
 */
export const EARLY_CHUNK_SEQ = 1;
/** An early answer older than this is not adopted: what it says may have changed (a session completed). */
const EARLY_ANSWER_MAX_AGE_MS = 10_000;

interface EarlyReplay {
  appId: string;
  sessionId: string;
  manifest: Promise<Response> | undefined;
  firstChunk: Promise<Response> | undefined;
}

let startedAt = 0;
let me: Promise<Response> | undefined;
let replay: EarlyReplay | undefined;

const get = (path: string) => {
  const request = fetch(path, { credentials: 'same-origin' });
  request.catch(() => {}); // adopted and awaited later, or never
  return request;
};

/** `#/replay/<appId>/<sessionId>[/<ts>]`: the replay's ids; anything else: none. */
export function replayAddress(hash: string): { appId: string; sessionId: string } | undefined {
  const [path, appId, sessionId] = hash.replace(/^#\/?/, '').split('/');
  return path === 'replay' && appId && sessionId ? { appId, sessionId } : undefined;
}

export function startEarlyRequests(hash: string): void {
  startedAt = performance.now();
  me = get('/api/auth/me');
  const address = replayAddress(hash);
  if (!address) return;
  replay = {
    ...address,
    manifest: get(replayManifestPath(address.appId, address.sessionId)),
    firstChunk: get(replayChunkPath(address.appId, address.sessionId, { seq: EARLY_CHUNK_SEQ })),
  };
}

const fresh = () => performance.now() - startedAt <= EARLY_ANSWER_MAX_AGE_MS;

/** Who is signed in, as early.ts asked it: once, and only while fresh. */
export function takeEarlyMe(): Promise<Response> | undefined {
  const early = me;
  me = undefined;
  return early && fresh() ? early : undefined;
}

/** The chunk list early.ts asked for this session: once, and only while fresh. */
export function takeEarlyManifest(appId: string, sessionId: string): Promise<Response> | undefined {
  if (!replay || replay.appId !== appId || replay.sessionId !== sessionId || !fresh()) return undefined;
  const { manifest } = replay;
  replay.manifest = undefined;
  return manifest;
}

/** The chunk early.ts asked for, when it is this one: once, and only while fresh. */
export function takeEarlyChunk(appId: string, sessionId: string, seq: number): Promise<Response> | undefined {
  if (!replay || replay.appId !== appId || replay.sessionId !== sessionId || seq !== EARLY_CHUNK_SEQ || !fresh()) return undefined;
  const { firstChunk } = replay;
  replay.firstChunk = undefined;
  return firstChunk;
}
