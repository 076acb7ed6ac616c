import { expect } from '@open-wc/testing';
import type { RecordedEvent } from '../../../server/src/protocol/recording-events.js';
import { ReplayPlayer } from './replay-player.js';
import { markerEvent, PAGE_TAG_PREFIX, signalMarkers } from './timeline-markers.js';

/** A tiny recording: Meta, a full snapshot of a one-line page, then mouse moves up to 20 s. */
const START_TS = Date.parse('2026-11-22T11:55:00.000Z');
const RECORDING_MS = 20_000;
const node = (id: number, tagName: string, childNodes: unknown[]) => ({ type: 2, tagName, attributes: {}, childNodes, id });
const EVENTS: RecordedEvent[] = [
  { type: 4, timestamp: START_TS, data: { href: 'http://demo.test/', width: 800, height: 600 } },
  {
    type: 2,
    timestamp: START_TS + 5,
    data: { node: { type: 0, id: 1, childNodes: [node(2, 'html', [node(3, 'body', [{ type: 3, textContent: 'Hello', id: 4 }])])] }, initialOffset: { left: 0, top: 0 } },
  },
  ...[5000, 10_000, 15_000, RECORDING_MS].map((at) => ({ type: 3, timestamp: START_TS + at, data: { source: 1, positions: [{ x: at / 100, y: 10, id: 3, timeOffset: 0 }] } })),
];

describe('replay timeline markers for signals', () => {
  let stage: HTMLElement;
  let player: ReplayPlayer;
  before(async () => {
    // The console links rrweb-player's stylesheet the same way; the timeline's layout depends on it.
    const link = Object.assign(document.createElement('link'), { rel: 'stylesheet', href: '/node_modules/rrweb-player/dist/style.css' });
    const loaded = new Promise((resolve, reject) => {
      link.addEventListener('load', resolve);
      link.addEventListener('error', () => reject(new Error('rrweb-player.css did not load')));
    });
    document.head.append(link);
    await loaded;
  });
  beforeEach(() => {
    stage = document.createElement('div');
    document.body.append(stage);
    player = new ReplayPlayer(stage, EVENTS, { appId: 'app1', width: 800, height: 400, live: false });
  });
  afterEach(() => {
    player.destroy();
    stage.remove();
  });

  /** rrweb-player draws markers and reports the playhead on its next update. */
  const playerUpdated = () => new Promise((resolve) => setTimeout(resolve, 50));
  const markerElement = (prefix: string) =>
    [...stage.querySelectorAll<HTMLElement>('.rr-progress [title]')].find((element) => element.title.startsWith(prefix))!;
  const clickAt = (element: HTMLElement, dx = 0) => {
    const box = element.getBoundingClientRect();
    element.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, clientX: box.left + box.width / 2 + dx, clientY: box.top + box.height / 2 }));
  };

  it('draws each signal as a marker coloured by its kind, named by its label', async () => {
    player.addMarkers(signalMarkers([{ type: 'rage_click', ts: START_TS + 12_345, offsetMs: 12_345, label: '4 clicks on “Apply coupon”' }]));
    await playerUpdated();
    const marker = markerElement('Signal: ');
    expect(marker.title).to.equal('Signal: Rage click — 4 clicks on “Apply coupon”');
    expect(getComputedStyle(marker).backgroundColor).to.equal('rgb(220, 38, 38)');
  });

  it('seeks exactly to the moment of the clicked marker, even when the click lands a few pixels off', async () => {
    player.addMarkers(signalMarkers([{ type: 'js_error', ts: START_TS + 12_345, offsetMs: 12_345, label: 'TypeError' }]));
    await playerUpdated();
    clickAt(markerElement('Signal: JS error'), 3);
    await playerUpdated();
    expect(player.currentTime()).to.equal(12_345);
  });

  it('picks, among markers with the same name, the one where the click landed', async () => {
    const page = `${PAGE_TAG_PREFIX}http://demo.test/`;
    player.addMarkers([markerEvent(page, START_TS + 4000), markerEvent(page, START_TS + 16_000)]);
    await playerUpdated();
    const [, second] = [...stage.querySelectorAll<HTMLElement>('.rr-progress [title]')].filter((element) => element.title === page);
    expect(getComputedStyle(second).backgroundColor).to.equal('rgb(14, 165, 233)'); // MARKER_COLOURS.page
    clickAt(second);
    await playerUpdated();
    expect(player.currentTime()).to.equal(16_000);
  });

  it('leaves a click on the bar itself to the player (seek to the clicked spot)', async () => {
    const bar = stage.querySelector<HTMLElement>('.rr-progress')!;
    const box = bar.getBoundingClientRect();
    bar.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: box.left + box.width / 2, clientY: box.top + box.height / 2 }));
    await playerUpdated();
    expect(Math.abs(player.currentTime() - RECORDING_MS / 2)).to.be.below(RECORDING_MS / 50);
  });
});
