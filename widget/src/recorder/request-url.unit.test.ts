import { describe, expect, it } from 'vitest';
import { MAX_NETWORK_URL_CHARS } from '../../../server/src/protocol/limits.js';
import { isWidgetTraffic, recordedUrl } from './request-url.js';

describe('recordedUrl', () => {
  it('masks every query value (keeping the names), and drops credentials and the fragment', () => {
    const url = new URL('https://user:pass@shop.example.com/api/search?q=my%20secret&page=2&flag&=x#section');
    expect(recordedUrl(url, false)).toBe('https://shop.example.com/api/search?q=*&page=*&*&=*');
  });

  it('keeps query values when the application keeps them', () => {
    expect(recordedUrl(new URL('https://shop.example.com/api?q=plants&page=2'), true)).toBe('https://shop.example.com/api?q=plants&page=2');
  });

  it('keeps only the scheme of data: and blob: URLs (their content is the data)', () => {
    expect(recordedUrl(new URL('data:text/plain,card-4111'), false)).toBe('data:…');
    expect(recordedUrl(new URL('blob:https://shop.example.com/0f3c'), false)).toBe('blob:…');
  });

  it('is never longer than the limit', () => {
    const long = new URL(`https://shop.example.com/${'a'.repeat(5000)}`);
    expect(recordedUrl(long, false).length).toBe(MAX_NETWORK_URL_CHARS);
  });
});

describe('isWidgetTraffic', () => {
  const server = 'https://chat.example.com';
  it('is everything sent to the Chatreel server from another site', () => {
    expect(isWidgetTraffic(new URL('https://chat.example.com/socket.io/?EIO=4'), server, 'https://shop.example.com')).toBe(true);
    expect(isWidgetTraffic(new URL('https://chat.example.com/fonts/inter.woff2'), server, 'https://shop.example.com')).toBe(true);
    expect(isWidgetTraffic(new URL('https://shop.example.com/socket.io/'), server, 'https://shop.example.com')).toBe(false);
  });

  it('on the server’s own pages, only the widget’s paths', () => {
    for (const path of ['/socket.io/?EIO=4', '/ingest?seq=1', '/widget.js', '/widget-chunks/recording-abc.js', '/widget/appearance/pk_x']) {
      expect(isWidgetTraffic(new URL(`${server}${path}`), server, server), path).toBe(true);
    }
    expect(isWidgetTraffic(new URL(`${server}/demo/api/stock`), server, server)).toBe(false);
    expect(isWidgetTraffic(new URL(`${server}/api/apps`), server, server)).toBe(false);
  });
});
