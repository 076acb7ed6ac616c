import { EventType, IncrementalSource, MouseInteraction } from '../../../server/src/insights/rrweb-shapes.js';
import { MAX_STRUGGLE_LABEL_CHARS } from '../../../server/src/protocol/limits.js';
import { ERROR_TAG, type RecordedEvent } from '../../../server/src/protocol/recording-events.js';
import {
  DEAD_CLICK_WINDOW_MS,
  ERROR_CLICK_WINDOW_MS,
  FORM_STALL_MS,
  RAGE_MIN_CLICKS,
  RAGE_RADIUS_PX,
  RAGE_WINDOW_MS,
  STRUGGLE_REPORT_INTERVAL_MS,
  type LiveStruggleType,
  type StruggleReport,
} from '../../../server/src/protocol/struggle.js';
import type { ClickTarget } from './click-targets.js';

/** Clicks kept to blame a later failure on (a request may answer long after the click that made it). */
const MAX_RECENT_CLICKS = 50;
const RECENT_CLICK_MS = 60_000;
/** Forms watched for a stall at once, and dead-click checks pending at once, on one page. */
const MAX_WATCHED_FORMS = 20;
const MAX_PENDING_DEAD_CHECKS = 10;
/** The click a <label> forwards to its control comes in the same task as the visitor's (measured: ≤ 1 ms). */
const FORWARDED_CLICK_MS = 20;

export interface StruggleDetectorDeps {
  /** What a recorded node is; null for the widget's own nodes and unknown ones. */
  target(id: number): ClickTarget | null;
  /** The form a recorded field belongs to, or null. */
  form(id: number): { key: object; label: string } | null;
  report(report: StruggleReport): void;
  /** Whether the visitor has the page in view (a hidden page is not a stalled form). */
  visible(): boolean;
  /** Whether a watched form is still on the page. */
  present(form: object): boolean;
  /** Whether the visitor has text selected (a triple click selects a paragraph). */
  selectingText(): boolean;
}

interface Click extends ClickTarget {
  ts: number;
  x: number;
  y: number;
  blamed: boolean;
}

interface WatchedForm {
  label: string;
  timer: ReturnType<typeof setTimeout> | undefined;
  done: boolean;
}

const quoted = (text: string) => `“${text}”`;
const coordinate = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/**
 * Spots struggle live (issue 21) from the events the recorder emits, with the thresholds the insights
 * use afterwards: rage clicks (several quick clicks in one spot), error clicks (a click followed by a
 * JavaScript error, a console error or a failed request), dead clicks (a control that changed nothing)
 * and stalled forms (started, then neither typed into nor sent). Each kind is reported at most once
 * per STRUGGLE_REPORT_INTERVAL_MS. Everything it keeps is bounded.
 */
export class StruggleDetector {
  private clicks: Click[] = [];
  private lastReactionTs = -Infinity;
  private readonly lastReport = new Map<LiveStruggleType, number>();
  private readonly deadChecks = new Set<ReturnType<typeof setTimeout>>();
  private readonly forms = new Map<object, WatchedForm>();
  private stopped = false;

  constructor(private readonly deps: StruggleDetectorDeps) {}

  observe(event: RecordedEvent): void {
    if (this.stopped) return;
    const data = (event.data ?? {}) as Record<string, unknown>;
    if (event.type === EventType.Meta || event.type === EventType.FullSnapshot) this.reaction(event.timestamp);
    else if (event.type === EventType.Custom) this.custom(event);
    else if (event.type === EventType.IncrementalSnapshot) {
      if (data.source === IncrementalSource.Mutation) {
        const lists = [data.adds, data.removes, data.texts, data.attributes];
        if (lists.some((list) => Array.isArray(list) && list.length > 0)) this.reaction(event.timestamp);
      } else if (data.source === IncrementalSource.Scroll) this.reaction(event.timestamp);
      else if (data.source === IncrementalSource.Input) {
        this.reaction(event.timestamp);
        this.formInput(data.id);
      } else if (data.source === IncrementalSource.MouseInteraction && data.type === MouseInteraction.Click) {
        this.click(event.timestamp, data);
      }
    }
  }

