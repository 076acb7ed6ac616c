import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { ensureFerretdbBinary } from './ferretdb-binary.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './ferretdb-process.js';

/**
 * The embedded FerretDB applies an update as read → change in Go → write. The repo's patch
 * (patches/update-*.go.txt) holds one lock per collection across those steps and closes each
 * statement's iterator as soon as it is applied; these tests fail on an unpatched build.
 */
const CONCURRENT_UPDATES = 1_000;
const SEQUENCE_DRAWS = 200;
const STATEMENTS_PER_COMMAND = 150;
/** An unpatched build never answers a 150-statement update (it wedges); a patched one takes well under a second. */
const HUNG_AFTER_MS = 20_000;

let dataDir: string;
let database: EmbeddedDatabase;
let connection: Connection;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'chatreel-ferretdb-updates-'));
  const binary = await ensureFerretdbBinary(loadConfig({ ...process.env, LOG_LEVEL: 'silent' }).ferretdbCacheDir);
  database = await startEmbeddedDatabase(binary, dataDir);
  connection = await mongoose.createConnection(database.uri, { dbName: 'updates', retryWrites: false }).asPromise();
});

afterAll(async () => {
  await connection?.close();
  await database?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const collection = (name: string) => connection.db!.collection<{ _id: string; n: number }>(name);

function withinHangLimit<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${HUNG_AFTER_MS} ms: the database hung`)), HUNG_AFTER_MS);
  });
  return Promise.race([work, hung]).finally(() => clearTimeout(timer));
}

describe('embedded FerretDB updates', () => {
  it(`keeps all ${CONCURRENT_UPDATES} concurrent $inc of one document`, async () => {
    const counters = collection('counters');
    await counters.insertOne({ _id: 'c', n: 0 });
    const results = await Promise.all(Array.from({ length: CONCURRENT_UPDATES }, () => counters.updateOne({ _id: 'c' }, { $inc: { n: 1 } })));
    expect(results.filter((result) => result.modifiedCount === 1)).toHaveLength(CONCURRENT_UPDATES);
    expect((await counters.findOne({ _id: 'c' }))?.n).toBe(CONCURRENT_UPDATES);
  });

  it('gives every concurrent findAndModify $inc draw its own number', async () => {
    const sequences = collection('sequences');
    await sequences.insertOne({ _id: 's', n: 0 });
    const draws = await Promise.all(
      Array.from({ length: SEQUENCE_DRAWS }, () => sequences.findOneAndUpdate({ _id: 's' }, { $inc: { n: 1 } }, { returnDocument: 'after' })),
    );
    const numbers = draws.map((doc) => doc?.n).sort((a, b) => (a ?? 0) - (b ?? 0));
    expect(numbers).toEqual(Array.from({ length: SEQUENCE_DRAWS }, (_, i) => i + 1));
  });

  it(`applies an update command of ${STATEMENTS_PER_COMMAND} statements and stays usable`, { timeout: HUNG_AFTER_MS + 10_000 }, async () => {
    const rows = collection('rows');
    await rows.insertMany(Array.from({ length: STATEMENTS_PER_COMMAND }, (_, i) => ({ _id: `r${i}`, n: i })));
    // One bulkWrite of updateOne operations is one `update` command with one statement each.
    const result = await withinHangLimit(
      rows.bulkWrite(Array.from({ length: STATEMENTS_PER_COMMAND }, (_, i) => ({ updateOne: { filter: { _id: `r${i}` }, update: { $inc: { n: 1000 } } } }))),
    );
    expect(result.modifiedCount).toBe(STATEMENTS_PER_COMMAND);
    const stored = await withinHangLimit(rows.find({}).toArray());
    expect(stored.map((row) => row.n).sort((a, b) => a - b)).toEqual(Array.from({ length: STATEMENTS_PER_COMMAND }, (_, i) => i + 1000));
  });
});
