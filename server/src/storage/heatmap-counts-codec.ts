/**
 * Heatmap counts as one binary value: `(index delta, count)` pairs as unsigned LEB128 varints, in
 * index order, zero counts left out. A document's cost on FerretDB 1.x is in its fields (each one is
 * decoded into Go values on every read and rewritten on every update): a pattern's month of clicks as
 * one field per cell was thousands of fields; as one binary field it is one, a few KB.
 */

/** Bytes a varint may take: 35 bits, far past any count one cell reaches. */
const MAX_VARINT_BYTES = 5;

/** Encodes a dense array (index → count) of non-negative integer counts below 2^35. */
export function encodeCounts(dense: ArrayLike<number>): Uint8Array {
  let nonZero = 0;
  for (let i = 0; i < dense.length; i++) if (dense[i] > 0) nonZero++;
  const out = new Uint8Array(nonZero * 2 * MAX_VARINT_BYTES);
  let at = 0;
  const put = (value: number) => {
    let rest = value;
    while (rest >= 0x80) {
      out[at++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    out[at++] = rest;
  };
  let previous = -1;
  for (let i = 0; i < dense.length; i++) {
    if (!(dense[i] > 0)) continue;
    put(i - previous - 1);
    put(dense[i]);
    previous = i;
  }
  return out.slice(0, at);
}

/**
 * Adds encoded counts into `dense` (index → count). Indexes past its end and a truncated tail are
 * left out: the bytes come from the database, but a bad value costs its own counts, nothing more.
 */
export function addCounts(bytes: Uint8Array, dense: { length: number; [index: number]: number }): void {
  let at = 0;
  const take = (): number | null => {
    let value = 0;
    for (let shift = 0; shift < 7 * MAX_VARINT_BYTES; shift += 7) {
      if (at >= bytes.length) return null;
      const byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    return null;
  };
  for (let index = -1; at < bytes.length; ) {
    const delta = take();
    const count = take();
    if (delta === null || count === null) return;
    index += delta + 1;
    if (index >= dense.length) return;
    dense[index] += count;
  }
}
