import { MAX_DOM_DEPTH, MAX_DOM_NODES, MAX_DOM_VALUE_CHARS, MAX_LABEL_NODES_VISITED } from '../protocol/limits.js';
import { isRecord, listOf, nodeIdOf, NodeType } from './rrweb-shapes.js';

/** Longest element label kept; a click on a whole card would otherwise quote the card. */
const MAX_LABEL_CHARS = 60;
/** Text read per label: enough for a label, never a page's worth. */
const MAX_TEXT_CHARS = MAX_LABEL_CHARS * 2;
/** How far up from the clicked node an interactive ancestor (a button around an icon) is looked for. */
const MAX_INTERACTIVE_DEPTH = 6;
/** How far up from a field a wrapping `<label>` is looked for. */
const MAX_WRAPPING_LABEL_DEPTH = 3;
/** Descriptions cached between two mutations (each click or keystroke asks for one). */
const MAX_DESCRIBED = 10_000;

const INTERACTIVE_TAGS = new Set(['a', 'button', 'input', 'select', 'textarea', 'summary', 'label', 'option']);
const INTERACTIVE_ROLES = new Set(['button', 'link', 'menuitem', 'tab', 'checkbox', 'radio', 'switch', 'option', 'combobox']);
const FIELD_TAGS = new Set(['input', 'textarea', 'select']);
/** The only attributes read here; the rest of a recorded element is never held. */
const KEPT_ATTRIBUTES = ['aria-label', 'name', 'id', 'for', 'type', 'role', 'placeholder', 'value', 'title', 'alt', 'href', 'onclick', 'tabindex'];

interface MirrorNode {
  id: number;
  type: number;
  tag: string;
  attributes: Record<string, string>;
  text: string;
  parentId: number | null;
  depth: number;
  /** Insertion-ordered; a Set so removing one child of many is not a scan of its siblings. */
  children: Set<number>;
  /** Nearest enclosing `<form>` and whether inside the widget: fixed when the node is added (nodes never move in place). */
  formId: number | null;
  inWidget: boolean;
}

export interface ElementFacts {
  id: number;
  /** The clicked node's closest interactive element (itself or an ancestor), or null. */
  interactiveId: number | null;
  label: string;
  tag: string;
  /** The enclosing form's node id, or null. */
  formId: number | null;
  isField: boolean;
  isSubmit: boolean;
  /** Inside Chatreel's own widget: its chat is read from the transcript, not from the recording. */
  inWidget: boolean;
}

/** The widget's custom element (see widget/src/widget.ts). */
const WIDGET_TAG = 'chatreel-widget';

/**
 * The recorded page's DOM, just enough of it to name what a visitor clicked or typed into: rebuilt from
 * each full snapshot and kept current with the incremental mutations. Text the recorder masked arrives
 * masked (rrweb replaces it with `*` in the browser) and stays so; input values are never read here.
 *
 * The recording is hostile input. The copy stays a tree whatever it says: a node is added only under a
 * parent present at that moment and never under itself or twice in one addition (so no parent cycle can
 * form), at most MAX_DOM_DEPTH deep and MAX_DOM_NODES in all; every walk is iterative and bounded, and
 * nothing scans the whole page per call.
 */
export class DomMirror {
  private nodes = new Map<number, MirrorNode>();
  /** Descriptions since the DOM last changed: every keystroke in a field asks for the same one. */
  private described = new Map<number, ElementFacts | null>();
  /** `<label for=…>` elements by their `for` value, for naming fields without a scan of every node. */
  private labelsFor = new Map<string, Set<number>>();

  get size(): number {
    return this.nodes.size;
  }

  reset(root: unknown): void {
    this.nodes.clear();
    this.described.clear();
    this.labelsFor.clear();
    this.add(root, null);
  }

  applyMutation(data: Record<string, unknown>): void {
    this.described.clear();
    for (const removed of listOf(data.removes)) {
      const id = isRecord(removed) ? nodeIdOf(removed.id) : null;
      if (id !== null) this.remove(id);
    }
    for (const added of listOf(data.adds)) {
      const parentId = isRecord(added) ? nodeIdOf(added.parentId) : null;
      if (parentId !== null) this.add((added as Record<string, unknown>).node, parentId);
    }
    for (const changed of listOf(data.texts)) {
      if (!isRecord(changed)) continue;
      const node = this.get(changed.id);
      if (node) node.text = typeof changed.value === 'string' ? clipText(changed.value) : '';
    }
    for (const changed of listOf(data.attributes)) {
      if (!isRecord(changed)) continue;
      const node = this.get(changed.id);
      if (node && isRecord(changed.attributes)) this.setAttributes(node, changed.attributes);
    }
  }

