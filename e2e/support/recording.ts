import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { MAX_SEGMENT_DECODED_BYTES } from '../../server/src/protocol/limits.js';
import type { Browser, Page } from 'playwright-core';
import { joinEventParts, type RecordedEvent } from '../../server/src/protocol/recording-events.js';
import { HttpClient } from '../../server/src/testing/http-client.js';
import { startServerProcess, waitUntil, type ServerProcess } from '../../server/src/testing/server-process.js';
import { loadConfig } from '../../server/src/config.js';
import { openDatabase } from '../../server/src/storage/open-database.js';
import { newPage } from './fixtures.js';

/** Opens the chat and starts the session (recording begins with it) through the widget's connection. */
export async function startChat(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Open chat' }).click();
  return resumeOrStart(page);
}

/**
 * The widget's session id once it is under way on this page (a new page resumes it by itself). The
 * full widget loads when the visitor opens the chat, or at once on a page with a session under way:
 * one of those must have happened.
 */
export async function resumeOrStart(page: Page): Promise<string> {
  await page.waitForFunction(() => customElements.get('chatreel-widget'), undefined, { timeout: 30_000 });
  const id = await page.evaluate(async () => {
    const widget = document.querySelector('chatreel-widget') as unknown as {
      connection: { connect(): Promise<void>; onReady(cb: () => void): void; ensureSession(): Promise<{ id: string } | null> };
    };
    await widget.connection.connect();
    await new Promise<void>((resolve) => widget.connection.onReady(() => resolve()));
    return (await widget.connection.ensureSession())?.id ?? null;
  });
  if (!id) throw new Error('no session started');
  return id;
}

/** The next batch number the widget's recorder will use in this browser (0 before its first batch). */
export const recordedSeq = (page: Page): Promise<number> =>
  page.evaluate(() => Number((localStorage.getItem('chatreel:recording-seq') ?? '').split(':')[1] ?? 0) || 0);

/** Waits until the recorder on this page sent a batch of its own (it records, and watches for struggle, from here). */
export async function recorderRunning(page: Page, afterSeq = 0): Promise<void> {
  await waitUntil(async () => (await recordedSeq(page)) > afterSeq, 15_000, 'the recorder running on the page');
}

/** Waits for the widget's own session on this page (a new page resumes the session by itself). */
export async function widgetSession(page: Page): Promise<string> {
  const handle = await page.waitForFunction(
    () => (document.querySelector('chatreel-widget') as unknown as { connection?: { session?: { id: string } | null } })?.connection?.session?.id,
    undefined,
    { timeout: 30_000 },
  );
  return (await handle.jsonValue()) as string;
}

/** The owner signed in to a started server, and a visitor on the demo shop with a chat (and its recording) under way. */
export async function demoVisitor(browser: Browser, baseUrl: string) {
  const owner = new HttpClient(baseUrl);
  await owner.signIn();
  const appId = await demoAppId(owner);
  const page = await newPage(browser);
  await page.goto(`${baseUrl}/demo/`);
  const sessionId = await startChat(page);
  return { owner, appId, page, sessionId };
}

/**
 * A server in a process of its own (its database can be read whole once it stopped, see dumpDatabase)
 * and its owner signed in: runs `run` with the demo application's id, then disposes of the server.
 */
export async function withServerProcess(run: (server: ServerProcess, owner: HttpClient, appId: string) => Promise<void>) {
  const server = await startServerProcess();
  try {
    const owner = new HttpClient(server.url);
    await owner.signIn();
    await run(server, owner, await demoAppId(owner));
  } finally {
    await server.dispose();
  }
}

/** The demo application's id, read as its owner. */
export async function demoAppId(owner: HttpClient): Promise<string> {
  const apps = await owner.request('GET', '/api/apps');
  return apps.json.data.apps.find((app: { demo: boolean }) => app.demo).id;
}

/** Seqs the server holds for a session (through the replay API, as the console reads them). */
export async function storedSeqs(owner: HttpClient, appId: string, sessionId: string): Promise<number[]> {
  const manifest = await owner.request('GET', `/api/apps/${appId}/sessions/${sessionId}/replay`);
  return (manifest.json?.data?.chunks ?? []).map((chunk: { seq: number }) => chunk.seq);
}

