import type { SessionSummary } from '../../../server/src/protocol/insights.js';

/** Reading a stored summary: its label, its first line, and its `[mm:ss]` timestamps. */

export const SUMMARY_SOURCE_LABELS: Record<SessionSummary['source'], string> = {
  ai: 'AI summary',
  deterministic: 'Automatic summary',
};

/** The first line with text, for one-line previews in lists. */
export function summaryFirstLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .find(Boolean) ?? ''
  );
}

/** A timestamp found in a summary: its text as written and the offset from the recording's start. */
export interface SummaryTimestamp {
  text: string;
  offsetMs: number;
}

/** `[mm:ss]` or `[h:mm:ss]` (seconds below 60; minutes below 60 when hours are given). */
const TIMESTAMP = /\[(?:(\d{1,2}):([0-5]\d)|(\d{1,3})):([0-5]\d)\]/g;

/**
 * Splits a summary into plain text and timestamps, in order, so each timestamp can become a link.
 * Anything else that looks like brackets stays text.
 */
export function splitTimestamps(text: string): Array<string | SummaryTimestamp> {
  const parts: Array<string | SummaryTimestamp> = [];
  let last = 0;
  for (const match of text.matchAll(TIMESTAMP)) {
    const [whole, hours, hourMinutes, minutes, seconds] = match;
    const totalSeconds =
      hours !== undefined ? Number(hours) * 3600 + Number(hourMinutes) * 60 + Number(seconds) : Number(minutes) * 60 + Number(seconds);
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push({ text: whole, offsetMs: totalSeconds * 1000 });
    last = match.index + whole.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}
