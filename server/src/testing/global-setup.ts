import { loadConfig } from '../config.js';
import { ensureFerretdbBinary } from '../storage/embedded/ferretdb-binary.js';

/** Builds the embedded database once before any test starts one (a no-op when cached). */
export default async function setup(): Promise<void> {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  if (config.mongodbUri) return;
  await ensureFerretdbBinary(config.ferretdbCacheDir, (line) => process.stderr.write(`${line}\n`));
}
