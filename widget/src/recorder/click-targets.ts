import { MAX_STRUGGLE_LABEL_CHARS } from '../../../server/src/protocol/limits.js';

/** What was clicked, as the struggle detector needs it (struggle-detector.ts). */
export interface ClickTarget {
  /** The control (or the element itself): clicks on one control share it. */
  key: object;
  /** For people: the control's name. Never an input's value; never text from a private area. */
  label: string;
  interactive: boolean;
  /** A text field, select or textarea: a click there only focuses it. */
  isField: boolean;
}

const INTERACTIVE = 'a[href], button, input, select, textarea, summary, label, [role="button"], [role="link"], [role="menuitem"], [role="tab"], [onclick]';
const FIELD_TYPES = /^(text|search|email|url|tel|password|number|date|datetime-local|month|week|time)$/;
const LABEL_CHARS = 60;

const squeeze = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ').trim().slice(0, LABEL_CHARS);

/** The element a recorded node is (a text node's parent), or null. */
export function elementOf(node: Node | null): Element | null {
  if (!node) return null;
  return node.nodeType === Node.ELEMENT_NODE ? (node as Element) : node.parentElement;
}

/** Whether `node` lies in `host`'s shadow tree (or is `host`): the widget's own controls. */
export function isInside(node: Node, host: Element | undefined): boolean {
  for (let current: Node | null = node; current && host; ) {
    if (current === host || host.contains(current)) return true;
    const root = current.getRootNode();
    current = root instanceof ShadowRoot ? root.host : null;
  }
  return false;
}

/** A control's name for people: its accessible label, its visible text, else its kind. Masked areas say so. */
export function controlLabel(element: Element, privateAreas: string | undefined): string {
  if (privateAreas && element.closest(privateAreas)) return 'a masked element';
  const field = element as HTMLInputElement;
  const label =
    squeeze(element.getAttribute('aria-label')) ||
    (element.matches('input, select, textarea')
      ? squeeze(field.labels?.[0]?.textContent) || squeeze(field.placeholder) || squeeze(field.name)
      : squeeze(element.textContent)) ||
    squeeze(element.getAttribute('title'));
  return (label || `a ${element.tagName.toLowerCase()}`).slice(0, MAX_STRUGGLE_LABEL_CHARS);
}

export function clickTarget(node: Node | null, options: { widget: Element | undefined; privateAreas: string | undefined }): ClickTarget | null {
  const element = elementOf(node);
  if (!element || isInside(element, options.widget)) return null;
  const control = element.closest(INTERACTIVE);
  const target = control ?? element;
  const isField =
    target.matches('select, textarea') || (target instanceof HTMLInputElement && FIELD_TYPES.test(target.type));
  return { key: target, label: controlLabel(target, options.privateAreas), interactive: control !== null, isField };
}

/** The form a field belongs to, with its name for people; null outside a form or in the widget. */
export function formOf(node: Node | null, options: { widget: Element | undefined }): { key: object; label: string } | null {
  const element = elementOf(node);
  const form = element?.closest('form');
  if (!form || isInside(form, options.widget)) return null;
  const name = squeeze(form.getAttribute('aria-label')) || squeeze(form.getAttribute('name')) || squeeze(form.id) || squeeze(form.querySelector('h1, h2, h3, legend')?.textContent);
  return { key: form, label: name || 'a form' };
}
