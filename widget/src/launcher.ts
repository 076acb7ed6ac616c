import { fetchAppearance, paintAppearance, rememberedAppearance } from './appearance.js';
import type { ChatreelWidget } from './chatreel-widget.js';
import { launcherCss } from './launcher-styles.js';
import { hasSessionUnderWay } from './session-under-way.js';

/**
 * The launcher the first script paints without Lit (issue 20: the first script ≤ 8 KB gzip). A page
 * where the visitor never chats needs only this button; the full <chatreel-widget> (Lit, the panel's
 * frame, the connection, the recorder's controller) is a chunk loaded when the visitor reaches for the
 * launcher (pointer over it, focus, touch: so the click finds it loaded), clicks it, a session is under
 * way, or the site's script asks for it. `customElements.define` then upgrades the same element: it
 * keeps its shadow root and replaces this button with its own (chatreel-widget.ts, createRenderRoot).
 */

export const WIDGET_TAG = 'chatreel-widget';
/** The launcher's speech bubble, drawn by both launchers. */
export const LAUNCHER_ICON_PATH = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z';

type UndefinedWidget = HTMLElement & { key?: string; server?: string };

let loading: Promise<void> | undefined;

/** Loads (once) the chunk that defines <chatreel-widget>; a failed fetch is tried again on the next call. */
export function loadWidget(): Promise<void> {
  loading ??= import('./chatreel-widget.js').then(
    () => undefined,
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** The element as the full widget, loading it first if need be. */
export async function upgraded(element: Element): Promise<ChatreelWidget> {
  await loadWidget();
  await customElements.whenDefined(WIDGET_TAG);
  return element as ChatreelWidget;
}

/**
 * Paints the launcher in the element's (new, open) shadow root, unless the element is defined already
 * or has a root of its own; loads the full widget at once when a session is under way.
 */
export function startLauncher(element: UndefinedWidget): void {
  if (!customElements.get(WIDGET_TAG) && !element.shadowRoot) paint(element);
  if (hasSessionUnderWay()) void loadWidget().catch(() => undefined);
}

function paint(element: UndefinedWidget): void {
  const root = element.attachShadow({ mode: 'open' });
  adoptStyles(root);
  const button = document.createElement('button');
  button.className = 'launcher';
  button.setAttribute('part', 'launcher');
  button.setAttribute('aria-label', 'Open chat');
  button.setAttribute('aria-expanded', 'false');
  button.innerHTML = `<svg width="26" height="26" viewBox="0 0 24 24" aria-hidden="true" fill="currentColor"><path d="${LAUNCHER_ICON_PATH}"></path></svg>`;
  root.append(button);
  showInTopLayer(element);
  paintRemembered(element, button);

  const prefetch = () => void loadWidget().catch(() => undefined);
  for (const type of ['pointerenter', 'focus', 'touchstart']) button.addEventListener(type, prefetch, { once: true, passive: true });
  // Unreachable server: nothing opens; the next click tries again.
  const open = () => void upgraded(element).then((widget) => widget.openChat(), () => undefined);
  button.addEventListener('click', open);
  // The element loaded during a press (pointer down here, up on the element's own launcher): the browser
  // gives that press no click, so its release opens the chat (after any click it did give: opening is idempotent).
  button.addEventListener('pointerdown', () => {
    const release = (event: Event) => {
      const onLauncher = event.composedPath().some((node) => node instanceof HTMLButtonElement && node.classList.contains('launcher'));
      if (!button.isConnected && onLauncher) setTimeout(open, 0);
    };
    element.addEventListener('pointerup', release, { once: true });
  });
}

/**
 * As the full element's AppearanceController does: the appearance remembered for the key at once; on a
 * first visit the button stays unpainted until the server answers or APPEARANCE_WAIT_MS pass.
 */
function paintRemembered(element: UndefinedWidget, button: HTMLButtonElement): void {
  const key = element.key ?? element.getAttribute('key') ?? '';
  const server = element.server ?? element.getAttribute('server') ?? '';
  if (!key) return;
  const remembered = rememberedAppearance(key);
  if (remembered) paintAppearance(element, remembered);
  else button.classList.add('unpainted');
  void fetchAppearance(server, key).then((appearance) => {
    // Once the full element has taken over, it paints (the same answer: fetchAppearance shares it).
    if (!button.isConnected) return;
    if (appearance) paintAppearance(element, appearance);
    button.classList.remove('unpainted');
  });
}

function adoptStyles(root: ShadowRoot): void {
  if ('adoptedStyleSheets' in root && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(launcherCss);
    root.adoptedStyleSheets = [sheet];
  } else {
    const style = document.createElement('style');
    style.textContent = launcherCss;
    root.append(style);
  }
}

/**
 * Puts the widget in the browser's top layer (a manual popover): above everything on the page whatever
 * its z-indexes, and placed against the viewport even when the page gives `body` (or every element) a
 * `transform` or `filter`, which would otherwise make a fixed element scroll away with the page.
 * Browsers without popovers keep the fixed position and the z-index.
 */
export function showInTopLayer(element: HTMLElement): void {
  if (typeof element.showPopover !== 'function') return;
  element.popover = 'manual';
  try {
    element.showPopover();
  } catch {
    /* already shown, or not in a document: the fixed position still applies */
  }
}