  /** The form was sent: it is no longer watched for a stall. */
  formSubmitted(form: object): void {
    const watched = this.forms.get(form);
    if (!watched) return;
    clearTimeout(watched.timer);
    watched.done = true;
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.deadChecks) clearTimeout(timer);
    for (const form of this.forms.values()) clearTimeout(form.timer);
  }

  private reaction(ts: number) {
    this.lastReactionTs = Math.max(this.lastReactionTs, ts);
  }

  private click(ts: number, data: Record<string, unknown>) {
    const target = typeof data.id === 'number' ? this.deps.target(data.id) : null;
    if (!target) return;
    const click: Click = { ...target, ts, x: coordinate(data.x), y: coordinate(data.y), blamed: false };
    // A <label> clicks its control too, at the same spot in the same task: one click of the visitor's.
    const previous = this.clicks.at(-1);
    if (previous && previous.key !== click.key && previous.x === click.x && previous.y === click.y && ts - previous.ts <= FORWARDED_CLICK_MS) return;
    this.clicks = [...this.clicks.filter((earlier) => ts - earlier.ts <= RECENT_CLICK_MS).slice(-(MAX_RECENT_CLICKS - 1)), click];
    const burst = this.clicks.filter((other) => ts - other.ts <= RAGE_WINDOW_MS && Math.hypot(other.x - click.x, other.y - click.y) <= RAGE_RADIUS_PX);
    // Three clicks that selected text are a triple click (reading, copying), not rage; a fourth is.
    const tripleClick = burst.length === 3 && this.deps.selectingText();
    if (burst.length >= RAGE_MIN_CLICKS && !tripleClick) this.report('rage_click', `${burst.length} rapid clicks on ${quoted(target.label)}`);
    // Clicking into a field only focuses it; a click on what is not a control is not expected to do anything.
    if (!target.interactive || target.isField || this.deadChecks.size >= MAX_PENDING_DEAD_CHECKS) return;
    const check = setTimeout(() => {
      this.deadChecks.delete(check);
      if (this.lastReactionTs < ts && !click.blamed) this.report('dead_click', `Click on ${quoted(target.label)} did nothing`);
    }, DEAD_CLICK_WINDOW_MS);
    this.deadChecks.add(check);
  }

  private custom(event: RecordedEvent) {
    const data = (event.data ?? {}) as { tag?: unknown; payload?: { message?: unknown } };
    if (data.tag === ERROR_TAG) this.failure(event.timestamp, `raised ${quoted(String(data.payload?.message ?? 'an error'))}`);
  }

  /**
   * Something went wrong at `ts` (a request: when it was made): blamed on the latest click before it,
   * if that was recent enough and not blamed yet. `outcome` says what, for people ("got 503 from …").
   */
  failure(ts: number, outcome: string): void {
    if (this.stopped) return;
    this.reaction(ts);
    const click = this.clicks.findLast((candidate) => candidate.ts <= ts);
    if (!click || click.blamed || ts - click.ts > ERROR_CLICK_WINDOW_MS) return;
    click.blamed = true;
    this.report('error_click', `Click on ${quoted(click.label)} ${outcome}`);
  }

  private formInput(id: unknown) {
    const form = typeof id === 'number' ? this.deps.form(id) : null;
    if (!form) return;
    let watched = this.forms.get(form.key);
    if (!watched) {
      if (this.forms.size >= MAX_WATCHED_FORMS) return;
      watched = { label: form.label, timer: undefined, done: false };
      this.forms.set(form.key, watched);
    }
    if (watched.done) return;
    clearTimeout(watched.timer);
    const entry = watched;
    const check = () => {
      if (this.stopped || entry.done || !this.deps.present(form.key)) return;
      // Away from the page is not stuck on it: look again once the visitor could have come back.
      if (!this.deps.visible()) return void (entry.timer = setTimeout(check, FORM_STALL_MS));
      entry.done = true;
      this.report('form_stalled', `Stopped filling ${quoted(entry.label)} for ${Math.round(FORM_STALL_MS / 1000)} s`);
    };
    entry.timer = setTimeout(check, FORM_STALL_MS);
  }

  private report(type: LiveStruggleType, label: string) {
    const now = Date.now();
    if (now - (this.lastReport.get(type) ?? -Infinity) < STRUGGLE_REPORT_INTERVAL_MS) return;
    this.lastReport.set(type, now);
    this.deps.report({ type, label: label.slice(0, MAX_STRUGGLE_LABEL_CHARS) });
  }
}
