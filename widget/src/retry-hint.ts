/** The server's retry hint (`details.retryAfterMs` of E_RATE_LIMITED), or 0 when it gave none. */
export function retryAfterMs(details: unknown): number {
  const value = (details as { retryAfterMs?: unknown } | null | undefined)?.retryAfterMs;
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}
