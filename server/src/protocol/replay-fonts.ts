import { MAX_FONT_DESCRIPTOR_CHARS, MAX_FONT_FAMILY_CHARS, MAX_FONTS_PER_PAGE, MAX_URL_CHARS } from './limits.js';

/**
 * Fonts that replay (issue 19). A replay runs on the console's origin, so a site's self-hosted font
 * files, fetched in CORS mode, are refused unless the site sends a CORS header. The widget, on the
 * site's origin, reads the files its page has loaded (same-origin only), offers their SHA-256 to the
 * server (`fonts:missing`), uploads the ones it lacks (`fonts:store`), and records which faces the
 * server holds in a `chatreel/fonts` event; the replay declares those faces again, last, with the file
 * from Chatreel's origin. The server never fetches a URL: it only takes bytes that are a font.
 */

export type FontFileType = 'woff2' | 'woff' | 'ttf' | 'otf';

export const FONT_CONTENT_TYPES: Record<FontFileType, string> = {
  woff2: 'font/woff2',
  woff: 'font/woff',
  ttf: 'font/ttf',
  otf: 'font/otf',
};

export const SHA256_HEX = /^[0-9a-f]{64}$/;

/** A font file's type from its signature (its first four bytes), or null for anything else. */
export function fontFileType(bytes: Uint8Array): FontFileType | null {
  // The smallest header of any of them (an sfnt offset table) is 12 bytes.
  if (bytes.length < 12) return null;
  const tag = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
  if (tag === 'wOF2') return 'woff2';
  if (tag === 'wOFF') return 'woff';
  if (tag === 'OTTO') return 'otf';
  if (tag === 'true' || (bytes[0] === 0 && bytes[1] === 1 && bytes[2] === 0 && bytes[3] === 0)) return 'ttf';
  return null;
}

/** One @font-face of the recorded page whose file Chatreel stores, with the descriptors it was declared with. */
export interface SharedFontFace {
  family: string;
  style: string;
  weight: string;
  stretch: string;
  unicodeRange: string;
  /** The file's address on the site (what the recording's CSS names); informative, never fetched by the server. */
  url: string;
  sha256: string;
}

/** The payload of a `chatreel/fonts` event. */
export interface SharedFontsPayload {
  fonts: SharedFontFace[];
}

// Descriptor values as browsers serialize a FontFace's attributes; anything else is dropped, so a
// recording can never put more than a font face into the replay's style sheet.
const NUMBER = String.raw`\d{1,4}(?:\.\d+)?`;
const DESCRIPTORS: Record<'style' | 'weight' | 'stretch' | 'unicodeRange', RegExp> = {
  style: new RegExp(String.raw`^(?:normal|italic|oblique(?: -?${NUMBER}deg){0,2})$`),
  weight: new RegExp(`^(?:normal|bold|${NUMBER}(?: ${NUMBER})?)$`),
  stretch: new RegExp(`^(?:normal|(?:ultra-|extra-|semi-)?(?:condensed|expanded)|${NUMBER}%(?: ${NUMBER}%)?)$`),
  unicodeRange: /^U\+[0-9A-F?]{1,6}(?:-[0-9A-F]{1,6})?(?:, ?U\+[0-9A-F?]{1,6}(?:-[0-9A-F]{1,6})?)*$/i,
};
// Control characters (and DEL) never belong in a family name; a CSS string could not carry some of them.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The faces of a `chatreel/fonts` payload that are exactly what the widget writes; the rest is dropped. */
export function readSharedFonts(payload: unknown): SharedFontFace[] {
  const fonts = (payload as { fonts?: unknown } | null)?.fonts;
  if (!Array.isArray(fonts)) return [];
  const faces: SharedFontFace[] = [];
  for (const font of fonts.slice(0, MAX_FONTS_PER_PAGE)) {
    if (typeof font !== 'object' || font === null) continue;
    const { family, url, sha256 } = font as Record<string, unknown>;
    if (typeof family !== 'string' || family.length === 0 || family.length > MAX_FONT_FAMILY_CHARS || CONTROL.test(family)) continue;
    if (typeof url !== 'string' || url.length > MAX_URL_CHARS || typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) continue;
    const descriptors = {} as Record<keyof typeof DESCRIPTORS, string>;
    let valid = true;
    for (const name of Object.keys(DESCRIPTORS) as Array<keyof typeof DESCRIPTORS>) {
      const value = (font as Record<string, unknown>)[name];
      valid &&= typeof value === 'string' && value.length <= MAX_FONT_DESCRIPTOR_CHARS && DESCRIPTORS[name].test(value);
      descriptors[name] = value as string;
    }
    if (valid) faces.push({ family, url, sha256, ...descriptors });
  }
  return faces;
}
