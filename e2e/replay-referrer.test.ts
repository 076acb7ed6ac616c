import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../server/src/protocol/recording-events.js';
import { waitUntil } from '../server/src/testing/server-process.js';
import { newPage, serverAndBrowser } from './support/fixtures.js';
import { openReplay, replayFrame, storeRecording } from './support/replay.js';

const setup = serverAndBrowser();

/** The "recorded site": a local HTTP server that notes every request's path and headers. */
let site: Server;
let siteUrl: string;
const requests: Array<{ path: string; headers: IncomingHttpHeaders }> = [];
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

beforeAll(async () => {
  site = createServer((req, res) => {
    requests.push({ path: req.url ?? '', headers: req.headers });
    // Answers CORS too, so a CORS-mode load (crossorigin, fonts) completes and is seen like any other.
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (req.url?.endsWith('.css')) res.setHeader('content-type', 'text/css').end(`@font-face { font-family: Recorded; src: url(${siteUrl}/font.woff2); } h1 { font-family: Recorded; }`);
    else if (req.url?.endsWith('.png')) res.setHeader('content-type', 'image/png').end(PIXEL);
    else res.end();
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => site?.close(resolve)));

/**
 * A recorded page that loads images, a stylesheet and a font from the site, some in CORS mode or with
 * a looser referrer policy asked for by the recording itself, at load and in later mutations.
 */
function recordedPage(start: number): RecordedEvent[] {
  let id = 0;
  const node = (tagName: string, attributes: Record<string, string> = {}, childNodes: unknown[] = []) => ({ type: 2, tagName, attributes, childNodes, id: ++id });
  const text = (textContent: string) => ({ type: 3, textContent, id: ++id });
  const head = node('head', {}, [
    node('meta', { name: 'referrer', content: 'unsafe-url' }),
    node('link', { rel: 'stylesheet', href: `${siteUrl}/style.css`, crossorigin: 'anonymous' }),
  ]);
  const plain = node('img', { src: `${siteUrl}/plain.png`, alt: 'plain' });
  const body = node('body', {}, [
    node('h1', {}, [text('Recorded page')]),
    plain,
    node('img', { src: `${siteUrl}/cors.png`, crossorigin: 'anonymous', alt: 'cors' }),
    node('img', { src: `${siteUrl}/credentials.png`, crossorigin: 'use-credentials', referrerpolicy: 'unsafe-url', alt: 'credentials' }),
  ]);
  const doc = { type: 0, id: ++id, childNodes: [node('html', {}, [head, body])] };
  const added = node('img', { src: `${siteUrl}/added.png`, crossorigin: 'anonymous', referrerpolicy: 'unsafe-url' });
  return [
    { type: 4, timestamp: start, data: { href: `${siteUrl}/page.html`, width: 1024, height: 640 } },
    { type: 2, timestamp: start + 1, data: { node: doc, initialOffset: { top: 0, left: 0 } } },
    {
      type: 3,
      timestamp: start + 500,
      data: {
        source: 0,
        texts: [],
        removes: [],
        adds: [{ parentId: body.id, nextId: null, node: added }],
        attributes: [{ id: plain.id, attributes: { referrerpolicy: 'unsafe-url', crossorigin: 'anonymous', src: `${siteUrl}/changed.png` } }],
      },
    },
    { type: 3, timestamp: start + 1000, data: { source: 1, positions: [{ x: 10, y: 10, id: 1, timeOffset: 0 }] } },
  ];
}

describe('replaying a recording that loads resources from the recorded site (Chromium)', () => {
  it('the agent’s browser fetches them without telling the site the console’s address (no Referer, no Origin)', async () => {
    const { appId, sessionId } = await storeRecording(setup.server, [recordedPage(Date.now() - 60_000)]);
    const page = await newPage(setup.browser);
    await openReplay(page, setup.server.url, appId, sessionId);
    const { frame } = await replayFrame(page);
    await expect.poll(() => frame.locator('h1').textContent().catch(() => null), { timeout: 10_000 }).toBe('Recorded page');
    await page.keyboard.press('Space'); // play the mutations to the end
    const paths = ['/style.css', '/font.woff2', '/plain.png', '/cors.png', '/credentials.png', '/added.png', '/changed.png'];
    await waitUntil(async () => paths.every((path) => requests.some((request) => request.path === path)), 15_000, 'every recorded resource requested');
    await page.context().close();

    // No request names the replay's address (Referer; the font's names the site's own stylesheet, which
    // loaded it). Only the web font, which the fetch standard
    // always loads in CORS mode, says the console's origin (never a path): the origin every site's
    // widget script tag names anyway.
    const consoleUrl = new URL(setup.server.url);
    const leaks = requests
      .map(({ path, headers }) => ({ path, referer: headers.referer, origin: headers.origin }))
      .filter(({ path, referer, origin }) => (referer !== undefined && !referer.startsWith(siteUrl)) || (origin !== undefined && origin !== 'null' && path !== '/font.woff2'));
    expect(leaks, `requests that named ${consoleUrl.origin}`).toEqual([]);
  }, 60_000);
});