/** Waits until a stored chunk of the session contains `text` (read through the replay API). */
export async function waitForStoredText(owner: HttpClient, appId: string, sessionId: string, text: string, timeoutMs = 90_000) {
  const seen = new Set<number>();
  await waitUntil(
    async () => {
      for (const seq of await storedSeqs(owner, appId, sessionId)) {
        if (seen.has(seq)) continue;
        seen.add(seq);
        const response = await fetch(`${owner.baseUrl}/api/apps/${appId}/sessions/${sessionId}/replay/chunks/${seq}`, {
          headers: { cookie: owner.cookie },
        });
        if (gunzipSync(Buffer.from(await response.arrayBuffer())).toString('utf8').includes(text)) return true;
      }
      return false;
    },
    timeoutMs,
    `"${text}" stored in ${sessionId}`,
  );
}

/** Waits until seqs 1..N are stored with N unchanged for `quietMs` (the widget has nothing left to send). */
export async function waitForSettledSeqs(owner: HttpClient, appId: string, sessionId: string, quietMs = 4_000, timeoutMs = 60_000) {
  let last = '';
  let since = Date.now();
  try {
    await waitUntil(
      async () => {
        const seqs = await storedSeqs(owner, appId, sessionId);
        const key = seqs.join(',');
        if (key !== last) {
          last = key;
          since = Date.now();
        }
        const contiguous = seqs.length > 0 && seqs.every((seq, i) => seq === i + 1);
        return contiguous && Date.now() - since >= quietMs;
      },
      timeoutMs,
      `settled contiguous chunks of ${sessionId}`,
    );
  } catch (error) {
    // The seqs seen last say what went wrong (a gap, or none at all).
    throw new Error(`${(error as Error).message} (last seen: ${last || 'none'})`);
  }
  return last.split(',').map(Number);
}

export interface DatabaseDump {
  /** Every document of every collection, serialized (chunk blobs decompressed to their JSON). */
  documents: Array<{ collection: string; text: string }>;
  chunks: Array<{ sessionId: string; seq: number; hasFullSnapshot: boolean; via: string; events: RecordedEvent[] }>;
  sessions: Array<Record<string, unknown>>;
}

/** Reads the whole database of a stopped server process (its data directory) as plain text. */
export async function dumpDatabase(dataDir: string): Promise<DatabaseDump> {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent', DATA_DIR: dataDir });
  const db = await openDatabase({ mongodbUri: config.mongodbUri, dataDir, ferretdbCacheDir: config.ferretdbCacheDir });
  try {
    const dump: DatabaseDump = { documents: [], chunks: [], sessions: [] };
    for await (const { collection: name, document: doc } of db.documents()) {
      if (name === 'chunks') {
        // A compacted chunk (issue 20) has no blob of its own: read from its segment, as every reader does.
        const stored = (doc.data as { buffer: Uint8Array } | undefined)?.buffer;
        const data = { buffer: stored ?? new Uint8Array((await db.repos.recordings.chunkData(String(doc.sessionId), Number(doc.seq)))!) };
        const json = gunzipSync(Buffer.from(data.buffer)).toString('utf8');
        dump.chunks.push({ sessionId: String(doc.sessionId), seq: Number(doc.seq), hasFullSnapshot: Boolean(doc.hasFullSnapshot), via: String(doc.via), events: JSON.parse(json) });
        dump.documents.push({ collection: name, text: JSON.stringify({ ...doc, data: json }) });
        // The stored bytes themselves too (a value could hide in an uncompressed stretch).
        dump.documents.push({ collection: name, text: Buffer.from(data.buffer).toString('latin1') });
      } else if (name === 'recording_segments') {
        // A compacted recording's segment: its decoded text, and the stored bytes themselves.
        const data = Buffer.from((doc.data as { buffer: Uint8Array }).buffer);
        dump.documents.push({ collection: name, text: JSON.stringify({ ...doc, data: brotliDecompressSync(data, { maxOutputLength: MAX_SEGMENT_DECODED_BYTES }).toString('utf8') }) });
        dump.documents.push({ collection: name, text: data.toString('latin1') });
      } else {
        if (name === 'sessions') dump.sessions.push(doc);
        dump.documents.push({ collection: name, text: JSON.stringify(doc) });
      }
    }
    dump.chunks.sort((a, b) => a.sessionId.localeCompare(b.sessionId) || a.seq - b.seq);
    return dump;
  } finally {
    await db.close();
  }
}

/** A session's events in seq order, large events joined back from their parts. */
export function sessionEvents(dump: DatabaseDump, sessionId: string): RecordedEvent[] {
  return joinEventParts(dump.chunks.filter((chunk) => chunk.sessionId === sessionId).flatMap((chunk) => chunk.events));
}

/** Walks a serialized rrweb node tree (full snapshot `data.node`), shadow roots included. */
export function* walkNodes(node: any): Generator<any> {
  if (!node) return;
  yield node;
  for (const child of node.childNodes ?? []) yield* walkNodes(child);
}
