import {
  MAX_FONT_FILE_BYTES,
  MAX_FONT_SCAN_ELEMENTS,
  MAX_FONT_SCAN_RULES,
  MAX_FONT_SCAN_SHEETS,
  MAX_FONTS_PER_PAGE,
} from '../../../server/src/protocol/limits.js';
import { fontFileType, type SharedFontFace } from '../../../server/src/protocol/replay-fonts.js';

/** A font file the page has loaded from its own origin, read and hashed in the browser. */
export interface PageFontFile {
  face: Omit<SharedFontFace, 'sha256'>;
  data: Uint8Array;
  sha256: string;
}

/** `src` formats a browser loads as WOFF2, WOFF, TrueType or OpenType (the files the server takes). */
const FONT_FORMATS = /^(?:woff2|woff|truetype|opentype)(?:-variations)?$/;
/** Descriptors a @font-face leaves out, as a FontFace reports them. */
const DEFAULTS = { style: 'normal', weight: 'normal', stretch: 'normal', unicodeRange: 'U+0-10FFFF' } as const;

interface FontFaceRuleAt {
  rule: CSSFontFaceRule;
  /** The address its relative URLs resolve against: its style sheet's, or the document's. */
  base: string;
}

/**
 * The files of the font faces the page has loaded (`document.fonts`, status `loaded`) that its own
 * origin serves, found through their @font-face rules — in the document's style sheets, their imports
 * and grouping rules, adopted style sheets, and those of open shadow roots. Faces declared in script
 * (`new FontFace`), `data:` URLs (which replay as they are) and other origins' files (public fonts
 * send CORS headers and replay from their own address) are left out. `skip`: addresses read before;
 * the ones read now are added to it. Every count is bounded (protocol/limits.ts).
 */
export async function readPageFonts(skip: Set<string>): Promise<PageFontFile[]> {
  await document.fonts.ready;
  const rules = fontFaceRules();
  const wanted = new Map<string, PageFontFile['face']>();
  for (const face of document.fonts) {
    if (skip.size >= MAX_FONTS_PER_PAGE) break;
    if (face.status !== 'loaded') continue;
    const declared = rules.find(({ rule }) => declares(rule, face));
    const url = declared && fileUrl(declared.rule.style.getPropertyValue('src'), declared.base);
    if (!url || skip.has(url)) continue;
    skip.add(url);
    const { family, style, weight, stretch, unicodeRange } = face;
    wanted.set(url, { family, style, weight, stretch, unicodeRange, url });
  }
  const files: PageFontFile[] = [];
  for (const [url, face] of wanted) {
    const data = await readFontFile(url);
    if (data) files.push({ face, data, sha256: await sha256Hex(data) });
  }
  return files;
}

/** Whether `rule` declares `face`: the same family and descriptors (as the browser serializes both). */
function declares(rule: CSSFontFaceRule, face: FontFace): boolean {
  const descriptor = (name: string, fallback: string) => rule.style.getPropertyValue(name) || fallback;
  return (
    unquote(rule.style.getPropertyValue('font-family')) === face.family &&
    descriptor('font-style', DEFAULTS.style) === face.style &&
    descriptor('font-weight', DEFAULTS.weight) === face.weight &&
    descriptor('font-stretch', DEFAULTS.stretch) === face.stretch &&
    descriptor('unicode-range', DEFAULTS.unicodeRange) === face.unicodeRange
  );
}

function unquote(family: string): string {
  const quoted = /^(["'])(.*)\1$/.exec(family.trim());
  return quoted ? quoted[2].replace(/\\(.)/g, '$1') : family.trim();
}

/** The first file of a `src` list the browser would load, when the page's own origin serves it. */
function fileUrl(src: string, base: string): string | undefined {
  const entries = src.matchAll(/url\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^)"'\s]*))\s*\)(?:\s*format\(\s*["']?([^"')]*)["']?\s*\))?/g);
  for (const [, double, single, bare, format] of entries) {
    if (format && !FONT_FORMATS.test(format.trim().toLowerCase())) continue;
    try {
      const url = new URL((double ?? single ?? bare).replace(/\\(.)/g, '$1'), base);
      return url.origin === location.origin && /^https?:$/.test(url.protocol) ? url.href : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** @font-face rules of every style sheet the page can read, within MAX_FONT_SCAN_SHEETS and MAX_FONT_SCAN_RULES. */
function fontFaceRules(): FontFaceRuleAt[] {
  const sheets: CSSStyleSheet[] = [...document.styleSheets, ...document.adoptedStyleSheets];
  for (const root of openShadowRoots()) sheets.push(...root.styleSheets, ...root.adoptedStyleSheets);
  const found: FontFaceRuleAt[] = [];
  const pending: Array<{ rules: CSSRuleList; base: string }> = [];
  let sheetsRead = 0;
  let rulesRead = 0;
  const readSheet = (sheet: CSSStyleSheet) => {
    if (sheetsRead++ >= MAX_FONT_SCAN_SHEETS) return;
    try {
      pending.push({ rules: sheet.cssRules, base: sheet.href ?? document.baseURI });
    } catch {
      // Another origin's style sheet cannot be read: its fonts are that origin's too.
    }
  };
  sheets.forEach(readSheet);
  while (pending.length > 0 && rulesRead < MAX_FONT_SCAN_RULES) {
    const { rules, base } = pending.pop()!;
    for (const rule of Array.from(rules).slice(0, MAX_FONT_SCAN_RULES - rulesRead)) {
      rulesRead += 1;
      if (rule instanceof CSSFontFaceRule) found.push({ rule, base });
      else if (rule instanceof CSSImportRule && rule.styleSheet) readSheet(rule.styleSheet);
      else if ('cssRules' in rule) pending.push({ rules: (rule as CSSGroupingRule).cssRules, base });
    }
  }
  return found;
}

/** Open shadow roots among the first MAX_FONT_SCAN_ELEMENTS elements (nested ones included). */
function openShadowRoots(): ShadowRoot[] {
  const roots: ShadowRoot[] = [];
  const pending: Array<Document | ShadowRoot> = [document];
  let visited = 0;
  while (pending.length > 0) {
    const walker = document.createTreeWalker(pending.pop()!, NodeFilter.SHOW_ELEMENT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (++visited > MAX_FONT_SCAN_ELEMENTS) return roots;
      const root = (node as Element).shadowRoot;
      if (root) roots.push(root), pending.push(root);
    }
  }
  return roots;
}

/** The file's bytes (most likely from the browser's cache, which loaded it), when it is a font no larger than the limit. */
async function readFontFile(url: string): Promise<Uint8Array | null> {
  try {
    const response = await fetch(url, { credentials: 'same-origin', cache: 'force-cache' });
    if (!response.ok || !response.body || Number(response.headers.get('content-length')) > MAX_FONT_FILE_BYTES) return null;
    const reader = response.body.getReader();
    const parts: Uint8Array[] = [];
    let size = 0;
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      size += read.value.length;
      if (size > MAX_FONT_FILE_BYTES) {
        void reader.cancel();
        return null;
      }
      parts.push(read.value);
    }
    const data = new Uint8Array(size);
    let offset = 0;
    for (const part of parts) {
      data.set(part, offset);
      offset += part.length;
    }
    return fontFileType(data) ? data : null;
  } catch {
    return null;
  }
}

async function sha256Hex(data: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data as BufferSource));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
