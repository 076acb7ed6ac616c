import { existsSync, readFileSync } from 'node:fs';
import { brotliCompressSync, constants as zlibConstants, deflateSync } from 'node:zlib';

/**
 * Font files for the fidelity site, made at test time from fonts already on the machine (no binary in
 * the repository): TrueType files of the system's font packages (installed with Chromium) and the icon
 * font of an npm package, packed as WOFF2 and WOFF the way most sites serve their fonts.
 */

/**
 * Candidates, first found wins: a bold serif (the page falls back to sans-serif) and a monospace other
 * than the usual `monospace` fallback (DejaVu Sans Mono), so that a face that does not load shows.
 */
const SERIF_FONTS = ['/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf', '/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf'];
const MONO_FONTS = ['/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf', '/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf'];
const ICON_FONT = new URL('../../node_modules/playwright-core/lib/vite/traceViewer/codicon.DCmgc-ay.ttf', import.meta.url);

function firstFound(paths: string[]): Buffer {
  const found = paths.find((path) => existsSync(path));
  if (!found) throw new Error(`none of these fonts is installed (fonts-dejavu or fonts-liberation): ${paths.join(', ')}`);
  return readFileSync(found);
}

/** The site's font files by their path under /assets/fonts/. */
export function siteFontFiles(): Map<string, { type: string; data: Buffer }> {
  return new Map([
    ['site-serif.woff2', { type: 'font/woff2', data: toWoff2(firstFound(SERIF_FONTS)) }],
    ['site-mono.woff', { type: 'font/woff', data: toWoff(firstFound(MONO_FONTS)) }],
    ['site-icons.ttf', { type: 'font/ttf', data: readFileSync(ICON_FONT) }],
  ]);
}

interface SfntTable {
  tag: string;
  checksum: number;
  data: Buffer;
}

function readSfnt(font: Buffer): { flavor: number; tables: SfntTable[] } {
  const count = font.readUInt16BE(4);
  const tables: SfntTable[] = [];
  for (let i = 0; i < count; i++) {
    const entry = 12 + 16 * i;
    const offset = font.readUInt32BE(entry + 8);
    tables.push({ tag: font.toString('latin1', entry, entry + 4), checksum: font.readUInt32BE(entry + 4), data: font.subarray(offset, offset + font.readUInt32BE(entry + 12)) });
  }
  return { flavor: font.readUInt32BE(0), tables };
}

const padded = (length: number) => (length + 3) & ~3;
const sfntSize = (tables: SfntTable[]) => 12 + 16 * tables.length + tables.reduce((sum, table) => sum + padded(table.data.length), 0);

/** WOFF 1.0: the sfnt's tables, each zlib-compressed when that is smaller. */
export function toWoff(font: Buffer): Buffer {
  const { flavor, tables } = readSfnt(font);
  const header = Buffer.alloc(44 + 20 * tables.length);
  const bodies: Buffer[] = [];
  let offset = header.length;
  tables.forEach((table, i) => {
    const compressed = deflateSync(table.data);
    const body = compressed.length < table.data.length ? compressed : table.data;
    const entry = 44 + 20 * i;
    header.write(table.tag, entry, 'latin1');
    header.writeUInt32BE(offset, entry + 4);
    header.writeUInt32BE(body.length, entry + 8);
    header.writeUInt32BE(table.data.length, entry + 12);
    header.writeUInt32BE(table.checksum, entry + 16);
    bodies.push(body, Buffer.alloc(padded(body.length) - body.length));
    offset += padded(body.length);
  });
  header.write('wOFF', 0, 'latin1');
  header.writeUInt32BE(flavor, 4);
  header.writeUInt32BE(offset, 8);
  header.writeUInt16BE(tables.length, 12);
  header.writeUInt32BE(sfntSize(tables), 16);
  header.writeUInt16BE(1, 20);
  return Buffer.concat([header, ...bodies]);
}

/** WOFF2's known table tags (its directory names them by index). */
const WOFF2_TAGS = (
  'cmap,head,hhea,hmtx,maxp,name,OS/2,post,cvt ,fpgm,glyf,loca,prep,CFF ,VORG,EBDT,EBLC,gasp,hdmx,kern,LTSH,PCLT,VDMX,vhea,vmtx,' +
  'BASE,GDEF,GPOS,GSUB,EBSC,JSTF,MATH,CBDT,CBLC,COLR,CPAL,SVG ,sbix,acnt,avar,bdat,bloc,bsln,cvar,fdsc,feat,fmtx,fvar,gvar,hsty,' +
  'just,lcar,mort,morx,opbd,prop,trak,Zapf,Silf,Glat,Gloc,Feat,Sill'
).split(',');

function base128(value: number): Buffer {
  const bytes = [value & 0x7f];
  for (let rest = value >>> 7; rest > 0; rest >>>= 7) bytes.unshift(0x80 | (rest & 0x7f));
  return Buffer.from(bytes);
}

/** WOFF2 with every table untransformed (allowed by the format: glyf and loca as transform 3), one brotli stream. */
export function toWoff2(font: Buffer): Buffer {
  const { flavor, tables } = readSfnt(font);
  const directory = Buffer.concat(
    tables.map(({ tag, data }) => {
      const known = WOFF2_TAGS.indexOf(tag);
      // Transform version 0 is the null transform for every table but glyf and loca, whose null transform is 3.
      const version = tag === 'glyf' || tag === 'loca' ? 3 : 0;
      const flags = Buffer.from([(version << 6) | (known >= 0 ? known : 63)]);
      return Buffer.concat([flags, known >= 0 ? Buffer.alloc(0) : Buffer.from(tag, 'latin1'), base128(data.length)]);
    }),
  );
  const stream = brotliCompressSync(Buffer.concat(tables.map((table) => table.data)), { params: { [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_FONT } });
  const header = Buffer.alloc(48);
  const length = padded(header.length + directory.length + stream.length);
  header.write('wOF2', 0, 'latin1');
  header.writeUInt32BE(flavor, 4);
  header.writeUInt32BE(length, 8);
  header.writeUInt16BE(tables.length, 12);
  header.writeUInt32BE(sfntSize(tables), 16);
  header.writeUInt32BE(stream.length, 20);
  header.writeUInt16BE(1, 24);
  const file = Buffer.concat([header, directory, stream]);
  return Buffer.concat([file, Buffer.alloc(length - file.length)]);
}
