import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ERROR_TAG } from '../../../server/src/protocol/recording-events.js';
import { DEAD_CLICK_WINDOW_MS, FORM_STALL_MS, STRUGGLE_REPORT_INTERVAL_MS, type StruggleReport } from '../../../server/src/protocol/struggle.js';
import type { ClickTarget } from './click-targets.js';
import { StruggleDetector } from './struggle-detector.js';

const COUPON: ClickTarget = { key: {}, label: 'Apply coupon', interactive: true, isField: false };
const TEXT: ClickTarget = { key: {}, label: 'a p', interactive: false, isField: false };
const FIELD: ClickTarget = { key: {}, label: 'Email', interactive: true, isField: true };
const LABEL: ClickTarget = { key: {}, label: 'Send me the newsletter', interactive: true, isField: false };
const CHECKBOX: ClickTarget = { key: {}, label: 'Send me the newsletter', interactive: true, isField: false };
const TARGETS: Record<number, ClickTarget> = { 1: COUPON, 2: TEXT, 3: FIELD, 4: LABEL, 5: CHECKBOX };
const FORM = { key: {}, label: 'checkout' };

const click = (id: number, x = 100, y = 100) => ({ type: 3, timestamp: Date.now(), data: { source: 2, type: 2, id, x, y } });
const mutation = () => ({ type: 3, timestamp: Date.now(), data: { source: 0, adds: [{}], removes: [], texts: [], attributes: [] } });
const input = (id: number) => ({ type: 3, timestamp: Date.now(), data: { source: 5, id, text: '***' } });
const jsError = (message: string) => ({ type: 5, timestamp: Date.now(), data: { tag: ERROR_TAG, payload: { message } } });

function detector(options: { visible?: () => boolean; present?: () => boolean; selectingText?: () => boolean } = {}) {
  const reports: StruggleReport[] = [];
  const found = new StruggleDetector({
    target: (id) => TARGETS[id] ?? null,
    form: (id) => (id === 3 ? FORM : null),
    report: (report) => reports.push(report),
    visible: options.visible ?? (() => true),
    present: options.present ?? (() => true),
    selectingText: options.selectingText ?? (() => false),
  });
  return { found, reports };
}

beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
afterEach(() => vi.useRealTimers());

