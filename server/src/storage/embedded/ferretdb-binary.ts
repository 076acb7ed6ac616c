import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Source of the small Go program that embeds FerretDB (see its main.go for why it exists). */
export const FERRETDB_SOURCE_DIR = fileURLToPath(new URL('../../../ferretdb/', import.meta.url));
const SOURCE_FILES = ['go.mod', 'go.sum', 'main.go'];

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
  for (const file of SOURCE_FILES) hash.update(readFileSync(path.join(FERRETDB_SOURCE_DIR, file)));
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
  await new Promise<void>((resolve, reject) => {
    const child = spawn(go, ['build', '-v', '-trimpath', '-o', partial, '.'], {
      cwd: FERRETDB_SOURCE_DIR,
      env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=readonly' },
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
        if (packages % 25 === 0) progress(`  compiled ${packages} packages (${Math.round((Date.now() - started) / 1000)} s)`);
      }
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`Building the embedded database failed (go build exited ${code}):\n${tail}`)),
    );
  });
  renameSync(partial, target);
  progress(`Embedded database built in ${Math.round((Date.now() - started) / 1000)} s: ${target}`);
  return target;
}
