import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSegments } from '../segment-codec.js';
import type { Storage } from '../ports.js';
import type { NewChunk, Repositories } from '../repositories.js';
import { CONTRACT_TARGETS, openContractDatabase, type RunningEngine } from './contract-engines.js';

/**
 * The storage contract: what every implementation of the repositories must do, on every engine —
 * above all under concurrency, where a read-merge-write or a non-atomic engine loses updates.
 */
const RACERS = 50;
const BATCHES = 25;
const MESSAGES = 20;

describe.each(CONTRACT_TARGETS)('storage contract: $name', ({ engine: contractEngine, implementation }) => {
  let engine: RunningEngine;
  let db: Storage;
  let repos: Repositories;
  let appId: string;
  let visitors = 0;

  beforeAll(async () => {
    engine = await contractEngine.start();
    db = await openContractDatabase(engine, undefined, implementation);
    repos = db.repos;
    appId = (await repos.apps.create({ name: 'Contract', publicKey: `pk_contract_${Date.now()}`, allowedOrigins: ['https://shop.example'] })).id;
  });
  afterAll(async () => {
    await db?.close();
    await engine?.stop();
  });

  async function newSession(startedAt = new Date('2026-11-30T10:00:00Z')) {
    visitors += 1;
    return repos.sessions.create({ appId, visitorId: `visitor-${visitors}`, startedAt, landingUrl: 'https://shop.example/', userAgent: 'Contract', viewport: { width: 800, height: 600 } });
  }
  const chunk = (sessionId: string, seq: number): NewChunk => ({
    sessionId, appId, seq, firstTs: seq * 1000, lastTs: seq * 1000 + 999, eventCount: seq + 2, bytes: 100 + seq, hasFullSnapshot: seq === 1,
    data: Buffer.from(`chunk ${seq}`), storedAt: new Date(),
  });
  const race = <T>(n: number, run: (i: number) => Promise<T>) => Promise.all(Array.from({ length: n }, (_, i) => run(i)));

  it('completes a session exactly once when completers race, and only the winner\'s reason is kept', async () => {
    const session = await newSession();
    const results = await race(RACERS, (i) => repos.sessions.complete(session.id, new Date(Date.parse('2026-11-30T11:00:00Z') + i), `reason-${i}`));
    const winners = results.filter((result) => result !== null);
    expect(winners).toHaveLength(1);
    const stored = await repos.sessions.findById(session.id);
    expect(stored).toMatchObject({ status: 'completed', endReason: winners[0]!.endReason, endedAt: winners[0]!.endedAt });
    expect((await repos.sessions.listActive()).map((active) => active.id)).not.toContain(session.id);
    expect(await repos.sessions.findActiveForVisitor(appId, session.visitorId)).toBeNull();
  });

  it('stores a chunk once however many copies arrive at once', async () => {
    const session = await newSession();
    // As the ingest does: only the copy stored for the first time counts into the session.
    const stored = await race(RACERS, async () => {
      const first = await repos.recordings.insertChunk(chunk(session.id, 1));
      if (first) await repos.recordings.addToSession(session.id, { seq: 1, events: 3, bytes: 101, at: new Date() });
      return first;
    });
    expect(stored.filter(Boolean)).toHaveLength(1);
    expect(await repos.sessions.findById(session.id)).toMatchObject({ chunkCount: 1, eventCount: 3, bytes: 101 });
    const { sessionId: _s, appId: _a, data, storedAt: _t, ...header } = chunk(session.id, 1);
    expect(await repos.recordings.listChunks(session.id, 0, 10)).toEqual([header]);
    expect((await repos.recordings.chunkData(session.id, 1))?.equals(data)).toBe(true);
  });

  it('counts batches stored at once into the session exactly', async () => {
    const session = await newSession();
    await race(BATCHES, async (i) => {
      const seq = BATCHES - i; // highest first: the contiguous mark must still reach the end
      if (await repos.recordings.insertChunk(chunk(session.id, seq))) {
        await repos.recordings.addToSession(session.id, { seq, events: seq + 2, bytes: 100 + seq, at: new Date(Date.parse('2026-11-30T10:00:00Z') + seq) });
      }
    });
    const seqs = Array.from({ length: BATCHES }, (_, i) => i + 1);
    expect(await repos.sessions.findById(session.id)).toMatchObject({
      chunkCount: BATCHES,
      eventCount: seqs.reduce((sum, seq) => sum + seq + 2, 0),
      bytes: seqs.reduce((sum, seq) => sum + 100 + seq, 0),
      lastActivityAt: new Date(Date.parse('2026-11-30T10:00:00Z') + BATCHES),
    });
    expect(await repos.recordings.maxSeq(session.id)).toBe(BATCHES);
    expect(await repos.recordings.contiguousSeq(session.id)).toBe(BATCHES);
    expect((await repos.recordings.listChunks(session.id, 0, 100)).map((head) => head.seq)).toEqual(seqs);
  });

  it('counts each stored chunk once when copies sent again and recounts race (no lock: every seq is claimed once)', async () => {
    const session = await newSession();
    const seqs = Array.from({ length: BATCHES }, (_, i) => i + 1);
    // Stored, never counted: as if their writer died between the two.
    for (const seq of seqs) await repos.recordings.insertChunk(chunk(session.id, seq));
    await Promise.all([
      ...seqs.map((seq) => repos.recordings.storeChunk(chunk(session.id, seq))),
      ...Array.from({ length: 5 }, () => repos.recordings.recount(session.id)),
    ]);
    expect(await repos.sessions.findById(session.id)).toMatchObject({
      chunkCount: BATCHES,
      eventCount: seqs.reduce((sum, seq) => sum + seq + 2, 0),
      bytes: seqs.reduce((sum, seq) => sum + 100 + seq, 0),
      maxSeq: BATCHES,
    });
    expect(await repos.recordings.recount(session.id)).toMatchObject({ chunkCount: BATCHES });
  });

  it('gives messages appended at once the seqs 1..n, each once, and lists them in order', async () => {
    const session = await newSession();
    const appended = await race(MESSAGES, (i) =>
      repos.messages.append({ appId, sessionId: session.id, visitorId: session.visitorId, role: i % 2 ? 'ai' : 'visitor', text: `message ${i}`, createdAt: new Date(Date.parse('2026-11-30T10:01:00Z') + i) }),
    );
    const seqs = Array.from({ length: MESSAGES }, (_, i) => i + 1);
    expect(appended.map((message) => message.seq).sort((a, b) => a - b)).toEqual(seqs);
    expect((await repos.messages.listAfter(session.id, 0, 100)).map((message) => message.seq)).toEqual(seqs);
    expect((await repos.messages.listRecent(session.id, 3)).map((message) => message.seq)).toEqual(seqs.slice(-3));
    expect((await repos.conversations.find(session.id))?.messageCount).toBe(MESSAGES);
  });

  it('changes a chat state by compare-and-set: exactly one of racing transitions wins', async () => {
    const session = await newSession();
    const results = await race(RACERS, () => repos.conversations.transition(session.id, ['ai'], 'waiting'));
    expect(results.filter((result) => result !== null)).toHaveLength(1);
    expect((await repos.conversations.find(session.id))?.chatState).toBe('waiting');
    expect(await repos.conversations.transition(session.id, ['ai'], 'human')).toBeNull();
  });

  it('gives the answering lease to exactly one of racing claims; a newer message or expiry takes it over; only the holder releases it', async () => {
    const session = await newSession();
    const now = new Date('2026-11-30T12:00:00Z');
    const until = new Date(now.getTime() + 20_000);
    const claims = await race(RACERS, (n) => repos.conversations.claimAnswer(session.id, { holder: `r${n}`, seq: 1, until }, now));
    expect(claims.filter(Boolean)).toHaveLength(1);
    const holder = `r${claims.indexOf(true)}`;
    expect(await repos.conversations.renewAnswer(session.id, holder, new Date(until.getTime() + 20_000))).toBe(true);
    expect(await repos.conversations.renewAnswer(session.id, 'someone-else', until)).toBe(false);
    // A newer visitor message takes it over; the old holder has lost it.
    expect(await repos.conversations.claimAnswer(session.id, { holder: 'newer', seq: 2, until }, now)).toBe(true);
    expect(await repos.conversations.releaseAnswer(session.id, holder)).toBe(false);
    // Expired: anyone may take it, even for the same message.
    expect(await repos.conversations.claimAnswer(session.id, { holder: 'late', seq: 2, until }, new Date(until.getTime() + 1))).toBe(true);
    expect(await repos.conversations.releaseAnswer(session.id, 'late')).toBe(true);
    expect(await repos.conversations.claimAnswer(session.id, { holder: 'free', seq: 2, until }, now)).toBe(true);
    // People answer from here on: no AI lease at all.
    await repos.conversations.releaseAnswer(session.id, 'free');
    await repos.conversations.transition(session.id, ['ai'], 'human');
    expect(await repos.conversations.claimAnswer(session.id, { holder: 'ai', seq: 3, until }, now)).toBe(false);
  });

  it('gives a periodic job\'s lease to exactly one of racing nodes, renews it for its holder only, and lets another take it once expired', async () => {
    const now = new Date('2026-11-30T12:00:00Z');
    const until = new Date(now.getTime() + 60_000);
    const taken = await race(RACERS, (n) => repos.instance.takeJobLease('sweep', `node-${n}`, now, until));
    expect(taken.filter(Boolean)).toHaveLength(1);
    const holder = `node-${taken.indexOf(true)}`;
    const other = holder === 'node-0' ? 'node-1' : 'node-0';
    expect(await repos.instance.takeJobLease('sweep', holder, new Date(now.getTime() + 30_000), new Date(until.getTime() + 30_000))).toBe(true);
    expect(await repos.instance.takeJobLease('sweep', other, new Date(now.getTime() + 30_000), until)).toBe(false);
    // Another job is another lease.
    expect(await repos.instance.takeJobLease('retention', other, now, until)).toBe(true);
    expect(await repos.instance.takeJobLease('sweep', other, new Date(until.getTime() + 30_001), new Date(until.getTime() + 90_000))).toBe(true);
    await repos.instance.releaseJobLease('sweep', holder); // not the holder any more: nothing happens
    expect(await repos.instance.takeJobLease('sweep', holder, new Date(until.getTime() + 30_002), until)).toBe(false);
    await repos.instance.releaseJobLease('sweep', other);
    expect(await repos.instance.takeJobLease('sweep', holder, new Date(until.getTime() + 30_003), until)).toBe(true);
  });

  it('adds AI token usage from concurrent answers exactly, in one counter per application and day', async () => {
    await race(RACERS, () => repos.aiUsage.add(appId, '2026-11-30', 10));
    expect(await repos.aiUsage.tokensOn(appId, '2026-11-30')).toBe(RACERS * 10);
    expect(await repos.aiUsage.tokensOn(appId, '2026-11-29')).toBe(0);
  });

  it('reserves replay font bytes by conditional $inc: reservations racing for the last of a quota never pass it', async () => {
    const results = await race(RACERS, () => db.fonts.reserve(appId, 100, 1_000));
    expect(results.filter(Boolean)).toHaveLength(10);
    expect(await db.fonts.usedBytes(appId)).toBe(1_000);
  });

  it('agrees on one cookie secret when servers start at once', async () => {
    const secrets = await race(RACERS, (i) => repos.instance.cookieSecret(() => `secret-${i}-${'x'.repeat(32)}`));
    expect(new Set(secrets).size).toBe(1);
    expect(await repos.instance.cookieSecret(() => 'another')).toBe(secrets[0]);
  });

  it('deletes sessions with their chunks and messages', async () => {
    const session = await newSession();
    await repos.recordings.insertChunk(chunk(session.id, 1));
    await repos.recordings.addToSession(session.id, { seq: 1, events: 3, bytes: 101, at: new Date() });
    await repos.messages.append({ appId, sessionId: session.id, visitorId: session.visitorId, role: 'visitor', text: 'bye', createdAt: new Date() });
    expect(await repos.recordings.deleteSessions([session.id])).toEqual({ sessions: 1, chunks: 1, messages: 1 });
    expect(await repos.sessions.findById(session.id)).toBeNull();
    expect(await repos.recordings.chunkData(session.id, 1)).toBeNull();
    expect(await repos.messages.listAfter(session.id, 0, 10)).toEqual([]);
  });

  // Issue 18: what visitors leave and what owners change.

  it('rates a conversation once: of racing ratings exactly one is stored, and only by its own visitor', async () => {
    const session = await newSession();
    expect(await repos.feedback.rate(session.id, 'someone-else', { score: 5, comment: '' }, new Date())).toBeNull();
    const results = await race(RACERS, (i) => repos.feedback.rate(session.id, session.visitorId, { score: (i % 5) + 1, comment: `comment ${i}` }, new Date(Date.parse('2026-11-30T12:00:00Z') + i)));
    const winners = results.filter((result) => result !== null);
    expect(winners).toHaveLength(1);
    expect((await repos.feedback.find(session.id))?.rating).toEqual(winners[0]);
    expect((await repos.conversations.find(session.id))?.rating).toEqual(winners[0]);
    expect(await repos.feedback.rate(session.id, session.visitorId, { score: 1, comment: 'again' }, new Date())).toBeNull();
  });

  it('stores the email a visitor leaves on their own conversation only', async () => {
    const session = await newSession();
    expect(await repos.feedback.setContactEmail(session.id, 'someone-else', 'x@example.com', new Date())).toBe(false);
    expect(await repos.feedback.setContactEmail(session.id, session.visitorId, 'ada@example.com', new Date())).toBe(true);
    expect(await repos.feedback.find(session.id)).toEqual({ rating: null, contactEmail: 'ada@example.com' });
    expect((await repos.conversations.find(session.id))?.contactEmail).toBe('ada@example.com');
  });

  it('rotates a widget key: the old key finds nothing from that write on', async () => {
    const app = await repos.apps.create({ name: 'Rotating', publicKey: `pk_old_${Date.now()}`, allowedOrigins: [] });
    const rotated = await repos.apps.setPublicKey(app.id, `pk_new_${Date.now()}`);
    expect(await repos.apps.findByKey(app.publicKey)).toBeNull();
    expect((await repos.apps.findByKey(rotated!.publicKey))?.id).toBe(app.id);
  });

  it('ends every other sign-in of a user and keeps the one named', async () => {
    const user = await repos.users.create({ email: `signins-${Date.now()}@test.local`, passwordHash: 'x', role: 'agent' });
    const expiresAt = new Date(Date.now() + 60_000);
    for (const tokenHash of ['keep', 'other-1', 'other-2']) await repos.logins.create({ tokenHash: `${user.id}-${tokenHash}`, userId: user.id, createdAt: new Date(), expiresAt });
    expect((await repos.logins.deleteOthersOfUser(user.id, `${user.id}-keep`)).sort()).toEqual([`${user.id}-other-1`, `${user.id}-other-2`]);
    expect(await repos.logins.findUserId(`${user.id}-keep`, new Date())).toBe(user.id);
    expect(await repos.logins.findUserId(`${user.id}-other-1`, new Date())).toBeNull();
  });

  it('erases an application and every document about it, and nothing of another application', async () => {
    const doomed = await repos.apps.create({ name: 'Doomed', publicKey: `pk_doomed_${Date.now()}`, allowedOrigins: [] });
    const member = await repos.users.create({ email: `member-${Date.now()}@test.local`, passwordHash: 'x', role: 'agent', appIds: [doomed.id, appId] });
    const kept = await newSession();
    for (let i = 0; i < 3; i++) {
      const session = await repos.sessions.create({ appId: doomed.id, visitorId: `doomed-visitor-${i}`, startedAt: new Date('2026-11-30T10:00:00Z'), landingUrl: 'https://doomed.example/', userAgent: 'Contract', viewport: { width: 800, height: 600 } });
      await repos.recordings.storeChunk({ ...chunk(session.id, 1), appId: doomed.id, data: gzipSync('[]') });
      // One of them compacted (issue 20): its layout and segment name the application too.
      if (i === 0) expect(await repos.recordingSegments.commit({ sessionId: session.id, appId: doomed.id, generation: 'g', segments: buildSegments([{ seq: 1, hasFullSnapshot: true, data: gzipSync('[]') }]).segments })).toBe(true);
      await repos.messages.append({ appId: doomed.id, sessionId: session.id, visitorId: session.visitorId, role: 'visitor', text: 'hello', createdAt: new Date() });
      await repos.feedback.rate(session.id, session.visitorId, { score: 4, comment: 'fine' }, new Date());
    }
    await repos.aiUsage.add(doomed.id, '2026-11-30', 10);
    await db.fonts.reserve(doomed.id, 100, 1_000);
    expect(await db.eraseApp(doomed.id)).toBe(true);
    const left: string[] = [];
    for await (const { collection, document } of db.documents()) if (JSON.stringify(document).includes(doomed.id)) left.push(collection);
    expect(left).toEqual([]);
    expect(await repos.apps.findById(doomed.id)).toBeNull();
    expect((await repos.users.findById(member.id))?.appIds).toEqual([appId]);
    expect((await repos.sessions.findById(kept.id))?.appId).toBe(appId);
    expect(await db.eraseApp(doomed.id)).toBe(false);
  });
});
