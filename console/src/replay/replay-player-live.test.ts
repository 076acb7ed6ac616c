import { expect, waitUntil } from '@open-wc/testing';
import type { RecordedEvent } from '../../../server/src/protocol/recording-events.js';
import { ReplayPlayer } from './replay-player.js';

/** The page as a snapshot taken `ageMs` ago: Meta, then a full snapshot of one line of text (node 4). */
function snapshotEvents(ageMs: number): RecordedEvent[] {
  const at = Date.now() - ageMs;
  const node = (id: number, tagName: string, childNodes: unknown[]) => ({ type: 2, tagName, attributes: {}, childNodes, id });
  return [
    { type: 4, timestamp: at, data: { href: 'http://demo.test/', width: 800, height: 600 } },
    {
      type: 2,
      timestamp: at + 5,
      data: { node: { type: 0, id: 1, childNodes: [node(2, 'html', [node(3, 'body', [{ type: 3, textContent: 'Hello', id: 4 }])])] }, initialOffset: { left: 0, top: 0 } },
    },
  ];
}

const textChange = (value: string): RecordedEvent => ({ type: 3, timestamp: Date.now(), data: { source: 0, texts: [{ id: 4, value }], attributes: [], removes: [], adds: [] } });

describe('live replay', () => {
  let stage: HTMLElement;
  let player: ReplayPlayer;
  beforeEach(() => {
    stage = document.createElement('div');
    document.body.append(stage);
  });
  afterEach(() => {
    player.destroy();
    stage.remove();
  });

  const shownText = () => stage.querySelector('iframe')?.contentDocument?.body?.textContent ?? '';

  it('plays a change as it comes, however old the snapshot it started from', async () => {
    // The snapshot is 10 s old (it took that long to arrive and load). Anchored at the snapshot, as
    // rrweb does once its player is playing, every later change would show 10 s late.
    player = new ReplayPlayer(stage, snapshotEvents(10_000), { appId: 'app1', width: 800, height: 400, live: true });
    player.startLive(Date.now() - 100);
    await waitUntil(() => shownText() === 'Hello', 'the snapshot is drawn', { timeout: 3_000 });
    player.addEvents([textChange('Live now')]);
    await waitUntil(() => shownText() === 'Live now', 'the change is shown', { timeout: 3_000 });
    expect(shownText()).to.equal('Live now');
  });

  it('goes on showing changes after one that came late (older than the live clock)', async () => {
    player = new ReplayPlayer(stage, snapshotEvents(2_000), { appId: 'app1', width: 800, height: 400, live: true });
    player.startLive(Date.now());
    await waitUntil(() => shownText() === 'Hello', 'the snapshot is drawn', { timeout: 3_000 });
    // A batch that arrived late, or was read back from the database: its change is in the past.
    player.addEvents([{ ...textChange('Late'), timestamp: Date.now() - 1_000 }]);
    await waitUntil(() => shownText() === 'Late', 'the late change is shown', { timeout: 3_000 });
    player.addEvents([textChange('Live now')]);
    await waitUntil(() => shownText() === 'Live now', 'the next change is shown', { timeout: 3_000 });
    expect(shownText()).to.equal('Live now');
  });
});
