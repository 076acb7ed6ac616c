/**
 * A replay cannot give an element real hover or focus (no pointer is there, and real focus would take
 * the viewer's keyboard). rrweb shows hover with a class instead: it rewrites `a:hover` into
 * `a:hover, a.\:hover` and puts the class on the hovered element — but only in `<style>` text, not in
 * rules a page inserts with `insertRule` or adopts (Lit components). This does the same for those
 * rules, and for focus (`:focus`, `:focus-visible`, `:focus-within`) everywhere: each selector naming a
 * state gets a twin with the state's class, which focus-display.ts and shadow-hover.ts set.
 *
 * The browser's own CSS parser reads the text (in a document with no browsing context: nothing is
 * fetched, nothing runs), the way rrweb's recorder serialized it in the first place.
 */

export const STATE_CLASSES = {
  hover: ':hover',
  focus: ':focus',
  focusVisible: ':focus-visible',
  focusWithin: ':focus-within',
} as const;

const FOCUS_STATES = [/:focus-visible(?![\w-])/g, /:focus-within(?![\w-])/g, /:focus(?![\w-])/g];
const HOVER_STATE = /:hover(?![\w-])/g;
const CLASS_OF: Record<string, string> = {
  ':hover': '.\\:hover',
  ':focus': '.\\:focus',
  ':focus-visible': '.\\:focus-visible',
  ':focus-within': '.\\:focus-within',
};
/** rrweb's marker between the texts of a `<style>` element's text nodes (kept, so it can split them again). */
const CSS_SPLIT = '/* rr_split */';
/** Rule nesting followed (grouping rules, CSS nesting). */
const MAX_RULE_DEPTH = 32;

export interface StateOptions {
  /** Hover too (rules rrweb does not rewrite itself); focus always. */
  hover: boolean;
}

let parser: HTMLStyleElement | undefined;

function parse(cssText: string): CSSRuleList | null {
  if (!parser) {
    const inert = document.implementation.createHTMLDocument('');
    parser = inert.createElement('style');
    inert.head.append(parser);
  }
  parser.textContent = cssText;
  return parser.sheet?.cssRules ?? null;
}

const mentionsState = (cssText: string, options: StateOptions) => cssText.includes(':focus') || (options.hover && cssText.includes(':hover'));

/** A whole style sheet's text (rrweb's `_cssText`, a style element's text), with state twins added. */
export function withStateSelectors(cssText: string, options: StateOptions): string {
  if (!mentionsState(cssText, options)) return cssText;
  return cssText
    .split(CSS_SPLIT)
    .map((part) => {
      if (!mentionsState(part, options)) return part;
      const rules = parse(part);
      if (!rules || !addStateSelectors(rules, options, 0)) return part;
      return Array.from(rules, (rule) => rule.cssText).join('\n');
    })
    .join(CSS_SPLIT);
}

/** One rule's text (an `insertRule`, a rule of an adopted sheet), with state twins added. */
export function ruleWithStateSelectors(ruleText: string, options: StateOptions): string {
  if (!mentionsState(ruleText, options)) return ruleText;
  const rules = parse(ruleText);
  // One rule in, one rule out: the recorded indexes of later inserts and deletes stay right.
  if (!rules || rules.length !== 1 || !addStateSelectors(rules, options, 0)) return ruleText;
  return rules[0].cssText;
}

/** Adds the twins in place; whether any selector changed. */
function addStateSelectors(rules: CSSRuleList, options: StateOptions, depth: number): boolean {
  let changed = false;
  for (const rule of Array.from(rules)) {
    if (rule instanceof CSSStyleRule) {
      const selectors = splitSelectors(rule.selectorText);
      const twins = selectors.map((selector) => twin(selector, options)).filter((selector): selector is string => selector !== null);
      if (twins.length > 0) {
        rule.selectorText = [...selectors, ...twins].join(', ');
        changed = true;
      }
    }
    const nested = (rule as Partial<CSSGroupingRule>).cssRules;
    if (nested && depth < MAX_RULE_DEPTH) changed = addStateSelectors(nested, options, depth + 1) || changed;
  }
  return changed;
}

function twin(selector: string, options: StateOptions): string | null {
  let result = selector;
  for (const state of FOCUS_STATES) result = result.replace(state, (name) => CLASS_OF[name]);
  if (options.hover) result = result.replace(HOVER_STATE, (name) => CLASS_OF[name]);
  return result === selector ? null : result;
}

/** A selector list split at its top-level commas (not those inside `:is(…)`, `[…]` or strings). */
export function splitSelectors(list: string): string[] {
  const selectors: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const char = list[i];
    if (char === '\\') i++;
    else if (quote) quote = char === quote ? '' : quote;
    else if (char === '"' || char === "'") quote = char;
    else if (char === '(' || char === '[') depth++;
    else if (char === ')' || char === ']') depth = Math.max(0, depth - 1);
    else if (char === ',' && depth === 0) {
      selectors.push(list.slice(start, i).trim());
      start = i + 1;
    }
  }
  selectors.push(list.slice(start).trim());
  return selectors.filter(Boolean);
}
