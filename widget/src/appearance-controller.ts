import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { WIDGET_APPEARANCE_PATH, type WidgetAppearance } from '../../server/src/protocol/events.js';
import type { ConnectionController } from './connection-controller.js';

/** How long the launcher stays unpainted waiting for its appearance before it shows the default look. */
const APPEARANCE_WAIT_MS = 3_000;
/** Per application key: the appearance last seen, so the next page paints it at once. */
const STORAGE_PREFIX = 'chatreel:appearance:';

/**
 * The launcher's colour and corner, right on its first paint. A page view after the first paints the
 * appearance remembered in localStorage for the key at once; the very first one keeps the launcher
 * unpainted until `GET /widget/appearance/<key>` answers (a small, short-cached JSON) — never the
 * default indigo in the wrong corner that then jumps. The answer and every connection's settings
 * refresh what is remembered. Without an answer in APPEARANCE_WAIT_MS, the default look shows.
 */
export class AppearanceController implements ReactiveController {
  /** The application's appearance, once known (undefined: the default look). */
  current: WidgetAppearance | undefined;
  /** The launcher may be painted: the appearance is known, or waiting for it is over. */
  settled = false;
  private loadedKey: string | undefined;

  constructor(
    private readonly host: ReactiveControllerHost & { key: string; server: string },
    connection: ConnectionController,
  ) {
    host.addController(this);
    connection.onReady(() => {
      const appearance = connection.settings?.appearance;
      if (appearance) this.apply({ color: appearance.color, position: appearance.position });
    });
  }

  /** Before every update (the first one included): a new key is looked up before anything is painted. */
  hostUpdate(): void {
    const key = this.host.key;
    if (key === this.loadedKey) return;
    this.loadedKey = key;
    if (!key) {
      this.settled = true;
      return;
    }
    const remembered = parseAppearance(readJson(STORAGE_PREFIX + key));
    if (remembered) {
      this.current = remembered;
      this.settled = true;
    }
    void this.fetchAppearance(key);
  }

  private async fetchAppearance(key: string): Promise<void> {
    try {
      const response = await fetch(`${this.host.server}${WIDGET_APPEARANCE_PATH}/${encodeURIComponent(key)}`, {
        credentials: 'omit',
        signal: AbortSignal.timeout(APPEARANCE_WAIT_MS),
      });
      const body = response.ok ? ((await response.json()) as { data?: { appearance?: unknown } }) : undefined;
      const appearance = parseAppearance(body?.data?.appearance);
      if (appearance && key === this.host.key) return this.apply(appearance);
    } catch {
      /* unreachable or slow: the default look (or the remembered one) stays */
    }
    this.settle();
  }

  private apply(appearance: WidgetAppearance): void {
    this.current = appearance;
    writeJson(STORAGE_PREFIX + this.host.key, appearance);
    this.settle();
  }

  private settle(): void {
    this.settled = true;
    this.host.requestUpdate();
  }
}

/** Storage and answers are read as untrusted: only a real colour and a known corner are used. */
function parseAppearance(value: unknown): WidgetAppearance | undefined {
  const { color, position } = (value ?? {}) as Partial<WidgetAppearance>;
  if (typeof color !== 'string' || !/^#[0-9a-f]{6}$/i.test(color) || (position !== 'left' && position !== 'right')) return undefined;
  return { color, position };
}

// Storage can be blocked (privacy modes, sandboxed frames): the first-visit path then applies on every page.
function readJson(key: string): unknown {
  try {
    return JSON.parse(localStorage.getItem(key) ?? 'null');
  } catch {
    return undefined;
  }
}
function writeJson(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    /* see readJson */
  }
}
