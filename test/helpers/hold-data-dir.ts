// Opens a data dir in a separate process and holds it until killed or told to exit,
// so tests can check what a second opener sees.
import { openDatabase } from '../../src/core/storage/open-database';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: hold-data-dir <dataDir>');
const database = await openDatabase({ dataDir });
await database.pg.query("INSERT INTO settings (key, value) VALUES ('held-by', $1::jsonb)", [
  JSON.stringify(process.pid),
]);
process.stdout.write('ready\n');
process.stdin.on('data', async () => {
  await database.close();
  process.exit(0);
});
