import { MongoClient, type Collection } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT_ENGINES, type RunningEngine } from '../contract/contract-engines.js';
import { listReader } from './list-reader.js';
import { LIST_PAGE_SIZE, pagedLists } from './paged-list.js';
import { decodeEntries, encodeEntries, readModelKeys, type Entry } from './read-model-keys.js';

/**
 * The paged lists written by compare-and-set: writers that share nothing but the database (as
 * several server processes do) append at once, entries in any order, and every entry is listed once,
 * in (time, id) order, each page a range below the next.
 */
const WRITERS = 4;
const ENTRIES_PER_WRITER = 120;

const entry = (t: number, n: number): Entry => ({ t, id: n.toString(16).padStart(24, '0') });
const newestFirst = (a: Entry, b: Entry) => b.t - a.t || (a.id < b.id ? 1 : -1);

describe.each(CONTRACT_ENGINES)('paged lists on $name', (contractEngine) => {
  let engine: RunningEngine;
  let client: MongoClient;
  let collection: Collection;
  let lists = 0;

  beforeAll(async () => {
    engine = await contractEngine.start();
    client = await MongoClient.connect(engine.uri, { retryWrites: false });
    collection = client.db('paged_lists').collection('activity_index');
  });
  afterAll(async () => {
    await client?.close();
    await engine?.stop();
  });

  async function listed(appId: string, list: string): Promise<Entry[]> {
    const seen: Entry[] = [];
    for await (const { t, id } of listReader(collection).entries(appId, list)) seen.push({ t, id });
    return seen;
  }

  /** Every page's entries below the next page's first: the ranges readers and cursors rely on. */
  async function pageRanges(appId: string, list: string): Promise<boolean> {
    const head = await collection.findOne({ _id: readModelKeys.head(appId, list) } as never);
    const pages = await Promise.all(Array.from({ length: Number(head?.pages) }, async (_, n) => decodeEntries((await collection.findOne({ _id: readModelKeys.page(appId, list, n) } as never))?.items)));
    return pages.every((items, n) => n === 0 || pages[n - 1].every((below) => below.t < items[0].t || (below.t === items[0].t && below.id < items[0].id)));
  }

  it(`keeps every entry of ${WRITERS} writers appending at once, in order, across pages`, { timeout: 60_000 }, async () => {
    const appId = `app${++lists}`;
    const writers = Array.from({ length: WRITERS }, () => pagedLists(collection));
    // Times spread so entries arrive both newer and older than the pages already written, some equal.
    const all = Array.from({ length: WRITERS * ENTRIES_PER_WRITER }, (_, n) => entry(1_000 + ((n * 7919) % 331) * 10, n));
    await Promise.all(writers.map((writer, w) => (async () => {
      for (let i = w; i < all.length; i += WRITERS) await writer.append(appId, 'sessions', [all[i]]);
    })()));
    const seen = await listed(appId, 'sessions');
    expect(seen).toEqual([...all].sort(newestFirst));
    expect(seen.length / LIST_PAGE_SIZE).toBeGreaterThan(3);
    expect(await pageRanges(appId, 'sessions')).toBe(true);
  });

  it('keeps every entry of a burst of 200 appends on one node at once (sessions started together)', { timeout: 60_000 }, async () => {
    const appId = `app${++lists}`;
    const writer = pagedLists(collection);
    const all = Array.from({ length: 200 }, (_, n) => entry(5_000 + n, n));
    const outcomes = await Promise.allSettled(all.map((one) => writer.append(appId, 'sessions', [one])));
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    expect(await listed(appId, 'sessions')).toEqual([...all].sort(newestFirst));
    expect(await pageRanges(appId, 'sessions')).toBe(true);
  });

  it('keeps deferred batches of several writers, each entry once', async () => {
    const appId = `app${++lists}`;
    const writers = Array.from({ length: WRITERS }, () => pagedLists(collection));
    const all = Array.from({ length: 300 }, (_, n) => entry(5_000 + ((n * 613) % 97), n));
    all.forEach((e, i) => writers[i % WRITERS].defer(appId, 'tri:616263', [e, all[(i * 31) % all.length]]));
    await Promise.all(writers.map((writer) => writer.flush()));
    expect(await listed(appId, 'tri:616263')).toEqual([...all].sort(newestFirst));
    expect(await pageRanges(appId, 'tri:616263')).toBe(true);
  });

  it('finishes what a writer that stopped half-way left: a sealed page without the next one, a page the head does not count', async () => {
    const appId = `app${++lists}`;
    const full = Array.from({ length: LIST_PAGE_SIZE }, (_, n) => entry(100 + n, n));
    const sealedAt = entry(500, 999);
    // Page 0 full and sealed at an entry whose own page was never written.
    await collection.insertOne({ _id: readModelKeys.page(appId, 'prompts', 0), appId, items: encodeEntries(full), v: 3, sealed: encodeEntries([sealedAt]) } as never);
    await collection.insertOne({ _id: readModelKeys.head(appId, 'prompts'), appId, pages: 1 } as never);
    const writer = pagedLists(collection);
    await writer.append(appId, 'prompts', [entry(600, 1000)]);
    await writer.append(appId, 'prompts', [entry(50, 1001)]);
    expect(await listed(appId, 'prompts')).toEqual([...full, entry(600, 1000), entry(50, 1001)].sort(newestFirst));
    // A page made by a writer that stopped before raising the head is found, and the head raised.
    await collection.insertOne({ _id: readModelKeys.page(appId, 'prompts', 2), appId, items: encodeEntries([entry(900, 2000)]), v: 0 } as never);
    await collection.updateOne({ _id: readModelKeys.page(appId, 'prompts', 1) } as never, { $set: { sealed: encodeEntries([entry(900, 2000)]) }, $inc: { v: 1 } });
    await writer.append(appId, 'prompts', [entry(950, 2001)]);
    expect((await collection.findOne({ _id: readModelKeys.head(appId, 'prompts') } as never))?.pages).toBe(3);
    expect((await listed(appId, 'prompts')).slice(0, 2)).toEqual([entry(950, 2001), entry(900, 2000)]);
  });
});
