import { expect, fixture, html } from '@open-wc/testing';
import type { ConsolePayload } from '../../../server/src/protocol/devtools-entries.js';
import { MAX_CONSOLE_ENTRIES_PER_PAGE } from '../../../server/src/protocol/limits.js';
import { captureConsole } from './console-capture.js';
import { fieldValueMasker } from './console-value-masker.js';

const PRIVATE = '.rr-block, .rr-mask, .rr-ignore';

describe('captureConsole (in Chromium)', () => {
  it('records each message once the page’s console has printed it, and puts the console back when stopped', async () => {
    const original = console.info;
    const printed: unknown[][] = [];
    console.info = (...args: unknown[]) => printed.push(args);
    const recorded: ConsolePayload[] = [];
    const stop = captureConsole({ record: (payload) => recorded.push(payload), mask: (text) => text, onLimit: () => {}, privateAreas: PRIVATE });
    try {
      console.info('Basket', { items: 2 });
      expect(printed).to.deep.equal([['Basket', { items: 2 }]]);
      expect(recorded).to.deep.equal([{ level: 'info', text: 'Basket {items: 2}' }]);
    } finally {
      stop();
    }
    console.info('after');
    expect(recorded.length).to.equal(1);
    expect(printed.length).to.equal(2);
    console.info = original;
  });

  it('names a logged element without its content, and not at all inside a private area; stars masked field values', async () => {
    const form = await fixture<HTMLFormElement>(html`<form>
      <input id="card" class="field" value="4111 1111 1111 1111" />
      <div class="rr-block"><button id="secret-button">Account 4411-2290</button></div>
    </form>`);
    const recorded: ConsolePayload[] = [];
    const originalLog = console.log;
    console.log = () => {}; // keep the test's own output quiet: the wrapper calls what it found
    const stop = captureConsole({
      record: (payload) => recorded.push(payload),
      mask: fieldValueMasker({ maskAllInputs: true, privateAreas: PRIVATE }),
      onLimit: () => {},
      privateAreas: PRIVATE,
    });
    try {
      console.log('field', form.querySelector('#card'), 'value', (form.querySelector('#card') as HTMLInputElement).value);
      console.log(form.querySelector('#secret-button'));
    } finally {
      stop();
      console.log = originalLog;
    }
    expect(recorded.map((payload) => payload.text)).to.deep.equal([
      `field <input#card.field> value ${'*'.repeat(19)}`,
      '<masked element>',
    ]);
  });

  it('stops recording past the limit, saying so once', () => {
    const original = console.debug;
    console.debug = () => {};
    let limits = 0;
    let recorded = 0;
    const stop = captureConsole({ record: () => (recorded += 1), mask: (text) => text, onLimit: () => (limits += 1), privateAreas: undefined });
    try {
      for (let i = 0; i < MAX_CONSOLE_ENTRIES_PER_PAGE + 50; i++) console.debug(i);
    } finally {
      stop();
      console.debug = original;
    }
    expect([recorded, limits]).to.deep.equal([MAX_CONSOLE_ENTRIES_PER_PAGE, 1]);
  });
});
