import type { ReplayManifest } from '../../../server/src/protocol/replay-events.js';
import { replayChunkPath, replayManifestPath } from '../../../server/src/protocol/replay-chunk-url.js';
import { chunkPlan } from '../replay/chunk-plan.js';

/**
 * The console's first requests, started by early.ts as soon as the page's HTML is read — before the
 * console's own code has loaded, let alone asked who is signed in — and adopted once by the code that
 * would have made them: who is signed in (api-client.ts) and, on a replay address, the recording's
 * chunk list and its first chunks (replay-api.ts). Measured before (issue 20): on a loaded machine the
 * console spent ~950 ms booting before it asked for the chunk list.
 */

/** Chunk requests in flight while a replay loads (replay-api.ts); early.ts starts that many. */
export const CHUNKS_IN_FLIGHT = 4;
/** An early answer older than this is not adopted: what it says may have changed (a session completed). */
const EARLY_ANSWER_MAX_AGE_MS = 10_000;

interface EarlyReplay {
  appId: string;
  sessionId: string;
  manifest: Promise<Response> | undefined;
  /** By path (which names the chunk's version); settled once the chunk list said which to ask for. */
  chunks: Promise<Map<string, Promise<Response>>>;
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
  const manifest = get(replayManifestPath(address.appId, address.sessionId));
  // A completed session's first chunks follow as soon as the list says which (a live view needs none).
  const chunks = manifest
    .then(async (response) => {
      const requests = new Map<string, Promise<Response>>();
      if (!response.ok) return requests;
      const { data } = (await response.clone().json()) as { data: ReplayManifest };
      if (data.session.status !== 'completed') return requests;
      for (const chunk of chunkPlan(data.chunks).slice(0, CHUNKS_IN_FLIGHT)) {
        const path = replayChunkPath(address.appId, address.sessionId, chunk);
        requests.set(path, get(path));
      }
      return requests;
    })
    .catch(() => new Map<string, Promise<Response>>());
  replay = { ...address, manifest, chunks };
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

/** A chunk early.ts asked for, by its path: once each (none when it asked for none). */
export async function takeEarlyChunk(path: string): Promise<Response | undefined> {
  if (!replay) return undefined;
  const requests = await replay.chunks;
  const request = requests.get(path);
  requests.delete(path);
  return request;
}
