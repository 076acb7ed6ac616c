import { loadConfig } from '../config.js';
import { copyToMongodb } from './copy-to-mongodb.js';
import { openDatabase } from './open-database.js';

/**
 * `npm run db:copy -- <mongodb-uri>`: copies the embedded database in DATA_DIR into a MongoDB database
 * (README: moving to MongoDB). Stop the server first; start it afterwards with MONGODB_URI=<mongodb-uri>.
 */
const target = process.argv[2];
const config = loadConfig();
if (!target || !/^mongodb(\+srv)?:\/\//.test(target)) {
  console.error('Usage: npm run db:copy -- mongodb://host:27017/chatreel   (copies the embedded database in DATA_DIR there)');
  process.exit(2);
}
if (config.mongodbUri) {
  console.error('Unset MONGODB_URI: the copy reads the embedded database in DATA_DIR.');
  process.exit(2);
}
const source = await openDatabase({ mongodbUri: undefined, dataDir: config.dataDir, ferretdbCacheDir: config.ferretdbCacheDir, log: (line) => console.log(line) });
try {
  const copied = await copyToMongodb(source, target, (line) => console.log(line));
  for (const [collection, count] of Object.entries(copied)) console.log(`${collection}: ${count} documents`);
  console.log(`Done. Start Chatreel with MONGODB_URI=${target}: its first start derives the search fields and counters.`);
} finally {
  await source.close();
}
