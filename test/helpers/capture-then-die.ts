// Saves notes through the core, prints each acknowledgement, then dies with
// SIGKILL before the core can close: what a crash right after "saved" leaves.
import { createCore } from '../../src/core/create-core';

const [dataDir, ...notes] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: capture-then-die <dataDir> <note>...');
const core = await createCore({ dataDir });
for (const note of notes) {
  const passage = await core.handlers['captures.add']({ text: note, source: 'cli' });
  process.stdout.write(`ACK ${passage.source.ref}\n`);
}
process.kill(process.pid, 'SIGKILL');
