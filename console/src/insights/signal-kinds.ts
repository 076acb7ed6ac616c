import { SIGNAL_TYPES, type SignalType } from '../../../server/src/protocol/signal-types.js';

/** How the console names and colours each kind of signal (chips, filter, replay markers). */

export { SIGNAL_TYPES, type SignalType };

export const SIGNAL_LABELS: Record<SignalType, string> = {
  rage_click: 'Rage click',
  dead_click: 'Dead click',
  error_click: 'Error click',
  js_error: 'JS error',
  hesitation: 'Hesitation',
  form_abandonment: 'Form abandoned',
  handoff_requested: 'Asked for a human',
};

/** What each signal means, for the chip's tooltip. */
export const SIGNAL_DESCRIPTIONS: Record<SignalType, string> = {
  rage_click: 'Three or more quick clicks in one spot',
  dead_click: 'A click on a control that changed nothing',
  error_click: 'A click followed by a JavaScript error',
  js_error: 'A JavaScript error on the page',
  hesitation: 'A long pause before filling a form field',
  form_abandonment: 'A form started but never sent',
  handoff_requested: 'The visitor asked to talk to a person',
};

/** Strong colour (dot, text, replay marker) and pale background per signal; frustration in warm tones. */
export const SIGNAL_COLOURS: Record<SignalType, { strong: string; pale: string }> = {
  rage_click: { strong: '#dc2626', pale: '#fee2e2' },
  dead_click: { strong: '#c2410c', pale: '#ffedd5' },
  error_click: { strong: '#be185d', pale: '#fce7f3' },
  js_error: { strong: '#7c3aed', pale: '#ede9fe' },
  hesitation: { strong: '#0369a1', pale: '#e0f2fe' },
  form_abandonment: { strong: '#0f766e', pale: '#ccfbf1' },
  handoff_requested: { strong: '#4338ca', pale: '#e0e7ff' },
};

export const isSignalType = (value: unknown): value is SignalType => (SIGNAL_TYPES as readonly unknown[]).includes(value);

/** Occurrences per type, in the catalogue's order (unknown types from a newer server are skipped). */
export function countSignals(types: readonly string[]): Array<{ type: SignalType; count: number }> {
  const counts = new Map<SignalType, number>();
  for (const type of types) if (isSignalType(type)) counts.set(type, (counts.get(type) ?? 0) + 1);
  return SIGNAL_TYPES.filter((type) => counts.has(type)).map((type) => ({ type, count: counts.get(type)! }));
}