  describe(id: number | null): ElementFacts | null {
    if (id === null) return null;
    if (!this.described.has(id)) {
      if (this.described.size >= MAX_DESCRIBED) this.described.clear();
      this.described.set(id, this.read(id));
    }
    return this.described.get(id) ?? null;
  }

  /** A form's name for people: its aria-label, name or id. */
  formName(id: number): string {
    const node = this.nodes.get(id);
    if (!node) return 'a form';
    return clip(node.attributes['aria-label'] || node.attributes.name || node.attributes.id || 'a form');
  }

  private get(id: unknown): MirrorNode | undefined {
    const nodeId = nodeIdOf(id);
    return nodeId === null ? undefined : this.nodes.get(nodeId);
  }

  private read(id: number): ElementFacts | null {
    const node = this.nodes.get(id);
    if (!node) return null;
    const element = node.type === NodeType.Element ? node : this.parentOf(node);
    if (!element) return null;
    const interactive = this.closest(element, isInteractive, MAX_INTERACTIVE_DEPTH);
    const target = interactive ?? element;
    const isForm = target.type === NodeType.Element && target.tag === 'form';
    return {
      id,
      interactiveId: interactive?.id ?? null,
      label: this.label(target),
      tag: target.tag,
      formId: isForm ? target.id : target.formId,
      isField: FIELD_TAGS.has(target.tag) && !isButtonInput(target),
      isSubmit: isSubmitControl(target, isForm || target.formId !== null),
      inWidget: target.inWidget || (target.type === NodeType.Element && target.tag === WIDGET_TAG),
    };
  }

  private label(node: MirrorNode): string {
    const a = node.attributes;
    if (a['aria-label']) return clip(a['aria-label']);
    if (FIELD_TAGS.has(node.tag) && !isButtonInput(node)) {
      const label = this.fieldLabel(node);
      return clip(label || a.placeholder || a.name || a.id || node.tag);
    }
    if (isButtonInput(node) && a.value) return clip(a.value);
    const text = squash(this.textOf(node));
    return clip(text || a.title || a.alt || a.name || a.id || node.tag);
  }

  /** The text of a wrapping `<label>` or of a `<label for=id>`. */
  private fieldLabel(node: MirrorNode): string {
    const wrapping = this.closest(node, (candidate) => candidate.tag === 'label', MAX_WRAPPING_LABEL_DEPTH);
    if (wrapping) return squash(this.textOf(wrapping));
    const id = node.attributes.id;
    for (const labelId of (id && this.labelsFor.get(id)) || []) {
      const label = this.nodes.get(labelId);
      if (label) return squash(this.textOf(label));
    }
    return '';
  }

  /** Text under a node in document order, up to MAX_TEXT_CHARS and MAX_LABEL_NODES_VISITED nodes. */
  private textOf(root: MirrorNode): string {
    let text = '';
    let visited = 0;
    const stack: MirrorNode[] = [root];
    while (stack.length > 0 && text.length < MAX_TEXT_CHARS && visited < MAX_LABEL_NODES_VISITED) {
      const node = stack.pop()!;
      visited += 1;
      if (node.type === NodeType.Text) {
        text += ` ${node.text}`;
        continue;
      }
      // A textarea's text is what the visitor typed: never a label, masked or not.
      if (node.tag === 'script' || node.tag === 'style' || node.tag === 'textarea') continue;
      const children: MirrorNode[] = [];
      for (const childId of node.children) {
        const child = this.nodes.get(childId);
        if (child) children.push(child);
        if (children.length >= MAX_LABEL_NODES_VISITED) break;
      }
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    }
    return text;
  }

  private parentOf(node: MirrorNode): MirrorNode | null {
    return node.parentId === null ? null : (this.nodes.get(node.parentId) ?? null);
  }

  private closest(node: MirrorNode, test: (candidate: MirrorNode) => boolean, depth: number): MirrorNode | null {
    let current: MirrorNode | null = node;
    for (let level = 0; current && level <= depth; level++) {
      if (current.type === NodeType.Element && test(current)) return current;
      current = this.parentOf(current);
    }
    return null;
  }

