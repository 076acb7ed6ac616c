/**
 * What a masked form field records instead of its value (rrweb's `maskInputFn`), in every path rrweb
 * masks: full snapshots, added nodes, `value` attribute changes and input events.
 *
 * rrweb's default, `*` for each character, is not a value a typed field can hold: the replay rejects
 * it (a colour field shows black and warns, a date or number field shows empty). Typed fields get a
 * neutral value of their type instead — the same whatever the visitor entered, so it tells nothing
 * of the real one — and a select its first option; text-like fields keep the `*`s (their length
 * shows, as before). An empty field stays empty.
 */
const NEUTRAL_VALUES: Record<string, string> = {
  color: '#000000',
  date: '1970-01-01',
  'datetime-local': '1970-01-01T00:00',
  month: '1970-01',
  week: '1970-W01',
  time: '00:00',
  number: '0',
};

export function maskedInputValue(text: string, element?: HTMLElement): string {
  if (text === '') return '';
  if (element instanceof HTMLSelectElement) return element.options[0]?.value ?? '';
  const type = element instanceof HTMLInputElement ? element.type : '';
  // A range's minimum is a value it always accepts (its default, the midpoint, depends on the step).
  if (type === 'range') return String(Number.isFinite(parseFloat((element as HTMLInputElement).min)) ? parseFloat((element as HTMLInputElement).min) : 0);
  return NEUTRAL_VALUES[type] ?? '*'.repeat(text.length);
}
