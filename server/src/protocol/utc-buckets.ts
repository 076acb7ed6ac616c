/** UTC bucket keys written on insert so charts group on plain fields (FerretDB has no date operators). */
export function hourKey(at: Date): string {
  return at.toISOString().slice(0, 13); // 2026-11-22T21
}

export function dayKey(at: Date): string {
  return at.toISOString().slice(0, 10); // 2026-11-22
}
