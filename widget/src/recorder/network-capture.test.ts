import { expect } from '@open-wc/testing';
import type { NetworkPayload } from '../../../server/src/protocol/devtools-entries.js';
import { captureNetwork } from './network-capture.js';

function start(serverOrigin = 'https://chat.example.com') {
  const recorded: NetworkPayload[] = [];
  const stop = captureNetwork({ record: (payload) => recorded.push(payload), onLimit: () => {}, serverOrigin, keepQueryValues: false });
  return { recorded, stop };
}

const xhr = (method: string, url: string) =>
  new Promise<void>((resolve) => {
    const request = new XMLHttpRequest();
    request.open(method, url);
    request.addEventListener('loadend', () => resolve());
    request.send('a body that is never read');
  });

describe('captureNetwork (in Chromium)', () => {
  it('records fetch and XHR with the page’s answers unchanged, and tells a failure from an abort', async () => {
    const { recorded, stop } = start();
    try {
      const response = await fetch(`${location.origin}/widget/src/recorder/network-capture.test.ts?token=abc`, { headers: { 'X-Secret': 'never-read' } });
      expect(response.status).to.equal(200);
      expect((await response.text()).length).to.be.greaterThan(0);
      await xhr('post', `${location.origin}/no-such-file?x=1`);
      const aborted = new AbortController();
      const pending = fetch(`${location.origin}/widget/src/recorder/network-capture.test.ts`, { signal: aborted.signal });
      aborted.abort();
      await pending.catch(() => undefined);
      await fetch('http://127.0.0.1:9/').catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 0));
    } finally {
      stop();
    }
    // In the order they ended (the page's own listeners may run first): compared sorted.
    const rows = recorded.map(({ initiator, method, url, status, error }) => [initiator, method, url, status, error ?? null]);
    expect(rows.sort((a, b) => String(a).localeCompare(String(b)))).to.deep.equal([
      ['fetch', 'GET', 'http://127.0.0.1:9/', 0, 'network'],
      ['fetch', 'GET', `${location.origin}/widget/src/recorder/network-capture.test.ts`, 0, 'aborted'],
      ['fetch', 'GET', `${location.origin}/widget/src/recorder/network-capture.test.ts?token=*`, 200, null],
      ['xhr', 'POST', `${location.origin}/no-such-file?x=*`, 404, null],
    ].sort((a, b) => String(a).localeCompare(String(b))));
    expect(recorded.every((payload) => payload.durationMs >= 0)).to.equal(true);
    expect(JSON.stringify(recorded)).not.to.contain('never-read');
  });

  it('leaves out the widget’s own traffic to the Chatreel server', async () => {
    const { recorded, stop } = start(location.origin);
    try {
      await fetch(`${location.origin}/widget-chunks/none.js`).catch(() => undefined);
      await fetch(`${location.origin}/widget/src/recorder/network-capture.test.ts`);
    } finally {
      stop();
    }
    expect(recorded.map((payload) => new URL(payload.url).pathname)).to.deep.equal(['/widget/src/recorder/network-capture.test.ts']);
  });

  it('puts fetch and XHR back when stopped, and keeps a wrapper the page added after it', async () => {
    const originalFetch = window.fetch;
    const originalSend = XMLHttpRequest.prototype.send;
    const first = start();
    first.stop();
    expect(window.fetch).to.equal(originalFetch);
    expect(XMLHttpRequest.prototype.send).to.equal(originalSend);

    const second = start();
    const pageWrapper = (...args: Parameters<typeof fetch>) => originalFetch(...args);
    const ours = window.fetch;
    window.fetch = pageWrapper as typeof fetch;
    second.stop();
    expect(window.fetch).to.equal(pageWrapper);
    window.fetch = originalFetch;
    expect(ours).not.to.equal(originalFetch);
  });
});
