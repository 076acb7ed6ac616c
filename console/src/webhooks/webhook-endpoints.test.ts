import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { WebhookDeliveryView, WebhookEndpointView } from '../../../server/src/protocol/webhooks.js';
import type { WebhookEndpoints } from './webhook-endpoints.js';
import './webhook-endpoints.js';

/**
 * Settings → Webhooks driven through its controls, against a stand-in for the server's REST API that
 * keeps the endpoints and records every request the element makes.
 */
const APP = 'app1';
const endpoint = (id: string, fields: Partial<WebhookEndpointView> = {}): WebhookEndpointView => ({
  id,
  url: `https://hooks.example/${id}`,
  events: ['message.created'],
  enabled: true,
  disabledReason: null,
  disabledAt: null,
  allowPrivateAddresses: false,
  consecutiveFailures: 0,
  createdAt: '2026-11-30T10:00:00.000Z',
  ...fields,
});
const delivery = (id: string, fields: Partial<WebhookDeliveryView>): WebhookDeliveryView => ({
  id,
  event: 'message.created',
  status: 'delivered',
  attempts: 1,
  lastStatusCode: 200,
  lastResponse: 'ok',
  createdAt: '2026-11-30T10:00:00.000Z',
  lastAttemptAt: '2026-11-30T10:00:01.000Z',
  nextAttemptAt: null,
  ...fields,
});

