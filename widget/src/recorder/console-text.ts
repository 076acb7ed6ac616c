import {
  MAX_CONSOLE_ARG_DEPTH,
  MAX_CONSOLE_ARG_KEYS,
  MAX_CONSOLE_ARGS,
  MAX_CONSOLE_MESSAGE_CHARS,
  MAX_CONSOLE_STACK_CHARS,
} from '../../../server/src/protocol/limits.js';

/**
 * A console call's arguments as one bounded line of text (issue 21). Whatever the page logs, this
 * reads at most MAX_CONSOLE_ARGS arguments, MAX_CONSOLE_ARG_DEPTH levels and MAX_CONSOLE_ARG_KEYS
 * keys of each object, and writes at most MAX_CONSOLE_MESSAGE_CHARS characters. It never calls a
 * getter (a getter may change the page), never serializes a DOM node (it names its tag only), and
 * survives cycles, proxies that throw and objects with odd prototypes.
 */

/** Writes into a budget: past it, everything else is dropped and `…` closes the text. */
class Budget {
  text = '';
  full = false;
  /** Elements here (rr-block, rr-mask, rr-ignore, the owner's selectors) are not even named. */
  constructor(readonly privateAreas?: string) {}
  add(part: string): void {
    if (this.full) return;
    const room = MAX_CONSOLE_MESSAGE_CHARS - this.text.length;
    if (part.length <= room) {
      this.text += part;
      return;
    }
    this.text += `${part.slice(0, Math.max(0, room - 1))}…`;
    this.full = true;
  }
}

/** `<button#save.primary>`: what a logged element is, never what it holds; nothing of a private area. */
export function describeNode(node: Node, privateAreas?: string): string {
  const inside = node.nodeType === Node.ELEMENT_NODE ? (node as Element) : node.parentElement;
  if (privateAreas && inside?.closest(privateAreas)) return '<masked element>';
  if (node.nodeType === Node.ELEMENT_NODE) {
    const element = node as Element;
    const id = element.id ? `#${element.id}` : '';
    const classes = [...element.classList].slice(0, 3).map((name) => `.${name}`).join('');
    return `<${element.tagName.toLowerCase()}${id}${classes}>`.slice(0, 100);
  }
  if (node.nodeType === Node.DOCUMENT_NODE) return '#document';
  return node.nodeName.toLowerCase();
}

function isNode(value: object): value is Node {
  return typeof Node !== 'undefined' && value instanceof Node;
}

function errorText(error: Error): string {
  try {
    return `${String(error.name)}: ${String(error.message)}`;
  } catch {
    return 'Error';
  }
}

function write(value: unknown, out: Budget, depth: number, ancestors: Set<object>, quoteStrings: boolean): void {
  if (out.full) return;
  if (typeof value === 'string') return out.add(quoteStrings ? JSON.stringify(value.slice(0, MAX_CONSOLE_MESSAGE_CHARS)) : value);
  if (typeof value === 'bigint') return out.add(`${value}n`);
  if (typeof value === 'function') return out.add(`ƒ ${value.name || 'anonymous'}()`);
  if (typeof value !== 'object' || value === null) return out.add(String(value));
  if (value instanceof Error) return out.add(errorText(value));
  if (isNode(value)) return out.add(describeNode(value, out.privateAreas));
  if (typeof Window !== 'undefined' && value instanceof Window) return out.add('[Window]');
  if (value instanceof Date) return out.add(Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString());
  if (value instanceof RegExp) return out.add(String(value));
  if (value instanceof Map || value instanceof Set) return out.add(`${value instanceof Map ? 'Map' : 'Set'}(${value.size})`);
  if (value instanceof Promise) return out.add('Promise');
  if (ancestors.has(value)) return out.add('[Circular]');
  const isList = Array.isArray(value) || ArrayBuffer.isView(value);
  if (depth >= MAX_CONSOLE_ARG_DEPTH) return out.add(isList ? '[…]' : '{…}');
  ancestors.add(value);
  try {
    if (isList) writeList(value as ArrayLike<unknown>, out, depth, ancestors);
    else writeObject(value, out, depth, ancestors);
  } finally {
    ancestors.delete(value);
  }
}

function writeList(list: ArrayLike<unknown>, out: Budget, depth: number, ancestors: Set<object>): void {
  out.add('[');
  const shown = Math.min(list.length, MAX_CONSOLE_ARG_KEYS);
  for (let i = 0; i < shown && !out.full; i++) {
    if (i > 0) out.add(', ');
    write(list[i], out, depth + 1, ancestors, true);
  }
  if (list.length > shown) out.add(', …');
  out.add(']');
}

function writeObject(object: object, out: Budget, depth: number, ancestors: Set<object>): void {
  let keys: string[];
  try {
    keys = Object.keys(object);
  } catch {
    return out.add('{?}'); // a proxy that refuses to list its keys
  }
  out.add('{');
  const shown = Math.min(keys.length, MAX_CONSOLE_ARG_KEYS);
  for (let i = 0; i < shown && !out.full; i++) {
    if (i > 0) out.add(', ');
    out.add(`${keys[i]}: `);
    let descriptor: PropertyDescriptor | undefined;
    try {
      descriptor = Object.getOwnPropertyDescriptor(object, keys[i]);
    } catch {
      descriptor = undefined;
    }
    // A getter is not called: as in the browser's own console, it shows as (…).
    if (!descriptor || !('value' in descriptor)) out.add('(…)');
    else write(descriptor.value, out, depth + 1, ancestors, true);
  }
  if (keys.length > shown) out.add(', …');
  out.add('}');
}

/**
 * Applies the console's format directives in a first string argument (`%s %d %i %f %o %O %c`), as
 * the browser prints them: `%c` consumes its style argument and prints nothing.
 */
function applyFormat(args: unknown[], privateAreas: string | undefined): unknown[] {
  const [first, ...rest] = args;
  if (typeof first !== 'string' || !first.includes('%')) return args;
  let used = 0;
  const text = first.replace(/%[sdifoOc%]/g, (directive) => {
    if (directive === '%%') return '%';
    if (used >= rest.length) return directive;
    const value = rest[used++];
    if (directive === '%c') return '';
    if (directive === '%d' || directive === '%i') return String(Number.parseInt(String(value), 10));
    if (directive === '%f') return String(Number.parseFloat(String(value)));
    if (directive === '%s' && typeof value === 'string') return value;
    const out = new Budget(privateAreas);
    write(value, out, 0, new Set(), false);
    return out.text;
  });
  return [text, ...rest.slice(used)];
}

/** The line to record for one console call, and the stack of its first Error argument. */
export function consoleText(args: unknown[], privateAreas?: string): { text: string; stack?: string } {
  const formatted = applyFormat(args.slice(0, MAX_CONSOLE_ARGS + 1), privateAreas);
  const out = new Budget(privateAreas);
  const shown = Math.min(formatted.length, MAX_CONSOLE_ARGS);
  let stack: string | undefined;
  for (let i = 0; i < shown && !out.full; i++) {
    if (i > 0) out.add(' ');
    const value = formatted[i];
    if (stack === undefined && value instanceof Error) {
      try {
        stack = String(value.stack ?? '').slice(0, MAX_CONSOLE_STACK_CHARS) || undefined;
      } catch {
        stack = undefined;
      }
    }
    write(value, out, 0, new Set(), false);
  }
  if (args.length > MAX_CONSOLE_ARGS) out.add(` … (${args.length - MAX_CONSOLE_ARGS} more)`);
  return stack === undefined ? { text: out.text } : { text: out.text, stack };
}
