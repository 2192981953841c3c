// Runs a consolidation pass in its own process and says on stdout when each
// model call ends (EXTRACTED) and each batch is applied (APPLIED); the crash
// test kills it with SIGKILL at chosen points of a pass.
import { createCore } from '../../src/core/create-core';
import type { ChatModel } from '../../src/core/models/chat-model';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { scriptedConsolidation } from '../../src/core/models/scripted-consolidation';

const [dataDir, agentId, run = 'child'] = process.argv.slice(2);
if (!dataDir || !agentId) throw new Error('usage: consolidate-in-child <dataDir> <agentId> [run]');
const scripted = createScriptedModel({
  chunkDelayMs: 2,
  script: (request) =>
    request.purpose === 'consolidate'
      ? // Each run words its facts differently, as a real model would: a
        // batch applied twice would show up twice, not as a duplicate that
        // the known-fact check quietly skips.
        {
          facts: scriptedConsolidation(request).facts.map((fact) => ({
            ...(fact as object),
            text: `${(fact as { text: string }).text} [${run}]`,
            corrects: null,
          })),
        }
      : { thinking: '', tool: 'send_message', arguments: { message: 'ok' } },
});
const model: ChatModel = {
  ...scripted,
  async generate(request, options) {
    const result = await scripted.generate(request, options);
    if (request.purpose === 'consolidate') process.stdout.write('EXTRACTED\n');
    return result;
  },
};
const core = await createCore({ dataDir, chatModel: model, consolidationDelayMs: 3_600_000 });
core.events.on('memory', () => process.stdout.write('APPLIED\n'));
process.stdout.write('READY\n');
const result = await core.handlers['consolidation.run']({ agentId });
process.stdout.write(`DONE ${JSON.stringify(result)}\n`);
await core.dispose();
