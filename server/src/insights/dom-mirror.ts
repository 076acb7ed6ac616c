import { NodeType, type MutationData, type SerializedNode } from './rrweb-shapes.js';

/** Longest element label kept; a click on a whole card would otherwise quote the card. */
const MAX_LABEL_CHARS = 60;
/** How far up from the clicked node an interactive ancestor (a button around an icon) is looked for. */
const MAX_INTERACTIVE_DEPTH = 6;

const INTERACTIVE_TAGS = new Set(['a', 'button', 'input', 'select', 'textarea', 'summary', 'label', 'option']);
const INTERACTIVE_ROLES = new Set(['button', 'link', 'menuitem', 'tab', 'checkbox', 'radio', 'switch', 'option', 'combobox']);
const FIELD_TAGS = new Set(['input', 'textarea', 'select']);

interface MirrorNode {
  id: number;
  type: number;
  tag: string;
  attributes: Record<string, string>;
  text: string;
  parentId: number | null;
  children: number[];
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
 */
export class DomMirror {
  private nodes = new Map<number, MirrorNode>();
  /** Descriptions since the DOM last changed: every keystroke in a field asks for the same one. */
  private described = new Map<number, ElementFacts | null>();

  reset(root: SerializedNode): void {
    this.nodes.clear();
    this.described.clear();
    this.add(root, null);
  }

  applyMutation(data: MutationData): void {
    this.described.clear();
    for (const { id } of data.removes ?? []) this.remove(id);
    for (const { parentId, node } of data.adds ?? []) this.add(node, parentId);
    for (const { id, value } of data.texts ?? []) {
      const node = this.nodes.get(id);
      if (node) node.text = value ?? '';
    }
    for (const { id, attributes } of data.attributes ?? []) {
      const node = this.nodes.get(id);
      if (!node) continue;
      for (const [name, value] of Object.entries(attributes ?? {})) {
        if (value === null) delete node.attributes[name];
        else if (typeof value === 'string') node.attributes[name] = value;
      }
    }
  }

  describe(id: number): ElementFacts | null {
    if (!this.described.has(id)) this.described.set(id, this.read(id));
    return this.described.get(id) ?? null;
  }

  private read(id: number): ElementFacts | null {
    const node = this.nodes.get(id);
    if (!node) return null;
    const element = node.type === NodeType.Element ? node : this.parentOf(node);
    if (!element) return null;
    const interactive = this.closest(element, (candidate) => isInteractive(candidate));
    const target = interactive ?? element;
    const form = this.closest(target, (candidate) => candidate.tag === 'form', Infinity);
    return {
      id,
      interactiveId: interactive?.id ?? null,
      label: this.label(target),
      tag: target.tag,
      formId: form?.id ?? null,
      isField: FIELD_TAGS.has(target.tag) && !isButtonInput(target),
      isSubmit: isSubmitControl(target, Boolean(form)),
      inWidget: this.closest(target, (candidate) => candidate.tag === WIDGET_TAG, Infinity) !== null,
    };
  }

  /** A form's name for people: its aria-label, name or id. */
  formName(id: number): string {
    const node = this.nodes.get(id);
    if (!node) return 'a form';
    return clip(node.attributes['aria-label'] || node.attributes.name || node.attributes.id || 'a form');
  }

  private label(node: MirrorNode): string {
    const a = node.attributes;
    if (a['aria-label']) return clip(a['aria-label']);
    if (FIELD_TAGS.has(node.tag) && !isButtonInput(node)) {
      const label = this.fieldLabel(node);
      return clip(label || a.placeholder || a.name || a.id || node.tag);
    }
    if (isButtonInput(node) && a.value) return clip(a.value);
    const text = this.textOf(node).replace(/\s+/g, ' ').trim();
    return clip(text || a.title || a.alt || a.name || a.id || node.tag);
  }

  /** The text of a `<label for=id>` or of a wrapping `<label>`. */
  private fieldLabel(node: MirrorNode): string {
    const wrapping = this.closest(node, (candidate) => candidate.tag === 'label', 3);
    if (wrapping) return this.textOf(wrapping).replace(/\s+/g, ' ').trim();
    const id = node.attributes.id;
    if (!id) return '';
    for (const candidate of this.nodes.values()) {
      if (candidate.tag === 'label' && candidate.attributes.for === id) return this.textOf(candidate).replace(/\s+/g, ' ').trim();
    }
    return '';
  }

  private textOf(node: MirrorNode, budget = { chars: MAX_LABEL_CHARS * 2 }): string {
    if (node.type === NodeType.Text) {
      budget.chars -= node.text.length;
      return node.text;
    }
    // A textarea's text is what the visitor typed: never a label, masked or not.
    if (node.tag === 'script' || node.tag === 'style' || node.tag === 'textarea') return '';
    let text = '';
    for (const childId of node.children) {
      if (budget.chars <= 0) break;
      const child = this.nodes.get(childId);
      if (child) text += ` ${this.textOf(child, budget)}`;
    }
    return text;
  }

  private parentOf(node: MirrorNode): MirrorNode | null {
    return node.parentId === null ? null : (this.nodes.get(node.parentId) ?? null);
  }

  private closest(node: MirrorNode, test: (candidate: MirrorNode) => boolean, depth = MAX_INTERACTIVE_DEPTH): MirrorNode | null {
    let current: MirrorNode | null = node;
    for (let level = 0; current && level <= depth; level++) {
      if (current.type === NodeType.Element && test(current)) return current;
      current = this.parentOf(current);
    }
    return null;
  }

  private add(serialized: SerializedNode, parentId: number | null): void {
    const attributes: Record<string, string> = {};
    for (const [name, value] of Object.entries(serialized.attributes ?? {})) {
      if (typeof value === 'string') attributes[name] = value;
      else if (value === true) attributes[name] = '';
    }
    this.remove(serialized.id);
    this.nodes.set(serialized.id, {
      id: serialized.id,
      type: serialized.type,
      tag: (serialized.tagName ?? '').toLowerCase(),
      attributes,
      text: serialized.type === NodeType.Text ? (serialized.textContent ?? '') : '',
      parentId,
      children: [],
    });
    const parent = parentId === null ? undefined : this.nodes.get(parentId);
    if (parent) parent.children.push(serialized.id);
    for (const child of serialized.childNodes ?? []) this.add(child, serialized.id);
  }

  private remove(id: number): void {
    const node = this.nodes.get(id);
    if (!node) return;
    const parent = this.parentOf(node);
    if (parent) parent.children = parent.children.filter((child) => child !== id);
    const stack = [id];
    while (stack.length) {
      const current = this.nodes.get(stack.pop()!);
      if (!current) continue;
      this.nodes.delete(current.id);
      stack.push(...current.children);
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
