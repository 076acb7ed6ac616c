import { expect, waitUntil } from '@open-wc/testing';
import type { RecordedEvent } from '../../../server/src/protocol/recording-events.js';
import { ReplayPlayer } from './replay-player.js';

/**
 * The replay as the visitor saw it (issue 19), through the real player: focus, hover inside shadow
 * roots, entrance animations after a seek, and the page's fonts from Chatreel's origin. Recordings
 * are written by hand in rrweb's format, as the widget's recorder makes them.
 */

const START_TS = Date.parse('2026-11-30T10:00:00.000Z');
const SHA = 'a'.repeat(64);
let nextId = 1;
const el = (tagName: string, attributes: Record<string, unknown> = {}, childNodes: unknown[] = [], extra: Record<string, unknown> = {}) => ({
  type: 2,
  tagName,
  attributes,
  childNodes,
  id: nextId++,
  ...extra,
});
const text = (textContent: string) => ({ type: 3, textContent, id: nextId++ });

/** Meta and a full snapshot of `<html><head>{head}</head>{body}</html>`, at START_TS. */
function page(head: unknown[], body: unknown[] | { id: number }): RecordedEvent[] {
  const bodyNode = Array.isArray(body) ? el('body', { style: 'margin: 0' }, body) : body;
  const doc = { type: 0, id: nextId++, childNodes: [el('html', {}, [el('head', {}, head), bodyNode])] };
  return [
    { type: 4, timestamp: START_TS, data: { href: 'http://site.test/', width: 800, height: 600 } },
    { type: 2, timestamp: START_TS + 1, data: { node: doc, initialOffset: { left: 0, top: 0 } } },
  ];
}
const at = (ms: number, type: number, data: unknown): RecordedEvent => ({ type, timestamp: START_TS + ms, data });
const custom = (ms: number, tag: string, payload: unknown) => at(ms, 5, { tag, payload });

