import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { readyInsights, RECORDING_START_TS } from '../insights/insights-fixtures.test-data.js';
import type { InsightsPanel } from './insights-panel.js';
import './insights-panel.js';

const root = (el: InsightsPanel) => el.shadowRoot!;

describe('insights-panel', () => {
  it('shows the summary with its source, each [mm:ss] a link that seeks to that offset from the recording start', async () => {
    const el = await fixture<InsightsPanel>(html`<insights-panel .insights=${readyInsights()}></insights-panel>`);
    expect(root(el).querySelector('.source')!.textContent).to.equal('Automatic summary');
    const paragraphs = [...root(el).querySelectorAll('.summary-text p')].map((p) => p.textContent);
    expect(paragraphs).to.deep.equal([
      'The visitor tried to apply a coupon [00:12] and clicked it again and again.',
      'At [1:05] tracking the order failed with an error.',
      'They left.',
    ]);
    const links = [...root(el).querySelectorAll<HTMLButtonElement>('button.timestamp')];
    expect(links.map((link) => link.textContent)).to.deep.equal(['[00:12]', '[1:05]']);
    expect(links[1].title).to.equal('Jump to 1:05');

    let seek = oneEvent(el, 'insight-seek');
    links[0].click();
    expect((await seek).detail).to.deep.equal({ ts: RECORDING_START_TS + 12_000 });
    seek = oneEvent(el, 'insight-seek');
    links[1].click();
    expect((await seek).detail).to.deep.equal({ ts: RECORDING_START_TS + 65_000 });
  });

  it('counts summary offsets from the player start when no signal or timeline entry tells the recording start', async () => {
    const insights = readyInsights({ signals: [], timeline: [], summary: { text: 'Browsed [0:30].', source: 'ai', generatedAt: '2026-11-22T12:00:00.000Z' } });
    const el = await fixture<InsightsPanel>(html`<insights-panel .insights=${insights} .startTs=${1000}></insights-panel>`);
    expect(root(el).querySelector('.source')!.textContent).to.equal('AI summary');
    expect(root(el).textContent).to.contain('No frustration signals in this session.');
    const seek = oneEvent(el, 'insight-seek');
    root(el).querySelector<HTMLButtonElement>('button.timestamp')!.click();
    expect((await seek).detail).to.deep.equal({ ts: 31_000 });
  });

  it('says where a recording too large to read whole was cut, beside the summary', async () => {
    const note = 'The recording was cut at [04:16] because it exceeded 256 MB; the rest was not analysed.';
    const el = await fixture<InsightsPanel>(html`<insights-panel .insights=${readyInsights({ note })}></insights-panel>`);
    expect(root(el).querySelector('.note')!.textContent).to.equal(note);
    const plain = await fixture<InsightsPanel>(html`<insights-panel .insights=${readyInsights()}></insights-panel>`);
    expect(root(plain).querySelector('.note')).to.equal(null);
  });

  it('lists the signals in time order, as text, each seeking to its moment', async () => {
    const el = await fixture<InsightsPanel>(html`<insights-panel .insights=${readyInsights()}></insights-panel>`);
    const items = [...root(el).querySelectorAll<HTMLLIElement>('.signals li')];
    expect(items.map((li) => li.dataset.signal)).to.deep.equal(['rage_click', 'dead_click', 'js_error']);
    expect(items[0].querySelector('.kind')!.textContent).to.equal('Rage click');
    expect(items[0].querySelector('.label')!.textContent).to.equal('4 clicks on “Apply coupon”');
    expect(items[2].querySelector('.at')!.textContent).to.equal('1:05');
    expect(items[2].querySelector('.label')!.textContent).to.equal('TypeError: <b>order</b> is null');
    expect(root(el).querySelector('b')).to.equal(null);
    expect(root(el).querySelector('h2:nth-of-type(2)')!.textContent).to.equal('Signals (3)');

    const seek = oneEvent(el, 'insight-seek');
    items[2].querySelector('button')!.click();
    expect((await seek).detail).to.deep.equal({ ts: RECORDING_START_TS + 65_000 });
  });

  it('asks for a new summary with "Regenerate summary", and shows it is working meanwhile', async () => {
    const el = await fixture<InsightsPanel>(html`<insights-panel .insights=${readyInsights()}></insights-panel>`);
    const button = () => [...root(el).querySelectorAll('button.action')].find((b) => /Regenerat/.test(b.textContent!)) as HTMLButtonElement;
    const asked = oneEvent(el, 'insights-recompute');
    button().click();
    expect((await asked).detail).to.deep.equal({ regenerateSummary: true });
    el.busy = 'regenerate';
    await el.updateComplete;
    expect(button().textContent!.trim()).to.equal('Regenerating…');
    expect(button().disabled).to.equal(true);
  });

  it('says what is happening before insights are ready: live, pending, not analysed (with a button), failed', async () => {
    const el = await fixture<InsightsPanel>(html`<insights-panel live .insights=${readyInsights({ status: 'none', signals: [], summary: null })}></insights-panel>`);
    expect(root(el).textContent).to.contain('Signals and a summary come when the session ends.');
    el.live = false;
    el.insights = readyInsights({ status: 'pending' });
    await el.updateComplete;
    expect(root(el).querySelector('[role="status"]')!.textContent).to.equal('Analysing the session…');
    expect(root(el).querySelector('.signals')).to.equal(null);
    el.insights = readyInsights({ status: 'none', signals: [], summary: null });
    await el.updateComplete;
    const asked = oneEvent(el, 'insights-recompute');
    root(el).querySelector<HTMLButtonElement>('button.action')!.click();
    expect((await asked).detail).to.deep.equal({ regenerateSummary: false });
    el.insights = readyInsights({ status: 'failed', note: 'The analysis was stopped: the recording took longer than 20 s to read.' });
    el.error = 'The server said no.';
    await el.updateComplete;
    expect(root(el).textContent).to.contain('The analysis failed.');
    expect(root(el).querySelector('.note')!.textContent).to.equal('The analysis was stopped: the recording took longer than 20 s to read.');
    expect(root(el).querySelector('[role="alert"]')!.textContent).to.equal('The server said no.');
  });
});
