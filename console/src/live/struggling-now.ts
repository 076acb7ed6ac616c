import { css, html, LitElement, nothing } from 'lit';
import { MAX_ACTIVITY_PAGE_SIZE, type SessionRow } from '../../../server/src/protocol/activity.js';
import type { PublicSession } from '../../../server/src/protocol/events.js';
import { HELP_OFFER_LABELS, isStrugglingNow, STRUGGLE_LABELS, type StrugglingSession } from '../../../server/src/protocol/struggle.js';
import { activityApi } from '../activity/activity-api.js';
import { relativeTime, replayHref, visitorLabel } from '../activity/format.js';
import { consoleSocket, type ConsoleSocket } from './console-socket.js';

/** The list's "x minutes ago" and its expiry are looked at again this often. */
const CLOCK_TICK_MS = 15_000;

const fromRow = (appId: string, row: SessionRow): StrugglingSession | null =>
  row.struggle ? { id: row.id, appId, visitorId: row.visitorId, visitorName: row.visitorName, landingUrl: row.landingUrl, status: row.status, struggle: row.struggle } : null;

/**
 * "Struggling now" (issue 21): live sessions of one application whose visitor struggled in the last
 * few minutes, newest first, each with the live view one click away (where the agent can start the
 * conversation). Read from the active sessions when shown and after every reconnect, then kept up to
 * date by `session:struggle` and `session:changed` on the console's connection.
 */
export class StrugglingNow extends LitElement {
  static override properties = { appId: { attribute: 'app-id' }, sessions: { state: true }, now: { state: true } };
  declare appId: string;
  declare sessions: StrugglingSession[];
  declare now: number;
  private socket: ConsoleSocket | undefined;
  private clock: ReturnType<typeof setInterval> | undefined;
  private loading = 0;

  constructor() {
    super();
    this.appId = '';
    this.sessions = [];
    this.now = Date.now();
  }

  static override styles = css`
    :host { display: block; }
    section { background: #fff7ed; border: 1px solid #fed7aa; border-radius: 12px; padding: 12px 16px; margin-bottom: 16px; }
    h2 { margin: 0 0 8px; font-size: 15px; color: #9a3412; }
    ul { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 8px; }
    li { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 12px; }
    .badge { font-size: 12px; font-weight: 700; color: #fff; background: #ea580c; border-radius: 999px; padding: 1px 8px; }
    .what { color: #7c2d12; }
    .muted { color: #6b7280; font-size: 13px; }
    a { color: #4f46e5; font-weight: 600; text-decoration: none; }
    a:hover { text-decoration: underline; }
  `;

  override connectedCallback(): void {
    super.connectedCallback();
    const socket = (this.socket = consoleSocket());
    socket.on('session:struggle', this.onStruggle);
    socket.on('session:changed', this.onChanged);
    socket.on('console:ready', this.onReady);
    this.clock = setInterval(() => (this.now = Date.now()), CLOCK_TICK_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.socket?.off('session:struggle', this.onStruggle);
    this.socket?.off('session:changed', this.onChanged);
    this.socket?.off('console:ready', this.onReady);
    clearInterval(this.clock);
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('appId')) {
      this.sessions = [];
      void this.load();
    }
  }

  /** The application's active sessions that reported struggle (the newest active ones, one page). */
  private async load(): Promise<void> {
    const appId = this.appId;
    const request = ++this.loading;
    if (!appId) return;
    try {
      const page = await activityApi.sessions(appId, { status: 'active', limit: MAX_ACTIVITY_PAGE_SIZE });
      if (request !== this.loading) return;
      const read = page.items.map((row) => fromRow(appId, row)).filter((session): session is StrugglingSession => session !== null);
      // A live report that came in meanwhile is at least as new as the list.
      const known = new Set(read.map((session) => session.id));
      this.sessions = [...read, ...this.sessions.filter((session) => !known.has(session.id))];
      this.now = Date.now();
    } catch {
      // A courtesy list: the live events still fill it.
    }
  }

  private onReady = () => void this.load();

  private onStruggle = ({ session }: { session: StrugglingSession }) => {
    if (session.appId !== this.appId) return;
    this.sessions = [session, ...this.sessions.filter((known) => known.id !== session.id)];
    this.now = Date.now();
  };

  private onChanged = ({ session }: { session: PublicSession }) => {
    if (session.status === 'completed') this.sessions = this.sessions.filter((known) => known.id !== session.id);
  };

  override render() {
    const live = this.sessions
      .filter((session) => isStrugglingNow(session, this.now))
      .sort((a, b) => Date.parse(b.struggle.at) - Date.parse(a.struggle.at));
    if (live.length === 0) return nothing;
    return html`<section aria-labelledby="struggling-title">
      <h2 id="struggling-title">Struggling now</h2>
      <ul>
        ${live.map(
          (session) => html`<li data-session-id=${session.id}>
            <span class="badge">Struggling now</span>
            <strong>${visitorLabel(session.visitorId, session.visitorName)}</strong>
            <span class="what">${STRUGGLE_LABELS[session.struggle.type]}: ${session.struggle.label}</span>
            <span class="muted">${relativeTime(session.struggle.at, this.now)}</span>
            ${session.struggle.helpOffer ? html`<span class="muted help">${HELP_OFFER_LABELS[session.struggle.helpOffer.outcome]}</span>` : nothing}
            <a href=${replayHref(this.appId, session.id)}>Watch live and help</a>
          </li>`,
        )}
      </ul>
    </section>`;
  }
}
if (!customElements.get('struggling-now')) customElements.define('struggling-now', StrugglingNow);
