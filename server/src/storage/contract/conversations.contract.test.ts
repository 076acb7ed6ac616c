import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivityService } from '../../activity/activity-service.js';
import { conversationLifecycle } from '../../chat/conversation-lifecycle.js';
import type { ConversationFilter } from '../../protocol/activity.js';
import type { Repositories } from '../repositories.js';
import { contractStorage, CONTRACT_TARGETS } from './contract-engines.js';

/**
 * The conversations' own lifecycle (issue 18) on every implementation and engine: a conversation
 * outlives its recording session in every view, the Waiting view lists the oldest wait first, and
 * every move is one conditional update — of movers racing, exactly one wins.
 */
const RACERS = 30;
const AT = (minute: number) => new Date(Date.parse('2026-11-30T10:00:00Z') + minute * 60_000);
const AGENT = 'a'.repeat(24);

describe.each(CONTRACT_TARGETS)('conversations contract: $name', (target) => {
  const opened = contractStorage(target, 'Conversations', { beforeAll, afterAll });
  let visitors = 0;

  /** A session whose visitor wrote at `minute`. */
  async function conversation(minute: number) {
    const { repos, appId } = { repos: opened.db.repos, appId: opened.appId };
    visitors += 1;
    const session = await repos.sessions.create({ appId, visitorId: `visitor-${visitors}`, startedAt: AT(minute), landingUrl: 'https://shop.example/', userAgent: 'Contract', viewport: { width: 800, height: 600 } });
    await repos.messages.append({ appId, sessionId: session.id, visitorId: session.visitorId, role: 'visitor', text: `help ${visitors}`, createdAt: AT(minute) });
    return session.id;
  }
  const ids = async (view: Parameters<Repositories['conversations']['list']>[1], userId = AGENT) =>
    (await opened.db.repos.conversations.list(opened.appId, view, userId, 100)).map((found) => found.sessionId);

  it('keeps conversations in their views after the recording completes: waiting oldest first, one winner among racing assigners, resolved and reopened', async () => {
    const { repos, appId } = { repos: opened.db.repos, appId: opened.appId };
    const later = await conversation(5);
    const earlier = await conversation(1);
    const chatty = await conversation(3);
    expect(await repos.conversations.move(later, { from: [null], to: 'waiting', at: AT(6) })).toMatchObject({ conversationStatus: 'waiting', waitingSince: AT(6) });
    expect(await repos.conversations.move(earlier, { from: [null], to: 'waiting', at: AT(2) })).toMatchObject({ conversationStatus: 'waiting' });
    expect(await repos.conversations.move(chatty, { from: [null], to: 'open', at: AT(3) })).toMatchObject({ conversationStatus: 'open', waitingSince: null });
    // A move whose `from` does not hold changes nothing.
    expect(await repos.conversations.move(chatty, { from: [null], to: 'waiting', at: AT(4) })).toBeNull();

    // The visitors leave: their recording sessions complete. Their conversations stay where they were.
    for (const id of [later, earlier, chatty]) await repos.sessions.complete(id, AT(10), 'visitor-gone');
    expect(await ids('waiting')).toEqual([earlier, later]);
    expect(new Set(await ids('open'))).toEqual(new Set([later, earlier, chatty]));

    // Agents answer the earliest wait at once: exactly one gets it.
    const agents = Array.from({ length: RACERS }, (_, i) => i.toString(16).padStart(24, '0'));
    const results = await Promise.all(agents.map((agent) => repos.conversations.move(earlier, { from: ['waiting'], to: 'assigned', assigneeId: agent, at: AT(20) })));
    const winners = results.filter((result) => result !== null);
    expect(winners).toHaveLength(1);
    const winner = winners[0]!.assigneeId!;
    expect((await repos.conversations.find(earlier))).toMatchObject({ conversationStatus: 'assigned', assigneeId: winner, waitingSince: null });
    expect(await ids('waiting')).toEqual([later]);
    expect(await ids('mine', winner)).toEqual([earlier]);
    expect(await ids('mine', agents.find((agent) => agent !== winner))).toEqual([]);
    // Given to someone while it waits, it stays waiting (and its wait's start) and is theirs.
    expect(await repos.conversations.move(later, { from: ['waiting'], to: 'waiting', assigneeId: winner, at: AT(21) })).toMatchObject({ waitingSince: AT(6), assigneeId: winner });
    expect(await ids('waiting')).toEqual([later]);
    expect(new Set(await ids('mine', winner))).toEqual(new Set([earlier, later]));
    await repos.conversations.move(later, { from: ['waiting'], to: 'waiting', assigneeId: AGENT, at: AT(22) });

    // The quiet period: not the waiting one; not one with a message after the cut-off (checked in the same update).
    expect((await repos.conversations.listQuiet(appId, AT(30), 100)).map((found) => found.sessionId).sort()).toEqual([chatty, earlier].sort());
    expect(await repos.conversations.move(chatty, { from: ['open', 'assigned'], to: 'resolved', at: AT(30), lastMessageBefore: AT(2) })).toBeNull();
    expect(await repos.conversations.move(chatty, { from: ['open', 'assigned'], to: 'resolved', at: AT(30), lastMessageBefore: AT(30) })).toMatchObject({ resolvedAt: AT(30) });
    expect(await ids('resolved')).toEqual([chatty]);
    expect(await ids('open')).not.toContain(chatty);

    // Reopened (nobody had it: not to `assigned`), then resolved again: listed once, by its latest resolution.
    expect(await repos.conversations.move(chatty, { from: ['resolved'], to: 'assigned', assigned: true, at: AT(40) })).toBeNull();
    expect(await repos.conversations.move(chatty, { from: ['resolved'], to: 'open', at: AT(40) })).toMatchObject({ conversationStatus: 'open', resolvedAt: null });
    expect(await ids('resolved')).toEqual([]);
    expect(await ids('open')).toContain(chatty);
    await repos.conversations.move(earlier, { from: ['assigned'], to: 'resolved', at: AT(45) });
    await repos.conversations.move(chatty, { from: ['open'], to: 'resolved', at: AT(50) });
    expect(await ids('resolved')).toEqual([chatty, earlier]);
    expect(await ids('waiting')).toEqual([later]);
  });

  it('racing resolvers and a reopening visitor leave the conversation in exactly one view, as stored', async () => {
    const repos = opened.db.repos;
    const id = await conversation(60);
    await repos.conversations.move(id, { from: [null], to: 'open', at: AT(60) });
    for (let round = 0; round < 5; round++) {
      await Promise.all([
        ...Array.from({ length: 5 }, () => repos.conversations.move(id, { from: ['open', 'waiting', 'assigned'], to: 'resolved', at: AT(61 + round) })),
        ...Array.from({ length: 5 }, () => repos.conversations.move(id, { from: ['resolved'], to: 'waiting', at: AT(61 + round) })),
      ]);
    }
    const stored = (await repos.conversations.find(id))!;
    const inViews = { resolved: (await ids('resolved')).includes(id), open: (await ids('open')).includes(id), waiting: (await ids('waiting')).includes(id) };
    expect(inViews).toEqual({ resolved: stored.conversationStatus === 'resolved', open: stored.conversationStatus !== 'resolved', waiting: stored.conversationStatus === 'waiting' });
  });

  it('a returning visitor’s new conversation goes back to their agent, even when the AI’s hand-over moved it to waiting first', async () => {
    const repos = opened.db.repos;
    const lifecycle = conversationLifecycle(repos.conversations, () => AT(200));
    const id = await conversation(200);
    const begun = (await repos.conversations.find(id))!;
    expect(begun.conversationStatus).toBeNull();
    // A resync started the answer for this first message: no AI, so it waits for a person — before the
    // message's own move, which names the agent of the visitor's previous conversation.
    expect(await lifecycle.personWanted(begun)).toMatchObject({ conversationStatus: 'waiting' });
    expect(await lifecycle.visitorWrote(begun, true, AGENT)).toMatchObject({ conversationStatus: 'assigned', assigneeId: AGENT, waitingSince: null });
    expect(await ids('mine')).toContain(id);
    expect(await ids('waiting')).not.toContain(id);
  });

  it('the AI’s hand-over of a returning visitor’s first message gives the conversation to their agent, whichever move runs first', async () => {
    const repos = opened.db.repos;
    const lifecycle = conversationLifecycle(repos.conversations, () => AT(210));
    const id = await conversation(210);
    const begun = (await repos.conversations.find(id))!;
    expect(begun.conversationStatus).toBeNull();
    // The hand-over runs first and names the previous agent: the conversation is theirs at once …
    expect(await lifecycle.personWanted(begun, AGENT)).toMatchObject({ conversationStatus: 'assigned', assigneeId: AGENT, waitingSince: null });
    // … and the message's own move, reading it after, leaves it so.
    const after = (await repos.conversations.find(id))!;
    expect(await lifecycle.visitorWrote(after, false, null)).toBeNull();
    expect(await ids('mine')).toContain(id);
    expect(await ids('waiting')).not.toContain(id);
    // A conversation under way that wants a person still waits, whoever had the visitor before.
    const other = await conversation(211);
    const open = (await lifecycle.visitorWrote((await repos.conversations.find(other))!, true, null))!;
    expect(open.conversationStatus).toBe('open');
    expect(await lifecycle.personWanted(open, AGENT)).toMatchObject({ conversationStatus: 'waiting' });
  });

  it('lists sessions by the state of their conversation, searched and page by page (the REST API’s conversations)', async () => {
    const { repos, appId } = { repos: opened.db.repos, appId: opened.appId };
    const activity = createActivityService(opened.db.activity);
    // Six sessions on pages only this test uses; one never chats, the others end in every state.
    const made: Record<string, string> = {};
    for (const [i, state] of ['none', 'open', 'waiting', 'assigned', 'resolved', 'open'].entries()) {
      const session = await repos.sessions.create({ appId, visitorId: `lister-${i}`, startedAt: AT(100 + i), landingUrl: `https://shop.example/filterbox/${i}`, userAgent: 'Contract', viewport: { width: 800, height: 600 } });
      made[`${state}-${i}`] = session.id;
      if (state === 'none') continue;
      await repos.messages.append({ appId, sessionId: session.id, visitorId: session.visitorId, role: 'visitor', text: 'hello', createdAt: AT(100 + i) });
      await repos.conversations.move(session.id, { from: [null], to: state === 'open' ? 'open' : 'waiting', at: AT(100 + i) });
      if (state === 'assigned') await repos.conversations.move(session.id, { from: ['waiting'], to: 'assigned', assigneeId: AGENT, at: AT(101 + i) });
      if (state === 'resolved') await repos.conversations.move(session.id, { from: ['waiting'], to: 'resolved', at: AT(101 + i) });
    }
    const listed = async (conversation: ConversationFilter, q = 'filterbox') => {
      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await activity.sessions(appId, { status: 'all', q, signal: undefined, conversation, cursor, limit: 2 });
        pages.push(page.items.map((row) => row.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor && pages.length < 10);
      return pages.flat();
    };
    // Newest session first, every page joined, each once. (The embedded read model writes a new session's
    // search lists a moment later, after ingest: polled until they are there.)
    await expect.poll(() => listed('all'), { timeout: 10_000 }).toEqual([made['open-5'], made['resolved-4'], made['assigned-3'], made['waiting-2'], made['open-1']]);
    expect(await listed('open')).toEqual([made['open-5'], made['assigned-3'], made['waiting-2'], made['open-1']]);
    expect(await listed('waiting')).toEqual([made['waiting-2']]);
    expect(await listed('resolved')).toEqual([made['resolved-4']]);
    // The search narrows within the state: one landing page.
    expect(await listed('all', 'filterbox/3')).toEqual([made['assigned-3']]);
    expect(await listed('resolved', 'filterbox/3')).toEqual([]);
  });
});
