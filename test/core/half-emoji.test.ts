import { describe, expect, it } from 'vitest';
import { dispatch } from '../../src/core/host/dispatch';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { testCore } from '../helpers/test-core';

// Half an emoji: a string cut inside a surrogate pair, or a model's first \u escape of two.
const HALF = '\ud83c';

describe('text holding half an emoji (a lone surrogate)', () => {
  it('is stored with U+FFFD in its place wherever it comes in: a call, an agent file, the model', async () => {
    const core = await testCore({
      chatModel: createScriptedModel({
        script: (request, call) => {
          if (request.purpose === 'consolidate')
            return `{"facts":[{"message":1,"about":"user","text":"Loves tea \\ud83c","when":null,"corrects":null}]}`;
          // The model writes the emoji as \u escapes and stops after the first.
          return call % 2 === 0
            ? `{"thinking":"Keep it.","tool":"core_memory_append","arguments":{"label":"human","content":"Plays go \\ud83c","request_heartbeat":true}}`
            : { thinking: 'Done.', tool: 'send_message', arguments: { message: 'Noted.' } };
        },
      }),
    });
    const agent = await core.agents.getOrCreateDefault();
    const human = async () => (await core.coreMemory.get(agent.id, 'human')).value;

    const set = await dispatch(core.handlers, 'blocks.setValue', {
      agentId: agent.id,
      label: 'human',
      value: `Name: Zoë ${HALF}`,
    });
    expect(set).toMatchObject({ ok: true });
    expect(await human()).toBe('Name: Zoë \ufffd');

    const turn = await core.runtime.send(agent.id, 'I play go and I love tea.');
    expect(turn.reply).toBe('Noted.');
    expect(await human()).toBe('Name: Zoë \ufffd\nPlays go \ufffd');

    await core.handlers['consolidation.run']({ agentId: agent.id });
    expect(await human()).toBe('Name: Zoë \ufffd\nPlays go \ufffd\nLoves tea \ufffd');

    const file = await core.handlers['agentfile.export']({ agentId: agent.id });
    const af = JSON.parse(file.text) as {
      agents: Array<{ name: string; metadata: { locus: { archival: Array<{ text: string }> } } }>;
    };
    af.agents[0]!.name = 'Copy';
    af.agents[0]!.metadata.locus.archival.push({
      id: 'archival-0',
      text: `Tea from Uji ${HALF}`,
      tags: ['note'],
      created_at: '2026-12-01T10:00:00.000Z',
      source: { kind: 'capture', ref: 'capture-1' },
    } as { text: string });
    const imported = await dispatch(core.handlers, 'agentfile.import', {
      text: JSON.stringify(af),
    });
    expect(imported, JSON.stringify(imported)).toMatchObject({ ok: true });
    const copy = (await core.handlers['agents.list']({})).find((a) => a.name === 'Copy')!;
    const found = await core.archival.search(copy.id, { query: 'Uji' });
    expect(found.items.map((p) => p.text)).toEqual(['Tea from Uji \ufffd']);
  });
});
