import { expect } from '@open-wc/testing';
import { record } from '@rrweb/record';
import type { RecordedEvent } from '../../../server/src/protocol/recording-events.js';
import { IGNORE_CLASS, stripIgnoredFields } from './ignored-fields.js';

/** Records `body` of this page with rrweb as the widget does (inputs masked or not), through the filter. */
function recordPage(maskAllInputs: boolean) {
  const events: RecordedEvent[] = [];
  const stop = record({
    emit: (event) => {
      const kept = stripIgnoredFields(event as RecordedEvent, record.mirror);
      if (kept) events.push(JSON.parse(JSON.stringify(kept)) as RecordedEvent);
    },
    maskAllInputs,
    maskInputOptions: { password: true },
    ignoreClass: IGNORE_CLASS,
  })!;
  return { events, stop };
}

const nextMutations = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('stripIgnoredFields with rrweb recording in Chromium', () => {
  let area: HTMLElement;
  beforeEach(() => {
    area = document.createElement('div');
    area.innerHTML = `<input id="kept"><input id="coupon" class="${IGNORE_CLASS}"><textarea id="note" class="${IGNORE_CLASS}"></textarea>
      <div class="${IGNORE_CLASS}"><input type="checkbox" id="tick"><select id="pick"><option>a</option><option value="b">b</option></select></div>`;
    document.body.append(area);
  });
  afterEach(() => area.remove());

  for (const maskAllInputs of [true, false]) {
    it(`keeps scripted values, ticks, text and added fields of ignored elements out (inputs ${maskAllInputs ? '' : 'un'}masked)`, async () => {
      (area.querySelector('#kept') as HTMLInputElement).value = 'kept-value';
      (area.querySelector('#coupon') as HTMLInputElement).value = 'SECRET-SNAPSHOT';
      (area.querySelector('#tick') as HTMLInputElement).checked = true;
      (area.querySelector('#pick') as HTMLSelectElement).value = 'b';
      const { events, stop } = recordPage(maskAllInputs);
      try {
        // After the first snapshot: a script sets the value attribute, writes into the textarea, adds a field.
        area.querySelector('#coupon')!.setAttribute('value', 'SECRET-ATTRIBUTE');
        area.querySelector('#note')!.textContent = 'SECRET-TEXT';
        await nextMutations();
        area.querySelector('#note')!.firstChild!.textContent = 'SECRET-TEXT-CHANGED';
        const added = document.createElement('input');
        added.className = IGNORE_CLASS;
        added.value = 'SECRET-ADDED';
        added.setAttribute('value', 'SECRET-ADDED-ATTRIBUTE');
        area.append(added);
        (area.querySelector('#kept') as HTMLInputElement).setAttribute('value', 'kept-attribute');
        await nextMutations();
      } finally {
        stop();
      }
      const text = JSON.stringify(events);
      expect(events.some((event) => event.type === 2)).to.equal(true);
      const secrets = ['SECRET-SNAPSHOT', 'SECRET-ATTRIBUTE', 'SECRET-TEXT', 'SECRET-TEXT-CHANGED', 'SECRET-ADDED', 'SECRET-ADDED-ATTRIBUTE'];
      for (const secret of secrets) {
        expect(text).not.to.contain(secret);
        // Nor their length (a masked value is `*` of the same length).
        expect(text).not.to.contain(`"${'*'.repeat(secret.length)}"`);
      }
      // No tick, no choice.
      expect(text).not.to.contain('"checked":true');
      expect(text).not.to.contain('"selected":true');
      // What is not ignored is recorded as the masking setting says.
      expect(text).to.contain(maskAllInputs ? `"${'*'.repeat('kept-value'.length)}"` : '"kept-value"');
      expect(text).to.contain(maskAllInputs ? `"${'*'.repeat('kept-attribute'.length)}"` : '"kept-attribute"');
    });
  }
});
