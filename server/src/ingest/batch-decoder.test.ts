import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MAX_EVENT_TIMESTAMP_MS } from '../protocol/limits.js';
import { decodeBatch } from './batch-decoder.js';
import { decodeHeads, encodeHead } from '../storage/chunk-heads.js';

const batch = (events: unknown) => gzipSync(Buffer.from(JSON.stringify(events)));
const refusal = (events: unknown) => decodeBatch(batch(events)).then(() => null, (error: { code?: string }) => error.code);

describe('decodeBatch with attacker-chosen numbers', () => {
  it('refuses timestamps no Date can hold (1e308, negative, past the largest Date) with E_INVALID_PAYLOAD', async () => {
    for (const timestamp of [1e308, -5, MAX_EVENT_TIMESTAMP_MS + 1, -0.5]) expect(await refusal([{ type: 3, timestamp }])).toBe('E_INVALID_PAYLOAD');
    expect(await refusal([{ type: 3, timestamp: MAX_EVENT_TIMESTAMP_MS }])).toBeNull();
    expect(await refusal([{ type: 3, timestamp: -0 }])).toBeNull();
  });

  it('writes a header of whole milliseconds, which the stored header list reads back as written', async () => {
    const header = await decodeBatch(batch([{ type: 2, timestamp: 1000.75 }, { type: 3, timestamp: 2000.5 }]));
    expect(header).toMatchObject({ firstTs: 1000, lastTs: 2000, eventCount: 2, hasFullSnapshot: true });
    expect(decodeHeads([encodeHead({ seq: 7, ...header })])).toEqual([{ seq: 7, ...header }]);
  });
});
