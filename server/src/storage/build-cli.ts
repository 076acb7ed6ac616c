import { loadConfig } from '../config.js';
import { GoMissingError, prepareEmbeddedEngine } from './engines.js';

/** `npm run db:build`: builds the embedded database ahead of time (CI, images). */
prepareEmbeddedEngine(loadConfig().ferretdbCacheDir, (line) => console.log(line))
  .then((binary) => console.log(`Embedded database ready: ${binary}`))
  .catch((error: Error) => {
    console.error(error instanceof GoMissingError ? error.message : error.stack);
    process.exit(1);
  });
