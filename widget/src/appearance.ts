import { WIDGET_APPEARANCE_PATH, type WidgetAppearance } from '../../server/src/protocol/events.js';

/**
 * The application's colour and corner for the launcher, shared by the first script's plain launcher
 * (launcher.ts) and the full element's AppearanceController: one lookup, one parser, one place that
 * paints them on the host. No Lit here: the first script imports this.
 */

/** How long the launcher stays unpainted waiting for its appearance before it shows the default look. */
export const APPEARANCE_WAIT_MS = 3_000;
/** Per application key: the appearance last seen, so the next page paints it at once. */
const STORAGE_PREFIX = 'chatreel:appearance:';

/** One request per server and key for the page's life: the launcher and the element it becomes share it. */
const requests = new Map<string, Promise<WidgetAppearance | undefined>>();

/** `GET <server>/widget/appearance/<key>`, remembered for the next page; undefined when unreachable, slow or odd. */
export function fetchAppearance(server: string, key: string): Promise<WidgetAppearance | undefined> {
  const id = `${server}\n${key}`;
  let request = requests.get(id);
  if (!request) {
    request = requestAppearance(server, key);
    requests.set(id, request);
  }
  return request;
}

async function requestAppearance(server: string, key: string): Promise<WidgetAppearance | undefined> {
  try {
    const response = await fetch(`${server}${WIDGET_APPEARANCE_PATH}/${encodeURIComponent(key)}`, {
      credentials: 'omit',
      signal: AbortSignal.timeout(APPEARANCE_WAIT_MS),
    });
    const body = response.ok ? ((await response.json()) as { data?: { appearance?: unknown } }) : undefined;
    const appearance = parseAppearance(body?.data?.appearance);
    if (appearance) rememberAppearance(key, appearance);
    return appearance;
  } catch {
    return undefined; // unreachable or slow: the default look (or the remembered one) stays
  }
}

/** The appearance remembered for this key on an earlier page, if any (and if it is sound). */
export function rememberedAppearance(key: string): WidgetAppearance | undefined {
  return parseAppearance(readJson(STORAGE_PREFIX + key));
}

export function rememberAppearance(key: string, appearance: WidgetAppearance): void {
  writeJson(STORAGE_PREFIX + key, appearance);
}

/** The corner and colour on the host element (the application's colour is the fallback; a site's own --chatreel-accent wins). */
export function paintAppearance(host: HTMLElement, appearance: WidgetAppearance): void {
  host.dataset.position = appearance.position;
  host.style.setProperty('--chatreel-app-accent', appearance.color);
}

/** Storage and answers are read as untrusted: only a real colour and a known corner are used. */
export function parseAppearance(value: unknown): WidgetAppearance | undefined {
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
