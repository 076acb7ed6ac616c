import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { SessionInsights } from '../../../server/src/protocol/insights.js';
import { insightsApi } from '../insights/insights-api.js';

/** While insights are on their way (a session just ended, or a recompute runs), ask again this often… */
const INSIGHTS_POLL_MS = 2500;
/** …for at most this long after opening or asking… */
const INSIGHTS_POLL_LIMIT_MS = 120_000;
/**
 * …but only this many times while none are stored and none are under way: a session that just ended
 * gets them within seconds; an older one would be asked in vain (each answer derives the timeline anew).
 */
const NONE_POLLS = 4;

/** The replay viewer's insights of one session: loads them, waits for pending ones, asks for new ones. */
export class InsightsController implements ReactiveController {
  insights: SessionInsights | undefined;
  error = '';
  /** What the viewer asked for and waits on. */
  busy: 'recompute' | 'regenerate' | null = null;
  private key = '';
  private timer: ReturnType<typeof setTimeout> | undefined;
  private pollUntil = 0;
  private nonePolls = 0;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostConnected() {}

  hostDisconnected() {
    clearTimeout(this.timer);
    this.key = '';
  }

  /** Loads a session's insights (again), waiting a while for them when they are not ready yet. */
  load(appId: string, sessionId: string) {
    clearTimeout(this.timer);
    const key = `${appId}/${sessionId}`;
    if (key !== this.key) this.set({ insights: undefined, error: '', busy: null });
    this.key = key;
    this.pollUntil = Date.now() + INSIGHTS_POLL_LIMIT_MS;
    this.nonePolls = NONE_POLLS;
    void this.fetch(appId, sessionId, key);
  }

  /** Recomputes signals now; with `regenerateSummary`, a new summary too. */
  async recompute(appId: string, sessionId: string, regenerateSummary: boolean) {
    const key = this.key;
    this.set({ busy: regenerateSummary ? 'regenerate' : 'recompute', error: '' });
    try {
      const insights = await insightsApi.recompute(appId, sessionId, regenerateSummary);
      if (key !== this.key) return;
      this.set({ insights });
      this.pollUntil = Date.now() + INSIGHTS_POLL_LIMIT_MS;
      this.schedule(appId, sessionId, key);
    } catch (error) {
      if (key === this.key) this.set({ error: (error as Error).message });
    } finally {
      if (key === this.key) this.set({ busy: null });
    }
  }

  private async fetch(appId: string, sessionId: string, key: string) {
    try {
      const insights = await insightsApi.get(appId, sessionId);
      if (key !== this.key) return;
      this.set({ insights, error: '' });
      this.schedule(appId, sessionId, key);
    } catch (error) {
      if (key === this.key) this.set({ error: (error as Error).message });
    }
  }

  private schedule(appId: string, sessionId: string, key: string) {
    clearTimeout(this.timer);
    const status = this.insights?.status;
    const waiting = status === 'pending' || (status === 'none' && this.nonePolls-- > 0);
    if (waiting && Date.now() < this.pollUntil) this.timer = setTimeout(() => void this.fetch(appId, sessionId, key), INSIGHTS_POLL_MS);
  }

  private set(patch: Partial<Pick<InsightsController, 'insights' | 'error' | 'busy'>>) {
    Object.assign(this, patch);
    this.host.requestUpdate();
  }
}
