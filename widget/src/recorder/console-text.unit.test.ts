import { describe, expect, it } from 'vitest';
import { MAX_CONSOLE_ARG_KEYS, MAX_CONSOLE_ARGS, MAX_CONSOLE_MESSAGE_CHARS, MAX_CONSOLE_STACK_CHARS } from '../../../server/src/protocol/limits.js';
import { consoleText } from './console-text.js';

describe('consoleText', () => {
  it('joins the arguments as the browser’s console prints them', () => {
    expect(consoleText(['Added to basket:', 'Pothos', { items: 2, tags: ['green', 3n] }, null, undefined, true]).text).toBe(
      'Added to basket: Pothos {items: 2, tags: ["green", 3n]} null undefined true',
    );
    expect(consoleText(['%s has %d items%c!', 'Basket', '4.7', 'color: red', 'extra']).text).toBe('Basket has 4 items! extra');
    expect(consoleText([function save() {}, Symbol('x'), new Date(0), /a+/g]).text).toBe('ƒ save() Symbol(x) 1970-01-01T00:00:00.000Z /a+/g');
  });

  it('names an Error and keeps its stack, cut to the limit', () => {
    const error = new TypeError('order is null');
    error.stack = `TypeError: order is null\n${'    at track (demo.js:1:1)\n'.repeat(200)}`;
    const { text, stack } = consoleText(['Failed:', error]);
    expect(text).toBe('Failed: TypeError: order is null');
    expect(stack!.length).toBe(MAX_CONSOLE_STACK_CHARS);
  });

  it('survives cycles, stops at the depth limit, and calls no getter', () => {
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;
    let called = false;
    const guarded = Object.defineProperty({ plain: 1 }, 'secret', { enumerable: true, get: () => ((called = true), 'from a getter') });
    expect(consoleText([loop]).text).toBe('{name: "loop", self: [Circular]}');
    expect(consoleText([{ a: { b: { c: { d: 1 } } } }]).text).toBe('{a: {b: {c: {…}}}}');
    expect(consoleText([guarded]).text).toBe('{plain: 1, secret: (…)}');
    expect(called).toBe(false);
  });

  it('reads a proxy that throws as unknown instead of failing', () => {
    const hostile = new Proxy({}, { ownKeys: () => { throw new Error('no'); } });
    expect(consoleText(['x', hostile]).text).toBe('x {?}');
  });

  it('bounds what it reads and writes, whatever the page logs', () => {
    const wide = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, i]));
    expect(consoleText([wide]).text.match(/k\d+:/g)!.length).toBe(MAX_CONSOLE_ARG_KEYS);
    const many = Array.from({ length: 50 }, (_, i) => i);
    expect(consoleText(many).text).toBe(`${many.slice(0, MAX_CONSOLE_ARGS).join(' ')} … (${50 - MAX_CONSOLE_ARGS} more)`);
    const huge = consoleText(['x'.repeat(1_000_000), { big: 'y'.repeat(1_000_000) }]).text;
    expect(huge.length).toBe(MAX_CONSOLE_MESSAGE_CHARS);
    expect(huge.endsWith('…')).toBe(true);
  });
});
