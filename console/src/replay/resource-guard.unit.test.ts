import { describe, expect, it } from 'vitest';
import { guardResourceLoads } from './resource-guard.js';

const el = (tagName: string, attributes: Record<string, unknown>, childNodes: unknown[], id: number) => ({ type: 2, tagName, attributes, childNodes, id });

describe('guardResourceLoads', () => {
  it('puts a no-referrer policy first in the rebuilt head and drops what would loosen it or switch loads to CORS', () => {
    const head = el('head', {}, [el('META', { NAME: ' Referrer ', content: 'unsafe-url' }, [], 3)], 2);
    const body = el('body', {}, [el('img', { src: 'https://site.example/a.png', CrossOrigin: 'anonymous', referrerpolicy: 'unsafe-url' }, [], 5)], 4);
    const event = { type: 2, timestamp: 1, data: { node: { type: 0, id: 1, childNodes: [el('html', {}, [head, body], 6)] } } };
    guardResourceLoads(event);
    expect(head.childNodes[0]).toMatchObject({ tagName: 'meta', attributes: { name: 'referrer', content: 'no-referrer' } });
    expect((head.childNodes[1] as { attributes: unknown }).attributes).toEqual({ content: 'unsafe-url' });
    expect((body.childNodes[0] as { attributes: unknown }).attributes).toEqual({ src: 'https://site.example/a.png' });
  });

  it('cleans nodes and attribute changes that mutations add later', () => {
    const added = el('link', { rel: 'stylesheet', href: 'https://site.example/s.css', crossorigin: '' }, [], 9);
    const event = {
      type: 3,
      timestamp: 2,
      data: { source: 0, adds: [{ parentId: 2, node: added }], attributes: [{ id: 5, attributes: { referrerPolicy: 'unsafe-url', name: 'referrer', src: 'x' } }] },
    };
    guardResourceLoads(event);
    expect(added.attributes).toEqual({ rel: 'stylesheet', href: 'https://site.example/s.css' });
    expect(event.data.attributes[0].attributes).toEqual({ referrerPolicy: null, name: null, src: 'x' });
  });

  it('walks a hostile tree deeper than the call stack, and malformed events, without throwing', () => {
    let deep: unknown = el('img', { crossorigin: 'anonymous' }, [], 0);
    const innermost = deep as { attributes: Record<string, unknown> };
    for (let i = 1; i < 200_000; i += 1) deep = el('div', {}, [deep, null, 7, 'text'], i);
    guardResourceLoads({ type: 2, timestamp: 1, data: { node: { type: 0, childNodes: [deep] } } });
    expect(innermost.attributes).toEqual({});
    for (const data of [null, 5, 'x', { node: null }, { source: 0, adds: 'no', attributes: [null, { attributes: 3 }] }]) {
      expect(() => guardResourceLoads({ type: 2, timestamp: 1, data })).not.toThrow();
      expect(() => guardResourceLoads({ type: 3, timestamp: 1, data })).not.toThrow();
    }
  });
});
