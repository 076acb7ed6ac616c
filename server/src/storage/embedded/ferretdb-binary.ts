import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Source of the small Go program that embeds FerretDB (see its main.go for why it exists). */
export const FERRETDB_SOURCE_DIR = fileURLToPath(new URL('../../../ferretdb/', import.meta.url));

/**
 * FerretDB 1.24 files replaced at build time, each by a copy with a small fix (Go refuses overlays of
 * the module cache, so the build runs in a temporary copy with FerretDB vendored and patched):
 * - sqlite/metadata/metadata.go: `{_id: v}` lookups use the `_id` index (upstream scanned the table —
 *   every find/update/delete by `_id` cost time proportional to the collection's size).
 */
const PATCHED_FILES = [
  { vendored: 'vendor/github.com/FerretDB/FerretDB/internal/backends/sqlite/metadata/metadata.go', patched: 'patches/metadata.go.overlay' },
];

/**
 * Snippets of FerretDB 1.24 replaced at build time (the build stops if one is not found exactly once):
 * - sqlite/collection.go: `{_id: {$in: [...]}}` reads through the `_id` index (upstream scanned the
 *   table), so a page of rows is one round trip instead of one per row (25 rows: ~8 ms instead of ~36).
 * - util/resource: leak tracking off. It captured a stack trace and set a finalizer for every iterator,
 *   each document's included: ~11 % of FerretDB's CPU reading 100 sessions by `$in`.
 * - handler/msg_update.go, msg_findandmodify.go: atomic updates. Each update statement and each
 *   findAndModify holds its collection's lock from read to write (upstream: 1,000 concurrent `$inc`
 *   kept 222–716 of 1,000), and each statement's iterator is closed once it is applied (upstream kept them all
 *   open to the command's end: ≥ 100 statements took every pooled SQLite connection and hung the database).
 */
const RESOURCE_GO = 'vendor/github.com/FerretDB/FerretDB/internal/util/resource/resource.go';
const HANDLER = 'vendor/github.com/FerretDB/FerretDB/internal/handler';
const PATCHED_SNIPPETS = [
  {
    vendored: 'vendor/github.com/FerretDB/FerretDB/internal/backends/sqlite/collection.go',
    find: 'patches/collection-id-in.find.go.txt',
    replace: 'patches/collection-id-in.replace.go.txt',
  },
  { vendored: RESOURCE_GO, find: 'patches/resource-track.find.go.txt', replace: 'patches/resource-track.replace.go.txt' },
  { vendored: RESOURCE_GO, find: 'patches/resource-untrack.find.go.txt', replace: 'patches/resource-untrack.replace.go.txt' },
  ...['imports', 'lock', 'statement'].map((part) => ({
    vendored: `${HANDLER}/msg_update.go`,
    find: `patches/update-${part}.find.go.txt`,
    replace: `patches/update-${part}.replace.go.txt`,
  })),
  { vendored: `${HANDLER}/msg_findandmodify.go`, find: 'patches/findandmodify-lock.find.go.txt', replace: 'patches/findandmodify-lock.replace.go.txt' },
];

/** A temporary module with the program, its vendored dependencies and the patched files in place. */
function preparePatchedSource(go: string, cacheDir: string): string {
  const dir = mkdtempSync(path.join(cacheDir, 'build-'));
  for (const file of ['go.mod', 'go.sum', 'main.go']) copyFileSync(path.join(FERRETDB_SOURCE_DIR, file), path.join(dir, file));
  const vendor = spawnSync(go, ['mod', 'vendor'], { cwd: dir, env: { ...process.env, GOFLAGS: '' }, encoding: 'utf8' });
  if (vendor.status !== 0) throw new Error(`go mod vendor failed: ${vendor.stderr}`);
  for (const { vendored, patched } of PATCHED_FILES) {
    if (!existsSync(path.join(dir, vendored))) throw new Error(`FerretDB source to patch not found: ${vendored}`);
    copyFileSync(path.join(FERRETDB_SOURCE_DIR, patched), path.join(dir, vendored));
  }
  for (const { vendored, find, replace } of PATCHED_SNIPPETS) {
    const source = readFileSync(path.join(dir, vendored), 'utf8');
    const original = readFileSync(path.join(FERRETDB_SOURCE_DIR, find), 'utf8');
    if (source.split(original).length !== 2) throw new Error(`FerretDB snippet to patch not found exactly once in ${vendored} (${find})`);
    writeFileSync(path.join(dir, vendored), source.replace(original, () => readFileSync(path.join(FERRETDB_SOURCE_DIR, replace), 'utf8')));
  }
  return dir;
}

export class GoMissingError extends Error {
  constructor() {
    super(
      'The embedded database needs Go (1.22 or newer) to be built once, and `go` was not found.\n' +
        'Either install Go (https://go.dev/doc/install) and start again,\n' +
        'or set MONGODB_URI to use a MongoDB server you already have, e.g. MONGODB_URI=mongodb://localhost:27017/chatreel',
    );
    this.name = 'GoMissingError';
  }
}

/** The binary's path; its name holds a hash of the sources, so a changed program is rebuilt. */
export function ferretdbBinaryPath(cacheDir: string): string {
  const hash = createHash('sha256');
  const sources = ['go.mod', 'go.sum', 'main.go', ...PATCHED_FILES.map((p) => p.patched), ...PATCHED_SNIPPETS.flatMap((p) => [p.find, p.replace])];
  for (const file of sources) hash.update(readFileSync(path.join(FERRETDB_SOURCE_DIR, file)));
  return path.join(cacheDir, `chatreel-ferretdb-${hash.digest('hex').slice(0, 16)}`);
}

export interface BuildProgress {
  (line: string): void;
}

/** Returns the cached binary, building it first (a few minutes, once) when it is missing. */
export async function ensureFerretdbBinary(cacheDir: string, progress: BuildProgress = () => {}): Promise<string> {
  const target = ferretdbBinaryPath(cacheDir);
  if (existsSync(target)) return target;

  const go = 'go';
  if (spawnSync(go, ['version'], { stdio: 'ignore' }).error) throw new GoMissingError();

  mkdirSync(cacheDir, { recursive: true });
  const partial = `${target}.partial-${process.pid}`;
  progress('Building the embedded database (FerretDB 1.24, SQLite storage). This happens once and takes a few minutes…');
  const started = Date.now();
  const buildDir = preparePatchedSource(go, cacheDir);
  try {
    await goBuild(go, buildDir, partial, (done) => progress(`  compiled ${done} packages (${Math.round((Date.now() - started) / 1000)} s)`));
  } finally {
    rmSync(buildDir, { recursive: true, force: true });
  }
  renameSync(partial, target);
  progress(`Embedded database built in ${Math.round((Date.now() - started) / 1000)} s: ${target}`);
  return target;
}

/** `go build -v` of the prepared module; `compiled(n)` now and then as packages compile. */
function goBuild(go: string, buildDir: string, partial: string, compiled: (packages: number) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(go, ['build', '-v', '-trimpath', '-o', partial, '.'], {
      cwd: buildDir,
      env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=vendor' },
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let packages = 0;
    let tail = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      tail = (tail + text).slice(-4000);
      // `go build -v` names each package as it compiles it: report a count now and then.
      for (const line of text.split('\n')) {
        if (!line.trim() || line.startsWith('#')) continue;
        packages += 1;
        if (packages % 25 === 0) compiled(packages);
      }
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`Building the embedded database failed (go build exited ${code}):\n${tail}`)),
    );
  });
}
