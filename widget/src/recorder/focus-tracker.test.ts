import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import { FocusTracker, type FocusState } from './focus-tracker.js';

/** Ids as rrweb's mirror gives them: one per element, -1 for one it did not record. */
function ids() {
  const known = new Map<Node, number>();
  return {
    getId: (node: Node) => (node instanceof Element && node.classList.contains('unrecorded') ? -1 : known.get(node) ?? known.set(node, known.size + 1).get(node)!),
  };
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('recording the focus (Chromium)', () => {
  let area: HTMLElement;
  let tracker: FocusTracker;
  let reports: FocusState[];
  let nodes: ReturnType<typeof ids>;
  beforeEach(() => {
    area = document.createElement('div');
    area.innerHTML = '<input id="first"><button id="second">Go</button><input class="unrecorded" id="hidden"><div id="host"></div>';
    document.body.append(area);
    const shadow = area.querySelector('#host')!.attachShadow({ mode: 'open' });
    shadow.innerHTML = '<input id="inner">';
    reports = [];
    nodes = ids();
    tracker = new FocusTracker(nodes, (state) => reports.push(state));
  });
  afterEach(() => {
    tracker.stop();
    area.remove();
  });

  it('reports each change of focus once, inside shadow roots too, and none when nothing is focused', async () => {
    const first = area.querySelector<HTMLInputElement>('#first')!;
    first.focus();
    await waitUntil(() => reports.length === 1, 'the focus is reported');
    expect(reports[0]).to.deep.equal({ id: nodes.getId(first), visible: true });
    first.focus();
    const inner = area.querySelector('#host')!.shadowRoot!.querySelector('input')!;
    inner.focus();
    await waitUntil(() => reports.length === 2, 'the focus inside the shadow root is reported');
    expect(reports[1]).to.deep.equal({ id: nodes.getId(inner), visible: true });
    // An element rrweb did not record (blocked): the replay shows no focus.
    area.querySelector<HTMLInputElement>('#hidden')!.focus();
    await waitUntil(() => reports.length === 3, 'the unrecorded focus is reported as none');
    expect(reports[2]).to.deep.equal({ id: null, visible: false });
    (document.activeElement as HTMLElement).blur();
    await settled();
    expect(reports).to.have.length(3);
  });

  it('tells keyboard focus (:focus-visible) from a click on a button, and reports the focus again after a snapshot', async () => {
    const button = area.querySelector<HTMLButtonElement>('#second')!;
    const box = button.getBoundingClientRect();
    await sendMouse({ type: 'click', position: [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)] });
    await waitUntil(() => reports.length === 1, 'the focus of the click is reported');
    expect(reports[0]).to.deep.equal({ id: nodes.getId(button), visible: false });
    // A key pressed now shows the button's focus ring, without the focus moving.
    await sendKeys({ press: 'Shift' });
    await waitUntil(() => reports.length === 2, 'the focus ring is reported');
    expect(reports[1]).to.deep.equal({ id: nodes.getId(button), visible: true });
    button.blur();
    area.querySelector<HTMLInputElement>('#first')!.focus();
    await sendKeys({ press: 'Tab' });
    await waitUntil(() => reports.at(-1)?.id === nodes.getId(button), 'the keyboard focus is reported');
    expect(reports.at(-1)).to.deep.equal({ id: nodes.getId(button), visible: true });
    const before = reports.length;
    tracker.snapshotTaken();
    await waitUntil(() => reports.length === before + 1, 'the focus is reported after a snapshot');
    expect(reports.at(-1)).to.deep.equal({ id: nodes.getId(button), visible: true });
    button.blur();
    await waitUntil(() => reports.length === before + 2, 'the blur is reported');
    expect(reports.at(-1)).to.deep.equal({ id: null, visible: false });
  });
});