  /**
   * Adds a serialized node and its subtree under `parentId`, iteratively. An id met twice in one
   * addition, a node under itself, a missing parent, a node past MAX_DOM_DEPTH and anything past
   * MAX_DOM_NODES are left out with their subtrees.
   */
  private add(root: unknown, rootParentId: number | null): void {
    const added = new Set<number>();
    const stack: Array<{ serialized: unknown; parentId: number | null }> = [{ serialized: root, parentId: rootParentId }];
    while (stack.length > 0) {
      const { serialized, parentId } = stack.pop()!;
      if (!isRecord(serialized)) continue;
      const id = nodeIdOf(serialized.id);
      if (id === null || id === parentId || added.has(id)) continue;
      // A node added again moves: its old copy goes first (which may take the parent with it, if the
      // parent was inside the old copy; then this node has no parent and is left out).
      this.remove(id);
      const parent = parentId === null ? null : this.nodes.get(parentId);
      if (parent === undefined) continue;
      const depth = parent ? parent.depth + 1 : 0;
      if (depth > MAX_DOM_DEPTH || this.nodes.size >= MAX_DOM_NODES) continue;
      const node = this.createNode(serialized, id, parent, depth);
      added.add(id);
      this.nodes.set(id, node);
      parent?.children.add(id);
      this.indexLabel(node, true);
      const children = listOf(serialized.childNodes);
      for (let i = children.length - 1; i >= 0; i--) stack.push({ serialized: children[i], parentId: id });
    }
  }

  private createNode(serialized: Record<string, unknown>, id: number, parent: MirrorNode | null, depth: number): MirrorNode {
    const type = typeof serialized.type === 'number' ? serialized.type : -1;
    const node: MirrorNode = {
      id,
      type,
      tag: typeof serialized.tagName === 'string' ? serialized.tagName.slice(0, MAX_DOM_VALUE_CHARS).toLowerCase() : '',
      attributes: Object.create(null) as Record<string, string>,
      text: type === NodeType.Text && typeof serialized.textContent === 'string' ? clipText(serialized.textContent) : '',
      parentId: parent?.id ?? null,
      depth,
      children: new Set(),
      formId: parent ? (parent.type === NodeType.Element && parent.tag === 'form' ? parent.id : parent.formId) : null,
      inWidget: parent ? parent.inWidget || (parent.type === NodeType.Element && parent.tag === WIDGET_TAG) : false,
    };
    if (isRecord(serialized.attributes)) {
      for (const name of KEPT_ATTRIBUTES) {
        if (!Object.hasOwn(serialized.attributes, name)) continue;
        const value = serialized.attributes[name];
        if (typeof value === 'string') node.attributes[name] = value.slice(0, MAX_DOM_VALUE_CHARS);
        else if (value === true) node.attributes[name] = '';
      }
    }
    return node;
  }

  private setAttributes(node: MirrorNode, attributes: Record<string, unknown>): void {
    this.indexLabel(node, false);
    for (const name of KEPT_ATTRIBUTES) {
      if (!Object.hasOwn(attributes, name)) continue;
      const value = attributes[name];
      if (value === null) delete node.attributes[name];
      else if (typeof value === 'string') node.attributes[name] = value.slice(0, MAX_DOM_VALUE_CHARS);
    }
    this.indexLabel(node, true);
  }

  private indexLabel(node: MirrorNode, present: boolean): void {
    const target = node.tag === 'label' ? node.attributes.for : undefined;
    if (!target) return;
    const labels = this.labelsFor.get(target);
    if (present) {
      if (labels) labels.add(node.id);
      else this.labelsFor.set(target, new Set([node.id]));
    } else if (labels) {
      labels.delete(node.id);
      if (labels.size === 0) this.labelsFor.delete(target);
    }
  }

  /** Removes a node and its subtree (each node is removed once, so the work is paid for by its adding). */
  private remove(id: number): void {
    const node = this.nodes.get(id);
    if (!node) return;
    this.parentOf(node)?.children.delete(id);
    const stack = [id];
    while (stack.length > 0) {
      const current = this.nodes.get(stack.pop()!);
      if (!current) continue;
      this.nodes.delete(current.id);
      this.indexLabel(current, false);
      for (const child of current.children) stack.push(child);
    }
  }
}

function isInteractive(node: MirrorNode): boolean {
  if (INTERACTIVE_TAGS.has(node.tag)) return node.tag !== 'a' || 'href' in node.attributes || 'role' in node.attributes;
  const role = node.attributes.role;
  return Boolean(role && INTERACTIVE_ROLES.has(role)) || 'onclick' in node.attributes || node.attributes.tabindex === '0';
}

function isButtonInput(node: MirrorNode): boolean {
  return node.tag === 'input' && ['button', 'submit', 'reset', 'image'].includes((node.attributes.type ?? '').toLowerCase());
}

function isSubmitControl(node: MirrorNode, inForm: boolean): boolean {
  const type = (node.attributes.type ?? '').toLowerCase();
  if (node.tag === 'button') return type === 'submit' || (type === '' && inForm);
  return node.tag === 'input' && (type === 'submit' || type === 'image');
}

const clip = (text: string): string => (text.length > MAX_LABEL_CHARS ? `${text.slice(0, MAX_LABEL_CHARS - 1)}…` : text);
const clipText = (text: string): string => text.slice(0, MAX_DOM_VALUE_CHARS);
const squash = (text: string): string => text.replace(/\s+/g, ' ').trim();