describe('replay fidelity', () => {
  let stage: HTMLElement;
  let player: ReplayPlayer | undefined;
  beforeEach(() => {
    stage = document.createElement('div');
    document.body.append(stage);
  });
  afterEach(() => {
    player?.destroy();
    player = undefined;
    stage.remove();
  });

  const frameDoc = () => stage.querySelector('iframe')!.contentDocument!;
  const open = async (events: RecordedEvent[]) => {
    player = new ReplayPlayer(stage, events, { appId: 'app1', width: 800, height: 600, live: false });
    await waitUntil(() => frameDoc()?.body, 'the page is rebuilt', { timeout: 3_000 });
    return player;
  };
  /** Seeks (paused) and lets the player apply what it does after a seek. */
  const seek = async (ms: number) => {
    player!.seek(ms);
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50)));
  };

  it('shows the visitor’s focus with the page’s :focus, :focus-visible and :focus-within styles, without taking real focus', async () => {
    const field = el('input', { type: 'text', name: 'email' });
    const form = el('form', { class: 'signup' }, [field]);
    const css = 'input:focus { outline: 3px solid rgb(255, 0, 0); } input:focus-visible { background-color: rgb(0, 0, 255); } form:focus-within { border: 4px solid rgb(0, 128, 0); }';
    const events = [
      ...page([el('style', { _cssText: css })], [form]),
      custom(1_000, 'chatreel/focus', { id: field.id, visible: true }),
      custom(2_000, 'chatreel/focus', { id: null, visible: false }),
      at(3_000, 3, { source: 1, positions: [{ x: 1, y: 1, id: form.id, timeOffset: 0 }] }),
    ];
    const console = Object.assign(document.createElement('button'), { textContent: 'the viewer’s focus' });
    document.body.append(console);
    console.focus();
    await open(events);
    await seek(1_500);
    const input = frameDoc().querySelector('input')!;
    const style = () => getComputedStyle(input);
    expect([...input.classList]).to.deep.equal([':focus', ':focus-visible', ':focus-within']);
    expect(style().outlineColor).to.equal('rgb(255, 0, 0)');
    expect(style().backgroundColor).to.equal('rgb(0, 0, 255)');
    expect(getComputedStyle(frameDoc().querySelector('form')!).borderTopColor).to.equal('rgb(0, 128, 0)');
    // The frame never has real focus, and the console keeps its own.
    expect(frameDoc().activeElement).to.equal(frameDoc().body);
    expect(document.activeElement).to.equal(console);
    // The timeline shows no marker for it.
    expect(stage.querySelectorAll('.rr-progress [title]').length).to.equal(0);

    await seek(2_500);
    expect(input.classList.length).to.equal(0);
    expect(style().outlineStyle).to.equal('none');
    console.remove();
  });

  it('shows hover inside shadow roots: rules of adopted style sheets, and the host’s :host(:hover)', async () => {
    const button = el('button', { class: 'card' }, [text('Buy')], { isShadow: true });
    const host = el('shop-card', {}, [button], { isShadowHost: true });
    const elsewhere = el('div', { style: 'height: 300px' });
    const adopted = {
      source: 15,
      id: host.id,
      styleIds: [1],
      styles: [
        {
          styleId: 1,
          rules: [
            { rule: '.card { background-color: rgb(200, 200, 200); width: 200px; height: 50px; }', index: 0 },
            { rule: '.card:hover { background-color: rgb(0, 128, 0); }', index: 1 },
            { rule: ':host(:hover) { display: block; outline: 2px solid rgb(255, 165, 0); }', index: 2 },
          ],
        },
      ],
    };
    await open([
      ...page([], [host, elsewhere]),
      at(10, 3, adopted),
      at(1_000, 3, { source: 1, positions: [{ x: 20, y: 20, id: button.id, timeOffset: 0 }] }),
      at(2_000, 3, { source: 1, positions: [{ x: 400, y: 200, id: elsewhere.id, timeOffset: 0 }] }),
      at(3_000, 3, { source: 1, positions: [{ x: 410, y: 200, id: elsewhere.id, timeOffset: 0 }] }),
    ]);
    await seek(1_500);
    const card = frameDoc().querySelector('shop-card')!;
    const inner = card.shadowRoot!.querySelector('.card')!;
    expect(getComputedStyle(inner).backgroundColor).to.equal('rgb(0, 128, 0)');
    expect(getComputedStyle(card).outlineColor).to.equal('rgb(255, 165, 0)');
    expect(frameDoc().body.classList.contains(':hover')).to.equal(true);

    // Away from the card: neither it nor its host look hovered any more.
    await seek(2_500);
    expect(getComputedStyle(inner).backgroundColor).to.equal('rgb(200, 200, 200)');
    expect(getComputedStyle(card).outlineStyle).to.equal('none');
  });

  it('shows entrance animations at their end after a seek, and plays them while playing', async () => {
    const css = '@keyframes enter { from { opacity: 0; } to { opacity: 1; } } .enter { animation: enter 1.5s both; } @keyframes spin { to { transform: rotate(360deg); } } .spin { animation: spin 1s linear infinite; }';
    const body = el('body', {}, [el('h1', { class: 'enter' }, [text('Welcome')]), el('i', { class: 'spin' })]);
    const events = [
      ...page([el('style', { _cssText: css })], body),
      at(2_000, 3, { source: 0, texts: [], attributes: [], removes: [], adds: [{ parentId: body.id, nextId: null, node: el('p', { class: 'enter' }, [text('Later')]) }] }),
      at(6_000, 3, { source: 1, positions: [{ x: 1, y: 1, id: body.id, timeOffset: 0 }] }),
    ];
    await open(events);
    await seek(1_000);
    const heading = frameDoc().querySelector('h1')!;
    expect(getComputedStyle(heading).opacity).to.equal('1');
    // At its end (held there while paused); an endless animation is left as it is (it has no end to show).
    const states = frameDoc()
      .getAnimations()
      .map((animation) => `${(animation as CSSAnimation).animationName} at ${animation.currentTime}`);
    expect(states).to.deep.equal(['enter at 1500', 'spin at 0']);

    // Playing on: the paragraph the page adds later enters as the visitor saw it, animated.
    player!.toggle();
    await waitUntil(() => frameDoc().querySelector('p'), 'the paragraph is added', { timeout: 5_000 });
    const paragraph = frameDoc().querySelector('p')!;
    const entering = paragraph.getAnimations()[0];
    expect(entering?.playState).to.equal('running');
    expect(Number(getComputedStyle(paragraph).opacity)).to.be.lessThan(1);
    player!.toggle();
    await seek(2_100);
    expect(getComputedStyle(frameDoc().querySelector('p')!).opacity).to.equal('1');
  });

  it('shows every option the visitor chose in a multiple select (rrweb’s value names one)', async () => {
    const options = ['Design', 'Engineering', 'Research'].map((name) => el('option', {}, [text(name)]));
    const select = el('select', { multiple: '', size: '3' }, options);
    await open([
      ...page([], [select]),
      at(1_000, 3, { source: 5, text: 'Design', isChecked: false, id: select.id }),
      custom(1_001, 'chatreel/options', { id: select.id, selected: [options[0].id, options[2].id] }),
      custom(2_000, 'chatreel/options', { id: select.id, selected: ['not an id'] }),
      at(3_000, 3, { source: 1, positions: [{ x: 1, y: 1, id: select.id, timeOffset: 0 }] }),
    ]);
    await seek(2_500);
    const chosen = () => Array.from(frameDoc().querySelector('select')!.selectedOptions, (option) => option.textContent);
    expect(chosen()).to.deep.equal(['Design', 'Research']);
    expect(stage.querySelectorAll('.rr-progress [title]').length).to.equal(0);
  });

  it('declares the page’s stored fonts last, loaded from Chatreel’s origin; anything else in the fonts event is dropped', async () => {
    const face = { family: 'Site Serif', style: 'normal', weight: '400 700', stretch: 'normal', unicodeRange: 'U+0-FF', url: 'https://site.test/f.woff2', sha256: SHA };
    const hostile = [
      { ...face, family: 'Evil"; } body { background: url(https://tracker.test/x) } @font-face { font-family: "x' },
      { ...face, weight: 'bold; src: url(https://tracker.test/y)' },
      { ...face, sha256: '../../../api/auth/logout' },
      { ...face, unicodeRange: 'U+0-FF } body { color: red' },
    ];
    const paragraph = el('p', {}, [text('Text')]);
    await open([
      ...page([el('style', { _cssText: '@font-face { font-family: "Site Serif"; src: url("https://site.test/f.woff2"); }' })], [paragraph]),
      custom(500, 'chatreel/fonts', { fonts: [face, ...hostile] }),
      at(2_000, 3, { source: 0, texts: [], removes: [], adds: [], attributes: [{ id: paragraph.id, attributes: { hidden: '' } }] }),
      at(3_000, 3, { source: 1, positions: [{ x: 1, y: 1, id: paragraph.id, timeOffset: 0 }] }),
    ]);
    await seek(1_000);
    // In a sheet the replay's document adopts (after all of its own), never an element the player would meet.
    expect(frameDoc().querySelectorAll('style').length).to.equal(2); // the recorded one and rrweb's own
    const sheet = frameDoc().adoptedStyleSheets.at(-1)!;
    const rules = [...sheet.cssRules] as CSSFontFaceRule[];
    expect(rules.map((rule) => rule.style.getPropertyValue('font-family'))).to.deep.equal(['"Site Serif"', '"Evil\\"; } body { background: url(https://tracker.test/x) } @font-face { font-family: \\"x"']);
    for (const rule of rules) expect(rule.style.getPropertyValue('src')).to.equal(`url("${location.origin}/api/apps/app1/fonts/${SHA}")`);
    expect(rules[0].style.getPropertyValue('font-weight')).to.equal('400 700');
    expect(rules[0].style.getPropertyValue('unicode-range')).to.equal('U+0-FF');
    // The event is not the player's: no marker.
    expect(stage.querySelectorAll('.rr-progress [title]').length).to.equal(0);
    // The player still brings the page up to date after a seek (it meets no node it does not know).
    await seek(2_500);
    expect(frameDoc().querySelector('p')!.hidden).to.equal(true);
  });
});
