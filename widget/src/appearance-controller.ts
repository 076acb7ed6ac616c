import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { WidgetAppearance } from '../../server/src/protocol/events.js';
import { fetchAppearance, rememberAppearance, rememberedAppearance } from './appearance.js';
import type { ConnectionController } from './connection-controller.js';

/**
 * The launcher's colour and corner, right on its first paint. A page view after the first paints the
 * appearance remembered in localStorage for the key at once; the very first one keeps the launcher
 * unpainted until `GET /widget/appearance/<key>` answers (a small, short-cached JSON) — never the
 * default indigo in the wrong corner that then jumps. The answer and every connection's settings
 * refresh what is remembered. Without an answer in APPEARANCE_WAIT_MS, the default look shows.
 * (The first script's launcher, launcher.ts, does the same before this element loads: appearance.ts.)
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
    const remembered = rememberedAppearance(key);
    if (remembered) {
      this.current = remembered;
      this.settled = true;
    }
    void fetchAppearance(this.host.server, key).then((appearance) => {
      if (appearance && key === this.host.key) return this.apply(appearance);
      this.settle();
    });
  }

  private apply(appearance: WidgetAppearance): void {
    this.current = appearance;
    rememberAppearance(this.host.key, appearance);
    this.settle();
  }

  private settle(): void {
    this.settled = true;
    this.host.requestUpdate();
  }
}