describe('webhook-endpoints', () => {
  const realFetch = window.fetch;
  let requests: Array<{ method: string; url: string; body: any }>;
  let endpoints: WebhookEndpointView[];
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  beforeEach(() => {
    requests = [];
    endpoints = [
      endpoint('we_ok'),
      endpoint('we_down', { enabled: false, disabledAt: '2026-11-30T09:00:00.000Z', disabledReason: 'Disabled after 20 failed deliveries in a row over more than 12 hours.', consecutiveFailures: 20 }),
    ];
    window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      const method = init?.method ?? 'GET';
      const body = init?.body ? JSON.parse(String(init.body)) : undefined;
      requests.push({ method, url, body });
      const base = `/api/apps/${APP}/webhooks`;
      if (method === 'GET' && url === base) return json(200, { data: { endpoints } });
      if (method === 'POST' && url === base) {
        if (body.url.includes('10.0.0.1')) return json(400, { error: { code: 'E_WEBHOOK_ADDRESS_REFUSED', message: '10.0.0.1 resolves to 10.0.0.1, a private, loopback or link-local address.' } });
        const created = endpoint('we_new', { url: body.url, events: body.events, allowPrivateAddresses: body.allowPrivateAddresses });
        endpoints = [...endpoints, created];
        return json(201, { data: { endpoint: created, secret: 'whsec_shown_once' } });
      }
      if (method === 'PATCH' && url === `${base}/we_down`) return json(200, { data: { endpoint: endpoint('we_down', { enabled: body.enabled }) } });
      if (method === 'GET' && url === `${base}/we_down/deliveries`)
        return json(200, {
          data: {
            deliveries: [
              delivery('wd_2', { event: 'conversation.waiting', status: 'pending', attempts: 3, lastStatusCode: 503, lastResponse: 'busy', nextAttemptAt: '2026-11-30T11:00:00.000Z' }),
              delivery('wd_1', { event: 'session.completed', status: 'failed', attempts: 12, lastStatusCode: null, lastResponse: 'connect ECONNREFUSED' }),
            ],
          },
        });
      return json(404, { error: { code: 'E_NOT_FOUND', message: 'Not found.' } });
    };
  });
  afterEach(() => (window.fetch = realFetch));

  const rowOf = (el: WebhookEndpoints, id: string) => el.shadowRoot!.querySelector<HTMLElement>(`[data-endpoint="${id}"]`);
  const button = (root: ParentNode, label: string) => [...root.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent!.trim() === label);
  async function show() {
    const el = await fixture<WebhookEndpoints>(html`<webhook-endpoints .appId=${APP}></webhook-endpoints>`);
    await waitUntil(() => rowOf(el, 'we_down'), 'the endpoints listed');
    return el;
  }
  async function addEndpoint(el: WebhookEndpoints, url: string, uncheck: string[] = []) {
    const root = el.shadowRoot!;
    root.querySelector<HTMLInputElement>('#webhook-url')!.value = url;
    for (const box of root.querySelectorAll<HTMLInputElement>('input[name="events"]')) if (uncheck.includes(box.value)) box.click();
    button(root, 'Add endpoint')!.click();
  }

  it('lists endpoints; a disabled one says why and is enabled again with Re-enable', async () => {
    const el = await show();
    const down = rowOf(el, 'we_down')!;
    expect(down.querySelector('.state')!.textContent).to.equal('Disabled');
    expect(down.textContent).to.contain('Disabled after 20 failed deliveries in a row');
    expect(button(rowOf(el, 'we_ok')!, 'Re-enable')).to.equal(undefined);

    button(down, 'Re-enable')!.click();
    await waitUntil(() => rowOf(el, 'we_down')!.querySelector('.state')!.textContent === 'Enabled', 'enabled again');
    expect(requests.at(-1)).to.deep.equal({ method: 'PATCH', url: `/api/apps/${APP}/webhooks/we_down`, body: { enabled: true } });
    expect(button(rowOf(el, 'we_down')!, 'Disable')).to.not.equal(undefined);
  });

  it('adds an endpoint with the events ticked and shows its signing secret once', async () => {
    const el = await show();
    await addEndpoint(el, 'https://crm.example/hooks', ['visitor.erased']);
    await waitUntil(() => rowOf(el, 'we_new'), 'the new endpoint listed');
    expect(requests.find((r) => r.method === 'POST')!.body).to.deep.equal({
      url: 'https://crm.example/hooks',
      events: ['conversation.waiting', 'message.created', 'session.completed'],
      allowPrivateAddresses: false,
    });
    expect(rowOf(el, 'we_new')!.querySelector('[role="status"]')!.textContent).to.contain('whsec_shown_once');
    // Shown once: a fresh view of the endpoints has no secret in it.
    el.appId = 'app1-again';
    el.appId = APP;
    await el.updateComplete;
    await waitUntil(() => !el.shadowRoot!.textContent!.includes('whsec_shown_once'), 'the secret gone after a reload');
  });

  it('shows the server\'s refusal of a private address', async () => {
    const el = await show();
    await addEndpoint(el, 'http://10.0.0.1/hooks');
    await waitUntil(() => el.shadowRoot!.querySelector('[role="alert"]'), 'the refusal shown');
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('private, loopback or link-local');
    expect(rowOf(el, 'we_new')).to.equal(null);
  });

  it('opens an endpoint\'s delivery log: event, status, attempts, last response code, time', async () => {
    const el = await show();
    button(rowOf(el, 'we_down')!, 'Delivery log')!.click();
    const logRoot = () => rowOf(el, 'we_down')!.querySelector('webhook-delivery-log')?.shadowRoot;
    await waitUntil(() => logRoot()?.querySelector('tbody'), 'the log shown');
    const log = logRoot()!;
    const headers = [...log.querySelectorAll('th')].map((th) => th.textContent);
    expect(headers.slice(0, 5)).to.deep.equal(['Event', 'Status', 'Attempts', 'Last response code', 'Time']);
    const rows = [...log.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].slice(0, 4).map((td) => td.textContent));
    expect(rows).to.deep.equal([
      ['conversation.waiting', 'Retrying', '3', '503'],
      ['session.completed', 'Failed', '12', '–'],
    ]);
    expect(log.querySelectorAll('tbody tr td')[4].textContent).to.equal(new Date('2026-11-30T10:00:01.000Z').toLocaleString());
  });
});
