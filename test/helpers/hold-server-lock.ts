// Holds a coordination lock on a server database until killed, so tests can
// check that a dead process's lock is freed.
import { openDatabase } from '../../src/core/storage/open-database';

const [url, key] = process.argv.slice(2);
if (!url || !key) throw new Error('usage: hold-server-lock <url> <key>');
const database = await openDatabase({ url });
await database.coordination.lock(key);
process.stdout.write('held\n');
setInterval(() => undefined, 60_000);
