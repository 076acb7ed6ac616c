import { expect } from '@open-wc/testing';
import { record } from '@rrweb/record';
import type { RecordedEvent } from '../../../server/src/protocol/recording-events.js';
import { maskedInputValue } from './masked-values.js';

/** Fields, their visitor's value, and the value a masked recording must carry instead. */
const FIELDS = [
  { html: '<input type="color" id="f-color">', real: '#3366ff', masked: '#000000' },
  { html: '<input type="range" id="f-range" min="10" max="90">', real: '70', masked: '10' },
  { html: '<input type="range" id="f-range-default">', real: '80', masked: '0' },
  { html: '<input type="date" id="f-date">', real: '1984-06-09', masked: '1970-01-01' },
  { html: '<input type="datetime-local" id="f-datetime">', real: '2031-02-03T04:05', masked: '1970-01-01T00:00' },
  { html: '<input type="month" id="f-month">', real: '2030-11', masked: '1970-01' },
  { html: '<input type="week" id="f-week">', real: '2030-W44', masked: '1970-W01' },
  { html: '<input type="time" id="f-time">', real: '13:37', masked: '00:00' },
  { html: '<input type="number" id="f-number">', real: '4111', masked: '0' },
  { html: '<select id="f-select"><option value="">Choose</option><option value="visa">Visa</option></select>', real: 'visa', masked: '' },
  { html: '<input type="email" id="f-email">', real: 'ann@example.com', masked: '***************' },
  { html: '<textarea id="f-note"></textarea>', real: 'secret note', masked: '***********' },
  { html: '<input type="password" id="f-password">', real: 'hunter22', masked: '********' },
];

const nextMutations = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('masked form values (rrweb with the widget’s maskInputFn, in Chromium)', () => {
  let area: HTMLElement;
  beforeEach(() => {
    area = document.createElement('form');
    area.innerHTML = FIELDS.map((field) => field.html).join('');
    document.body.append(area);
  });
  afterEach(() => area.remove());

  const field = (index: number) => area.querySelectorAll<HTMLInputElement>('input, select, textarea')[index];

  it('records a neutral value each field accepts, never the visitor’s, in the snapshot, attribute changes and input events', async () => {
    FIELDS.forEach((spec, index) => (field(index).value = spec.real));
    const events: RecordedEvent[] = [];
    const stop = record({ emit: (event) => events.push(JSON.parse(JSON.stringify(event))), maskAllInputs: true, maskInputFn: maskedInputValue })!;
    try {
      FIELDS.forEach((spec, index) => {
        field(index).setAttribute('value', spec.real);
        field(index).dispatchEvent(new Event('input', { bubbles: true }));
      });
      await nextMutations();
    } finally {
      stop();
    }
    const text = JSON.stringify(events);
    // (Short numbers may appear in timestamps: those fields are checked one by one below.)
    for (const spec of FIELDS.filter(({ real }) => real.length >= 5)) expect(text, spec.html).not.to.contain(spec.real);

    const snapshot = events.find((event) => event.type === 2)!;
    type SerializedNode = { id: number; attributes?: Record<string, unknown>; childNodes?: SerializedNode[] };
    const serialized = new Map<number, SerializedNode>();
    const walk = (node: SerializedNode) => {
      serialized.set(node.id, node);
      for (const child of node.childNodes ?? []) walk(child);
    };
    walk((snapshot.data as { node: SerializedNode }).node);
    FIELDS.forEach((spec, index) => {
      const id = record.mirror.getId(field(index));
      const inputs = events.filter((event) => event.type === 3 && (event.data as { source: number; id?: number }).source === 5 && (event.data as { id?: number }).id === id);
      const attributeChanges = events.flatMap((event) =>
        event.type === 3 && (event.data as { source: number }).source === 0
          ? ((event.data as { attributes: Array<{ id: number; attributes: Record<string, unknown> }> }).attributes ?? []).filter((change) => change.id === id)
          : [],
      );
      expect(serialized.get(id)?.attributes?.value ?? '', `${spec.html} in the snapshot`).to.equal(spec.masked);
      expect(inputs.map((event) => (event.data as { text: string }).text), `${spec.html} typed`).to.deep.equal([spec.masked]);
      if (!spec.html.startsWith('<select') && !spec.html.startsWith('<textarea')) {
        expect(attributeChanges.map((change) => change.attributes.value), `${spec.html} set by a script`).to.deep.equal([spec.masked]);
      }
      // The value the replay will set is one the field takes as it is.
      const probe = document.createElement(field(index).tagName.toLowerCase()) as HTMLInputElement;
      probe.innerHTML = field(index).innerHTML;
      if (field(index).type) probe.setAttribute('type', field(index).getAttribute('type') ?? '');
      probe.value = spec.masked;
      expect(probe.value, `${spec.html} accepts the masked value`).to.equal(spec.masked);
    });
  });

  it('keeps an empty field empty and a text field as stars of its length', () => {
    const color = Object.assign(document.createElement('input'), { type: 'color' });
    expect(maskedInputValue('', color)).to.equal('');
    expect(maskedInputValue('abc', Object.assign(document.createElement('input'), { type: 'text' }))).to.equal('***');
    expect(maskedInputValue('abc')).to.equal('***');
  });
});