describe('StruggleDetector', () => {
  it('reports a rage click at the third quick click in one spot, once for a burst', () => {
    const { found, reports } = detector();
    found.observe(click(1));
    vi.advanceTimersByTime(200);
    found.observe(click(1, 110, 95));
    expect(reports).toEqual([]);
    vi.advanceTimersByTime(200);
    found.observe(click(1, 104, 102));
    vi.advanceTimersByTime(100);
    found.observe(click(1));
    expect(reports.filter((r) => r.type === 'rage_click')).toEqual([{ type: 'rage_click', label: '3 rapid clicks on “Apply coupon”' }]);
  });

  it('does not take a double click on a label (the browser clicks its checkbox too) for rage', () => {
    const { found, reports } = detector();
    for (let i = 0; i < 2; i++) {
      found.observe(click(4));
      found.observe(click(5));
      vi.advanceTimersByTime(5);
    }
    expect(reports.filter((r) => r.type === 'rage_click')).toEqual([]);
  });

  it('does not take a triple click that selected a paragraph for rage, but a fourth click is', () => {
    const { found, reports } = detector({ selectingText: () => true });
    for (let i = 0; i < 3; i++) {
      found.observe(click(2));
      vi.advanceTimersByTime(80);
    }
    expect(reports.filter((r) => r.type === 'rage_click')).toEqual([]);
    found.observe(click(2));
    expect(reports.filter((r) => r.type === 'rage_click')).toEqual([{ type: 'rage_click', label: '4 rapid clicks on “a p”' }]);
  });

  it('does not take clicks far apart, or slow ones, for rage', () => {
    const { found, reports } = detector();
    found.observe(click(1, 0, 0));
    found.observe(click(1, 200, 0));
    found.observe(click(1, 400, 0));
    vi.advanceTimersByTime(1_500);
    found.observe(click(1, 0, 0));
    vi.advanceTimersByTime(1_500);
    found.observe(click(1, 0, 0));
    expect(reports.filter((r) => r.type === 'rage_click')).toEqual([]);
  });

  it('reports a dead click when a control changes nothing for the window, and not when the page answers', () => {
    const { found, reports } = detector();
    found.observe(click(1));
    vi.advanceTimersByTime(DEAD_CLICK_WINDOW_MS - 1);
    expect(reports).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(reports).toEqual([{ type: 'dead_click', label: 'Click on “Apply coupon” did nothing' }]);

    const answered = detector();
    answered.found.observe(click(1));
    vi.advanceTimersByTime(300);
    answered.found.observe(mutation());
    vi.advanceTimersByTime(DEAD_CLICK_WINDOW_MS);
    expect(answered.reports).toEqual([]);
  });

  it('expects nothing of a click on plain text or into a field', () => {
    const { found, reports } = detector();
    found.observe(click(2));
    found.observe(click(3, 500, 500));
    vi.advanceTimersByTime(DEAD_CLICK_WINDOW_MS * 2);
    expect(reports).toEqual([]);
  });

  it('blames an error, a console error or a failed request made within a second on the click before it', () => {
    const { found, reports } = detector();
    found.observe(click(1));
    vi.advanceTimersByTime(300);
    found.observe(jsError('order is null'));
    expect(reports).toEqual([{ type: 'error_click', label: 'Click on “Apply coupon” raised “order is null”' }]);
    vi.advanceTimersByTime(DEAD_CLICK_WINDOW_MS);
    expect(reports.map((r) => r.type)).toEqual(['error_click']); // an error click is not also a dead one

    // A request made 200 ms after a click that failed 4 s later is still that click's doing.
    vi.advanceTimersByTime(STRUGGLE_REPORT_INTERVAL_MS);
    const clickedAt = Date.now();
    found.observe(click(1, 300, 300));
    vi.advanceTimersByTime(4_200);
    found.failure(clickedAt + 200, 'made a request that failed: POST /api/delivery → 503');
    expect(reports.at(-1)).toEqual({ type: 'error_click', label: 'Click on “Apply coupon” made a request that failed: POST /api/delivery → 503' });
  });

  it('blames nothing on a click longer ago than the window', () => {
    const { found, reports } = detector();
    found.observe(click(2));
    vi.advanceTimersByTime(1_500);
    found.observe(jsError('late'));
    expect(reports).toEqual([]);
  });

  it('reports a form started and then left alone, unless it was sent, gone or out of view', () => {
    let visible = true;
    const { found, reports } = detector({ visible: () => visible });
    found.observe(input(3));
    vi.advanceTimersByTime(FORM_STALL_MS - 1_000);
    found.observe(input(3)); // typing again starts the wait over
    vi.advanceTimersByTime(FORM_STALL_MS - 1);
    expect(reports).toEqual([]);
    visible = false;
    vi.advanceTimersByTime(1);
    expect(reports).toEqual([]);
    visible = true;
    vi.advanceTimersByTime(FORM_STALL_MS);
    expect(reports).toEqual([{ type: 'form_stalled', label: 'Stopped filling “checkout” for 30 s' }]);

    const sent = detector();
    sent.found.observe(input(3));
    sent.found.formSubmitted(FORM.key);
    vi.advanceTimersByTime(FORM_STALL_MS * 2);
    const gone = detector({ present: () => false });
    gone.found.observe(input(3));
    vi.advanceTimersByTime(FORM_STALL_MS * 2);
    expect([...sent.reports, ...gone.reports]).toEqual([]);
  });

  it('reports one kind at most once per interval, and nothing once stopped', () => {
    const { found, reports } = detector();
    for (let burst = 0; burst < 3; burst++) {
      for (let i = 0; i < 4; i++) found.observe(click(2, 50, 50));
      vi.advanceTimersByTime(2_000);
    }
    expect(reports.filter((r) => r.type === 'rage_click').length).toBe(1);
    vi.advanceTimersByTime(STRUGGLE_REPORT_INTERVAL_MS);
    found.stop();
    for (let i = 0; i < 4; i++) found.observe(click(1));
    vi.advanceTimersByTime(DEAD_CLICK_WINDOW_MS);
    expect(reports.filter((r) => r.type === 'rage_click').length).toBe(1);
    expect(reports.filter((r) => r.type === 'dead_click')).toEqual([]);
  });
});
