import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineProcess } from '../engines.js';
import { startMongoSemantics } from '../../testing/mongo-semantics.js';

/**
 * The MongoDB-semantics test engine answers like MongoDB where the storage relies on it: a
 * findAndModify returns the document as its own update left it, and a find returns each document as
 * one moment left it (mongo-java-server alone answered with the stored documents, encoded after the
 * collection's lock was released, while later updates changed them: compare-and-set writers lost work).
 */
const DRAWS = 300;
const WRITERS = 8;
const ITEMS_PER_WRITER = 40;

let engine: EngineProcess;
let client: MongoClient;

beforeAll(async () => {
  engine = await startMongoSemantics();
  client = await MongoClient.connect(engine.uri, { retryWrites: false });
});
afterAll(async () => {
  await client?.close();
  await engine?.stop();
});

describe('the MongoDB-semantics test engine', () => {
  it.each(['after', 'before'] as const)('gives every concurrent findAndModify $inc draw its own number (returnDocument %s)', async (returnDocument) => {
    const sequences = client.db('semantics').collection<{ _id: string; n: number }>(`sequences_${returnDocument}`);
    await sequences.insertOne({ _id: 's', n: 0 });
    const draws = await Promise.all(Array.from({ length: DRAWS }, () => sequences.findOneAndUpdate({ _id: 's' }, { $inc: { n: 1 } }, { returnDocument })));
    const first = returnDocument === 'after' ? 1 : 0;
    expect(draws.map((doc) => doc?.n).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(Array.from({ length: DRAWS }, (_, i) => i + first));
  });

  it('loses no compare-and-set write: each find returns a document as one update left it', { timeout: 60_000 }, async () => {
    const lists = client.db('semantics').collection<{ _id: string; v: number; items: string[] }>('lists');
    // The version after what it guards: a reader encoding the fields in order must not meet a later version beside an older value.
    await lists.insertOne({ _id: 'l', items: [], v: 0 });
    // Writers that read, add their item, and write back only if the version is still the one they read.
    const append = async (item: string) => {
      for (;;) {
        const { v, items } = (await lists.findOne({ _id: 'l' }))!;
        if ((await lists.updateOne({ _id: 'l', v }, { $set: { items: [...items, item] }, $inc: { v: 1 } })).matchedCount === 1) return;
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, async (_, w) => {
      for (let i = 0; i < ITEMS_PER_WRITER; i++) await append(`${w}:${i}`);
    }));
    const stored = (await lists.findOne({ _id: 'l' }))!;
    expect(stored.items.length).toBe(WRITERS * ITEMS_PER_WRITER);
    expect(stored.v).toBe(WRITERS * ITEMS_PER_WRITER);
  });
});
