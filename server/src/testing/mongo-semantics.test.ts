import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineProcess } from '../storage/engines.js';
import { startMongoSemantics } from './mongo-semantics.js';

/**
 * The MongoDB-semantics test engine answers like MongoDB where the storage relies on it: a
 * findAndModify returns the document as its own update left it (mongo-java-server alone returned
 * the stored document, encoded after later updates had changed it).
 */
const DRAWS = 300;

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
});
