import { expect } from '@open-wc/testing';
import { ruleWithStateSelectors, splitSelectors, withStateSelectors } from './css-state-selectors.js';

describe('state twins in recorded CSS', () => {
  it('gives every selector naming focus a twin with the state’s class, in grouping and nested rules too', () => {
    const css = [
      'a:focus, b:focus-visible > i, c { color: red; }',
      '@media (min-width: 1px) { form:focus-within .hint { display: block; } }',
      '.field { &:focus { outline: none; } }',
      'p:hover { color: blue; }',
    ].join('\n');
    expect(withStateSelectors(css, { hover: false }).split('\n').map((line) => line.trim())).to.deep.equal([
      'a:focus, b:focus-visible > i, c, a.\\:focus, b.\\:focus-visible > i { color: red; }',
      '@media (min-width: 1px) {',
      'form:focus-within .hint, form.\\:focus-within .hint { display: block; }',
      '}',
      '.field {',
      '&:focus, &.\\:focus { outline: none; }',
      '}',
      // rrweb rewrites :hover in <style> text itself.
      'p:hover { color: blue; }',
    ]);
  });

  it('rewrites one inserted rule into one rule, hover included, and leaves text without states as it is', () => {
    expect(ruleWithStateSelectors(':host(:hover) .card:not(:focus) { opacity: 0.5 }', { hover: true })).to.equal(
      ':host(:hover) .card:not(:focus), :host(.\\:hover) .card:not(.\\:focus) { opacity: 0.5; }',
    );
    const untouched = '.a{color:red}/* kept as written */';
    expect(withStateSelectors(untouched, { hover: true })).to.equal(untouched);
    // Not a rule: left alone rather than lost.
    expect(ruleWithStateSelectors('a:hover { color: red } b:hover { color: blue }', { hover: true })).to.equal('a:hover { color: red } b:hover { color: blue }');
  });

  it('keeps rrweb’s split markers between a style element’s texts', () => {
    const css = 'a:focus { color: red; }/* rr_split */b:focus { color: blue; }';
    expect(withStateSelectors(css, { hover: false })).to.equal('a:focus, a.\\:focus { color: red; }/* rr_split */b:focus, b.\\:focus { color: blue; }');
  });

  it('splits selector lists at top-level commas only', () => {
    expect(splitSelectors(':is(a, b):focus, [title="x,y"], c\\,d')).to.deep.equal([':is(a, b):focus', '[title="x,y"]', 'c\\,d']);
  });
});
