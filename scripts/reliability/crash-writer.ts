// Writes memory as fast as it can (messages, passages, block edits), printing
// "ACK <kind> <id> <value>" after each write returns. crash-trials.ts kills it
// with SIGKILL at a random moment and checks what survived.
import { createCore } from '../../src/core/create-core';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: crash-writer <dataDir>');
const core = await createCore({ dataDir });
const agent = await core.agents.getOrCreateDefault();
process.stdout.write('READY\n');
for (let i = 0; ; i++) {
  const tag = `${process.pid}-${i}`;
  switch (i % 3) {
    case 0: {
      const m = await core.recall.append(agent.id, { role: 'user', content: `message ${tag}` });
      process.stdout.write(`ACK message ${m.id} ${tag}\n`);
      break;
    }
    case 1: {
      const p = await core.archival.insert(agent.id, { text: `passage ${tag}`, tags: ['crash'] });
      process.stdout.write(`ACK passage ${p.id} ${tag}\n`);
      break;
    }
    default: {
      await core.coreMemory.rewrite(agent.id, 'human', `edit ${tag}`, 'user');
      process.stdout.write(`ACK block human edit ${tag}\n`);
    }
  }
}
