import { gzipSync } from 'node:zlib';
import type { Frame, Page } from 'playwright-core';
import { decodeBatch } from '../../server/src/ingest/batch-decoder.js';
import type { RecordedEvent } from '../../server/src/protocol/recording-events.js';
import type { TestServer } from '../../server/src/testing/test-server.js';
import { signInThroughConsole } from './fixtures.js';

/** The demo application's id, straight from the database. */
export async function demoApp(server: TestServer) {
  const app = await server.db.repos.apps.findDemo();
  if (!app) throw new Error('no demo application');
  return app;
}

/**
 * Stores a recorded event stream as a session's chunks, the way the ingest stores batches (gzip of a
 * JSON array, headers read by the ingest's own decoder). `batches` are lists of events, one per chunk.
 */
export async function storeRecording(
  server: TestServer,
  batches: RecordedEvent[][],
  options: { completed?: boolean; url?: string } = {},
): Promise<{ appId: string; sessionId: string }> {
  const app = await demoApp(server);
  const repos = server.db.repos;
  const first = batches[0][0];
  const session = await repos.sessions.create({
    appId: app.id,
    visitorId: `fixture-${Math.random().toString(36).slice(2)}`,
    startedAt: new Date(first.timestamp),
    landingUrl: options.url ?? String((first.data as { href?: string })?.href ?? 'http://fixture.example/'),
    userAgent: 'Fixture/1.0',
    viewport: { width: 1024, height: 640 },
  });
  let seq = 0;
  for (const events of batches) {
    const data = gzipSync(Buffer.from(JSON.stringify(events)));
    const header = await decodeBatch(data);
    seq += 1;
    await repos.recordings.insertChunk({ ...header, seq, sessionId: session.id, appId: app.id, data, storedAt: new Date() });
    await repos.recordings.addToSession(session.id, { seq, events: header.eventCount, bytes: header.bytes, at: new Date(header.lastTs) });
  }
  if (options.completed !== false) {
    const last = batches.at(-1)!.at(-1)!;
    await repos.sessions.complete(session.id, new Date(last.timestamp), 'visitor-ended');
  }
  return { appId: app.id, sessionId: session.id };
}

/** Signs in through the console and opens a session's replay by its address. */
export async function openReplay(page: Page, baseUrl: string, appId: string, sessionId: string) {
  await signInThroughConsole(page, baseUrl);
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  await page.goto(`${baseUrl}/#/replay/${appId}/${sessionId}`);
  await page.locator('replay-view').waitFor();
}

/** The replay's iframe element and its frame, once rrweb has built it. */
export async function replayFrame(page: Page): Promise<{ sandbox: string | null; frame: Frame }> {
  const iframe = page.locator('replay-view .replayer-wrapper iframe');
  await iframe.waitFor({ state: 'attached', timeout: 15_000 });
  const handle = await iframe.elementHandle();
  const frame = await handle!.contentFrame();
  if (!frame) throw new Error('the replay iframe has no frame');
  return { sandbox: await iframe.getAttribute('sandbox'), frame };
}
