import { ChatreelWidget } from './chatreel-widget.js';

/**
 * The one-line embed: `<script type="module" src="https://HOST/widget.js" data-key="pk_…"></script>`.
 * Adds a <chatreel-widget> to the page unless the site placed one by hand.
 */
function mount(): void {
  const script = document.querySelector<HTMLScriptElement>('script[data-key][src*="widget.js"]');
  const key = script?.dataset.key;
  if (!key || document.querySelector(ChatreelWidget.tagName)) return;
  const element = document.createElement(ChatreelWidget.tagName) as ChatreelWidget;
  element.key = key;
  element.server = new URL(script!.src, location.href).origin;
  // `data-consent="true"` (or "given"): the site's consent manager already has the visitor's consent.
  if (/^(true|given)$/.test(script!.dataset.consent ?? '')) void element.consent(true);
  document.body.append(element);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', mount, { once: true });
else mount();

/**
 * `window.Chatreel`: the site's handle on the widget (the first <chatreel-widget> on the page).
 * Calls made before the element exists wait for it. Events (`chatreel:open`, `chatreel:close`,
 * `chatreel:message`, `chatreel:identify`, `chatreel:reset`) bubble to `document`.
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
  await customElements.whenDefined(ChatreelWidget.tagName);
  const found = document.querySelector(ChatreelWidget.tagName);
  if (found) return found;
  await new Promise((resolve) => document.addEventListener('DOMContentLoaded', resolve, { once: true }));
  return document.querySelector(ChatreelWidget.tagName)!;
}

const api: ChatreelApi = {
  open: () => void widgetElement().then((el) => el.openChat()),
  close: () => void widgetElement().then((el) => el.closeChat()),
  identify: async (identity) => (await widgetElement()).identify(identity),
  reset: async () => (await widgetElement()).reset(),
  consent: async (given) => (await widgetElement()).consent(given),
};
(window as unknown as { Chatreel: ChatreelApi }).Chatreel = api;

export { ChatreelWidget };
