import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { ActivityChart } from './activity-chart.js';
import './activity-chart.js';
import { bucketLabel } from './activity-chart.js';
import { chartBuckets } from './fixtures.test-data.js';

describe('activity-chart', () => {
  it('draws sessions as bars and prompts as a line, one point per bucket, labelled by day', async () => {
    const el = await fixture<ActivityChart>(html`<activity-chart range="7d" .chart=${chartBuckets([0, 1, 2, 0, 5, 3, 4], [1, 0, 4, 0, 9, 2, 6])}></activity-chart>`);
    const chart = el.chartInstance!;
    expect(chart.data.labels).to.deep.equal(['Nov 16', 'Nov 17', 'Nov 18', 'Nov 19', 'Nov 20', 'Nov 21', 'Nov 22']);
    expect(chart.data.datasets.map((d) => [d.label, (d as { type?: string }).type, d.data])).to.deep.equal([
      ['Sessions', 'bar', [0, 1, 2, 0, 5, 3, 4]],
      ['Prompts', 'line', [1, 0, 4, 0, 9, 2, 6]],
    ]);
    const canvas = el.shadowRoot!.querySelector('canvas')!;
    expect(canvas.width).to.be.greaterThan(0);
    // The same numbers, readable without the canvas.
    const cells = [...el.shadowRoot!.querySelectorAll('tr[data-key="2026-11-20"] td')].map((td) => td.textContent);
    expect(cells).to.deep.equal(['Nov 20', '5', '9']);
  });

  it('redraws in place when new buckets arrive (a new session shows up)', async () => {
    const el = await fixture<ActivityChart>(html`<activity-chart .chart=${chartBuckets([0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0])}></activity-chart>`);
    const first = el.chartInstance;
    el.chart = chartBuckets([0, 0, 0, 0, 0, 0, 2], [0, 0, 0, 0, 0, 0, 1]);
    await el.updateComplete;
    expect(el.chartInstance).to.equal(first);
    expect(el.chartInstance!.data.datasets[0].data).to.deep.equal([0, 0, 0, 0, 0, 0, 2]);
    expect(el.chartInstance!.data.datasets[1].data).to.deep.equal([0, 0, 0, 0, 0, 0, 1]);
  });

  it('offers 24 h / 7 days / 30 days and tells which range was picked', async () => {
    const el = await fixture<ActivityChart>(html`<activity-chart range="24h"></activity-chart>`);
    const tabs = el.shadowRoot!.querySelector('filter-tabs')!;
    const buttons = [...tabs.shadowRoot!.querySelectorAll('button')];
    expect(buttons.map((b) => b.textContent!.trim())).to.deep.equal(['24 h', '7 days', '30 days']);
    const picked = oneEvent(el, 'range-change');
    buttons[2].click();
    expect((await picked).detail).to.deep.equal({ value: '30d' });
  });

  it('labels hourly buckets with the hour in local time', () => {
    const expected = new Date('2026-11-22T21:00:00Z').toLocaleTimeString('en', { hour: '2-digit', minute: '2-digit', hour12: false });
    expect(bucketLabel('2026-11-22T21', 'hour')).to.equal(expected);
  });
});
