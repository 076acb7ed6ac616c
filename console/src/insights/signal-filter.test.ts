import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { activityApi } from '../activity/activity-api.js';
import type { SignalFilter } from './signal-filter.js';
import './signal-filter.js';

describe('signal-filter', () => {
  it('offers every kind of signal and tells which one the user picked', async () => {
    const el = await fixture<SignalFilter>(html`<signal-filter></signal-filter>`);
    const select = el.shadowRoot!.querySelector('select')!;
    expect([...select.options].map((o) => o.value)).to.deep.equal(['', 'rage_click', 'dead_click', 'error_click', 'js_error', 'hesitation', 'form_abandonment', 'handoff_requested']);
    expect(select.options[0].textContent).to.equal('Any session');
    expect(el.shadowRoot!.querySelector('label')!.textContent).to.contain('Signal');

    const picked = oneEvent(el, 'signal-change');
    select.value = 'rage_click';
    select.dispatchEvent(new Event('change'));
    expect((await picked).detail).to.deep.equal({ value: 'rage_click' });
    expect(el.value).to.equal('rage_click');

    const cleared = oneEvent(el, 'signal-change');
    select.value = '';
    select.dispatchEvent(new Event('change'));
    expect((await cleared).detail).to.deep.equal({ value: '' });
  });

  it('shows the value it is given', async () => {
    const el = await fixture<SignalFilter>(html`<signal-filter value="error_click"></signal-filter>`);
    expect(el.shadowRoot!.querySelector('select')!.value).to.equal('error_click');
  });

  describe('the list requests', () => {
    const realFetch = window.fetch;
    let urls: string[] = [];
    beforeEach(() => {
      urls = [];
      window.fetch = async (input: RequestInfo | URL) => {
        urls.push(String(input));
        return new Response(JSON.stringify({ data: { items: [], nextCursor: null } }), { headers: { 'content-type': 'application/json' } });
      };
    });
    afterEach(() => (window.fetch = realFetch));

    it('send the picked signal as `signal=<type>`, and nothing when any session will do', async () => {
      await activityApi.sessions('app1', { status: 'all', q: '', signal: 'rage_click', limit: 25 });
      await activityApi.feed('app1', { filter: 'sessions', signal: 'js_error' });
      await activityApi.sessions('app1', { status: 'completed', signal: '' });
      expect(urls).to.deep.equal([
        '/api/apps/app1/sessions?status=all&signal=rage_click&limit=25',
        '/api/apps/app1/activity?filter=sessions&signal=js_error',
        '/api/apps/app1/sessions?status=completed',
      ]);
    });
  });
});
