import { performance as nodePerformance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { createWorkers } from '../workers/worker-pool.js';
import { MAX_CONCURRENT_DECODES, MAX_DECODES_PER_SESSION, MAX_EVENT_TIMESTAMP_MS } from '../protocol/limits.js';
import { decodeBatch } from './batch-decoder.js';

const batch = (events: unknown) => gzipSync(Buffer.from(JSON.stringify(events)));
const refusal = (events: unknown) => decodeBatch(batch(events)).then(() => null, (error: { code?: string }) => error.code);

describe('decodeBatch with attacker-chosen numbers', () => {
  it('refuses timestamps no Date can hold (1e308, negative, past the largest Date) with E_INVALID_PAYLOAD', async () => {
    for (const timestamp of [1e308, -5, MAX_EVENT_TIMESTAMP_MS + 1, -0.5]) expect(await refusal([{ type: 3, timestamp }])).toBe('E_INVALID_PAYLOAD');
    expect(await refusal([{ type: 3, timestamp: MAX_EVENT_TIMESTAMP_MS }])).toBeNull();
    expect(await refusal([{ type: 3, timestamp: -0 }])).toBeNull();
  });

  it('writes a header of whole milliseconds (what every storage keeps as it is written)', async () => {
    const header = await decodeBatch(batch([{ type: 2, timestamp: 1000.75 }, { type: 3, timestamp: 2000.5 }]));
    expect(header).toMatchObject({ firstTs: 1000, lastTs: 2000, eventCount: 2, hasFullSnapshot: true });
    expect([header.firstTs, header.lastTs, header.eventCount, header.bytes].every(Number.isSafeInteger)).toBe(true);
  });
});

describe('decodeBatch memory, bounded by bytes', () => {
  // ~8 KB on the wire, 8 MB inflated: the batch of issue 14's out-of-memory report.
  const bomb = gzipSync(`[{"type":5,"timestamp":1,"data":{"tag":"bulk","payload":"${'A'.repeat(7_999_900)}"}}]`);

  it(`inflates at most ${MAX_CONCURRENT_DECODES} batches at once: 100 arriving together hold a few batches' worth of memory, not 100`, async () => {
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 2);
    const headers = await Promise.all(Array.from({ length: 100 }, (_, i) => decodeBatch(bomb, { sessionKey: `session-${i}` }))).finally(() => clearInterval(sampler));
    const growthMb = (peak - baseline) / 1e6;
    console.info(`100 batches inflating to 8 MB each, decoded together: RSS grew at most ${growthMb.toFixed(0)} MB`);
    expect(headers.every((header) => header.eventCount === 1)).toBe(true);
    // Each batch in decoding holds its inflated bytes and their text (~16-24 MB): generous bound.
    expect(growthMb).toBeLessThan(400);
  });

  it(`takes at most ${MAX_DECODES_PER_SESSION} batches of one session at once, refusing the rest with E_RATE_LIMITED`, async () => {
    const outcomes = await Promise.all(Array.from({ length: 50 }, () => decodeBatch(bomb, { sessionKey: 'one-session' }).then(() => 'ok', (error: { code?: string }) => error.code)));
    expect(outcomes.filter((outcome) => outcome === 'ok')).toHaveLength(MAX_DECODES_PER_SESSION);
    expect(outcomes.filter((outcome) => outcome === 'E_RATE_LIMITED')).toHaveLength(50 - MAX_DECODES_PER_SESSION);
    // Once answered, the session may send again.
    expect(await decodeBatch(bomb, { sessionKey: 'one-session' })).toMatchObject({ eventCount: 1 });
  });
});

describe('decodeBatch under a stream of compression bombs', () => {
  const workers = createWorkers({ threads: 2 });
  afterAll(() => workers.close());
  const bomb = gzipSync(`[{"type":5,"timestamp":1,"data":{"tag":"bulk","payload":"${'B'.repeat(7_999_900)}"}}]`);
  const small = batch(Array.from({ length: 30 }, (_, i) => ({ type: 3, timestamp: 1_000 + i, data: { source: 1, positions: [{ x: i, y: i, id: 5, timeOffset: 0 }] } })));

  it('reads an honest small batch at once, ahead of 40 large ones waiting for decoding', async () => {
    const finished: string[] = [];
    const bombs = Array.from({ length: 40 }, (_, i) => decodeBatch(bomb, { sessionKey: `attacker-${i}`, workers }).then(() => finished.push('bomb')));
    await new Promise((resolve) => setTimeout(resolve, 20)); // the bombs are queued first
    await decodeBatch(small, { sessionKey: 'honest', workers }).then(() => finished.push('small'));
    await Promise.all(bombs);
    // In arrival order (one queue for every batch), the small one would finish after ~36 bombs.
    expect(finished.indexOf('small')).toBeLessThan(8);
  });

  it('decodes large batches in worker threads: the event loop stays mostly idle while 24 of them are read', async () => {
    const before = nodePerformance.eventLoopUtilization();
    const headers = await Promise.all(Array.from({ length: 24 }, (_, i) => decodeBatch(bomb, { sessionKey: `elu-${i}`, workers })));
    const busy = nodePerformance.eventLoopUtilization(before).utilization;
    console.info(`24 batches inflating to 8 MB each: event loop busy ${(busy * 100).toFixed(0)} % of the time`);
    expect(headers.every((header) => header.eventCount === 1)).toBe(true);
    // Parsed on the event loop, 8 MB of JSON takes 16-46 ms each: the loop was busy most of the time.
    expect(busy).toBeLessThan(0.35);
  });
});
