// One Locus process on a shared server database, for two-process tests:
// opens a core, says READY, and on "go" (stdin) edits the agent's human
// block, runs its turns on the shared agent, then waits until it has been
// told of the other process's block edit and prints what it sees.
import { createCore } from '../../src/core/create-core';
import { createScriptedModel } from '../../src/core/models/scripted-model';

const [url, label, agentId, turnsArg, other] = process.argv.slice(2);
if (!url || !label || !agentId || !turnsArg || !other) {
  throw new Error('usage: server-turns-child <url> <label> <agentId> <turns> <otherLabel>');
}
const turns = Number(turnsArg);

// Two steps a turn: save a note (asking for a heartbeat), then answer.
const model = createScriptedModel({
  chunkDelayMs: 2,
  script: (request, call) => {
    // The turn's own user message is the last one the prompt quotes.
    const prompt = request.turns.map((t) => t.content).join('\n');
    const said = [...prompt.matchAll(/from (\w+) #(\d+)/g)].at(-1);
    const tag = said ? `${said[1]} ${said[2]}` : 'unknown';
    return call % 2 === 0
      ? {
          thinking: 'note it',
          tool: 'archival_memory_insert',
          arguments: { content: `note ${tag}`, request_heartbeat: true },
        }
      : { thinking: 'answer', tool: 'send_message', arguments: { message: `done ${tag}` } };
  },
});

const core = await createCore({ databaseUrl: url, chatModel: model });
const changes: Array<{ table: string; agentId: string | null }> = [];
core.events.on('memory.changed', (event) => changes.push(...event.changes));
process.stdout.write('READY\n');
await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
// Nothing more comes on stdin; an open stdin would keep this process alive.
process.stdin.destroy();

await core.coreMemory.append(agentId, 'human', `${label} was here`, 'user');
const replies: Array<string | null> = [];
for (let i = 0; i < turns; i++) {
  const result = await core.runtime.send(agentId, `Hello from ${label} #${i}`);
  replies.push(result.reply);
}
// The other process's edit arrives as a notification, and then reads back
// (waited for as a state: the test's own timeout catches a hang).
let human: string;
for (;;) {
  const seen = changes.some((c) => c.table === 'blocks' && c.agentId === agentId);
  human = (await core.coreMemory.get(agentId, 'human')).value;
  if (seen && human.includes(`${other} was here`)) break;
  await new Promise((resolve) => setTimeout(resolve, 100));
}
process.stdout.write(`RESULT ${JSON.stringify({ replies, human, changes })}\n`);
await core.dispose();
