import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { CONSOLE_TAG, customEvent, NETWORK_TAG } from '../../../server/src/protocol/recording-events.js';
import { DevtoolsLog } from './devtools-log.js';
import type { DevtoolsPanel } from './devtools-panel.js';
import './devtools-panel.js';

const START = 1_700_000_000_000;

function sampleLog(): DevtoolsLog {
  const log = new DevtoolsLog();
  log.take([
    customEvent(CONSOLE_TAG, { level: 'log', text: 'Added to basket: <b>Pothos</b>' }, START + 1_000),
    customEvent(CONSOLE_TAG, { level: 'warn', text: 'Slow image' }, START + 2_000),
    customEvent(CONSOLE_TAG, { level: 'error', text: 'Delivery check failed: 503' }, START + 3_000),
    customEvent(NETWORK_TAG, { initiator: 'fetch', method: 'GET', url: 'https://shop.example.com/api/stock?plant=*', status: 200, durationMs: 80, sizeBytes: 2048 }, START + 1_500),
    customEvent(NETWORK_TAG, { initiator: 'fetch', method: 'POST', url: 'https://shop.example.com/api/delivery', status: 503, durationMs: 120, sizeBytes: null }, START + 2_900),
  ]);
  return log;
}

const rows = (el: DevtoolsPanel) => [...el.shadowRoot!.querySelectorAll<HTMLLIElement>('li')];
const texts = (el: DevtoolsPanel, cell: string) => rows(el).map((row) => row.querySelector(cell)!.textContent);
const current = (el: DevtoolsPanel) => el.shadowRoot!.querySelector('li[aria-current="true"]');

describe('devtools-panel', () => {
  it('lists the console messages as text, filters them by level, and seeks to a row', async () => {
    const log = sampleLog();
    const el = await fixture<DevtoolsPanel>(html`<devtools-panel .log=${log} .version=${log.version} .startTs=${START}></devtools-panel>`);
    expect(texts(el, '.text')).to.deep.equal(['Added to basket: <b>Pothos</b>', 'Slow image', 'Delivery check failed: 503']);
    expect(el.shadowRoot!.querySelector('b')).to.equal(null);
    expect(texts(el, 'time')).to.deep.equal(['0:01', '0:02', '0:03']);
    const level = el.shadowRoot!.querySelector('select')!;
    level.value = 'error';
    level.dispatchEvent(new Event('change'));
    await el.updateComplete;
    expect(texts(el, '.text')).to.deep.equal(['Delivery check failed: 503']);

    const seek = oneEvent(el, 'devtools-seek');
    rows(el)[0].querySelector('button')!.click();
    expect((await seek).detail).to.deep.equal({ ts: START + 3_000 });
  });

  it('lists requests with their status, duration and size, and filters to the failed ones', async () => {
    const log = sampleLog();
    const el = await fixture<DevtoolsPanel>(html`<devtools-panel tab="network" .log=${log} .version=${log.version} .startTs=${START}></devtools-panel>`);
    expect(texts(el, '.url')).to.deep.equal(['/api/stock?plant=*', '/api/delivery']);
    expect(texts(el, '.status')).to.deep.equal(['200', '503']);
    expect(texts(el, '.size')).to.deep.equal(['2.0 kB', '']);
    expect(rows(el).map((row) => row.dataset.failed)).to.deep.equal(['false', 'true']);
    const failedOnly = el.shadowRoot!.querySelector<HTMLInputElement>('input[type="checkbox"]')!;
    failedOnly.click();
    await el.updateComplete;
    expect(texts(el, '.url')).to.deep.equal(['/api/delivery']);
  });

  it('marks the row at the playhead, and follows it', async () => {
    const log = sampleLog();
    const el = await fixture<DevtoolsPanel>(html`<devtools-panel .log=${log} .version=${log.version} .startTs=${START}></devtools-panel>`);
    expect(current(el)).to.equal(null);
    el.playheadTs = START + 2_500;
    expect(current(el)!.querySelector('.text')!.textContent).to.equal('Slow image');
    el.playheadTs = START + 10_000;
    expect(current(el)!.querySelector('.text')!.textContent).to.equal('Delivery check failed: 503');
    el.playheadTs = START;
    expect(current(el)).to.equal(null);
  });

  it('says when nothing was recorded, and while live marks the newest row and does not seek', async () => {
    const empty = new DevtoolsLog();
    const quiet = await fixture<DevtoolsPanel>(html`<devtools-panel .log=${empty} .version=${empty.version}></devtools-panel>`);
    expect(quiet.shadowRoot!.textContent).to.contain('Console capture may be off for this application');
    const log = sampleLog();
    const live = await fixture<DevtoolsPanel>(html`<devtools-panel .log=${log} .version=${log.version} live></devtools-panel>`);
    live.playheadTs = 0;
    expect(current(live)!.querySelector('.text')!.textContent).to.equal('Delivery check failed: 503');
    expect(rows(live).every((row) => row.querySelector('button')!.disabled)).to.equal(true);
  });
});
