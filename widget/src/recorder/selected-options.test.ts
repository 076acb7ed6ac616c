import { expect, waitUntil } from '@open-wc/testing';
import { IGNORE_CLASS } from './ignored-fields.js';
import { SelectedOptions, type SelectedOptionsState } from './selected-options.js';

describe('recording the options chosen in a multiple select (Chromium)', () => {
  let area: HTMLElement;
  let tracker: SelectedOptions;
  let reports: SelectedOptionsState[];
  const ids = new Map<Node, number>();
  const getId = (node: Node) => ids.get(node) ?? ids.set(node, ids.size + 1).get(node)!;
  beforeEach(() => {
    area = document.createElement('div');
    area.innerHTML = `<select id="topics" multiple><option>Design</option><option>Engineering</option><option>Research</option></select>
      <select id="single"><option>One</option><option>Two</option></select>
      <select id="private" class="${IGNORE_CLASS}" multiple><option>A</option><option>B</option></select>`;
    document.body.append(area);
    reports = [];
    tracker = new SelectedOptions({ getId }, (state) => reports.push(state));
  });
  afterEach(() => {
    tracker.stop();
    area.remove();
  });

  const choose = (selector: string, indexes: number[]) => {
    const select = area.querySelector<HTMLSelectElement>(selector)!;
    Array.from(select.options).forEach((option, index) => (option.selected = indexes.includes(index)));
    select.dispatchEvent(new Event('input', { bubbles: true }));
    select.dispatchEvent(new Event('change', { bubbles: true }));
    return select;
  };

  it('reports every chosen option of a multiple select once per change, nothing for a single or an rr-ignore select', async () => {
    const topics = choose('#topics', [0, 2]);
    choose('#single', [1]);
    choose('#private', [0, 1]);
    await waitUntil(() => reports.length > 0, 'the choice is reported');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(reports).to.deep.equal([{ id: getId(topics), selected: [getId(topics.options[0]), getId(topics.options[2])] }]);
  });
});
