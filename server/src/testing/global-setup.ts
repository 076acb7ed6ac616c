import { ensureFerretdbBinary } from '../storage/embedded/ferretdb-binary.js';

/** Builds the embedded database once before any test starts one (a no-op when cached). */
export default async function setup(): Promise<void> {
  if (process.env.MONGODB_URI) return;
  await ensureFerretdbBinary(undefined, (line) => process.stderr.write(`${line}\n`));
}
