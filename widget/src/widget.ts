import type { ChatreelWidget } from './chatreel-widget.js';
import { loadWidget, startLauncher, upgraded, WIDGET_TAG } from './launcher.js';

/**
 * The one-line embed: `<script type="module" src="https://HOST/widget.js" data-key="pk_…"></script>`.
 * Adds a <chatreel-widget> to the page unless the site placed one by hand, and paints its launcher
 * without loading Lit or the chat (launcher.ts): they load when the visitor reaches for it.
 */
function mount(): void {
  const script = document.querySelector<HTMLScriptElement>('script[data-key][src*="widget.js"]');
  const key = script?.dataset.key;
  const placed = document.querySelector<HTMLElement>(WIDGET_TAG);
  if (placed) return startLauncher(placed);
  // Neither a key nor an element yet: the site may place one later, and the full element defines itself.
  if (!key) return void loadWidget().catch(() => undefined);
  const element = document.createElement(WIDGET_TAG) as HTMLElement & Pick<ChatreelWidget, 'key' | 'server'>;
  element.key = key;
  element.server = new URL(script!.src, location.href).origin;
  // `data-consent="true"` (or "given"): the site's consent manager already has the visitor's consent.
  // Given to the element when it loads (before it connects), without loading it for this alone.
  if (/^(true|given)$/.test(script!.dataset.consent ?? '')) {
    void customElements.whenDefined(WIDGET_TAG).then(() => (element as unknown as ChatreelWidget).consent(true));
  }
  document.body.append(element);
  startLauncher(element);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', mount, { once: true });
else mount();

/**
 * `window.Chatreel`: the site's handle on the widget (the first <chatreel-widget> on the page).
 * Calls made before the element exists (or is loaded) wait for it, and load it. Events
 * (`chatreel:open`, `chatreel:close`, `chatreel:message`, `chatreel:identify`, `chatreel:reset`)
 * bubble to `document`.
 */
export interface ChatreelApi {
  open(): void;
  close(): void;
  identify(identity: { userId: string; name?: string; email?: string; userHash?: string }): Promise<void>;
  reset(): Promise<void>;
  /** The visitor's consent to recording (issue 22); `false` stops it at once (and may erase it). */
  consent(given: boolean): Promise<void>;
}

async function widgetElement(): Promise<ChatreelWidget> {
  if (document.readyState === 'loading') await new Promise((resolve) => document.addEventListener('DOMContentLoaded', resolve, { once: true }));
  const element = document.querySelector(WIDGET_TAG);
  if (!element) throw new Error('Chatreel: there is no <chatreel-widget> on this page');
  return upgraded(element);
}

const api: ChatreelApi = {
  open: () => void widgetElement().then((el) => el.openChat()),
  close: () => void widgetElement().then((el) => el.closeChat()),
  identify: async (identity) => (await widgetElement()).identify(identity),
  reset: async () => (await widgetElement()).reset(),
  consent: async (given) => (await widgetElement()).consent(given),
};
(window as unknown as { Chatreel: ChatreelApi }).Chatreel = api;

export type { ChatreelWidget };
