import { MAX_MASKED_FIELDS_CHECKED, MIN_MASKED_VALUE_CHARS } from '../../../server/src/protocol/limits.js';

/** Fields whose value the visitor does not type (or that rrweb records as they are). */
const NOT_TYPED = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'image', 'file', 'hidden', 'range', 'color']);

/**
 * Masks, in a console message, the values of the form fields the recording masks (issue 21): every
 * field when "mask all inputs" is on, password fields always, and fields in private areas (`rr-block`,
 * `rr-mask`, `rr-ignore` and the owner's selectors). A page that logs what the visitor typed then
 * records `*` characters instead, as the recording itself does. Looks at MAX_MASKED_FIELDS_CHECKED
 * fields at most, and at values of MIN_MASKED_VALUE_CHARS characters or more.
 */
export function fieldValueMasker(options: { maskAllInputs: boolean; privateAreas: string | undefined }): (text: string) => string {
  return (text) => {
    if (!text) return text;
    const fields = document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>('input, textarea, select');
    let out = text;
    for (let i = 0; i < Math.min(fields.length, MAX_MASKED_FIELDS_CHECKED); i++) {
      const field = fields[i];
      const type = field instanceof HTMLInputElement ? field.type : '';
      if (NOT_TYPED.has(type)) continue;
      const masked = options.maskAllInputs || type === 'password' || (options.privateAreas !== undefined && field.closest(options.privateAreas) !== null);
      const value = masked ? field.value : '';
      if (value.length < MIN_MASKED_VALUE_CHARS || !out.includes(value)) continue;
      out = out.split(value).join('*'.repeat(value.length));
    }
    return out;
  };
}
