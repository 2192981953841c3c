import { describe, expect, it } from 'vitest';
import { DEFAULT_SYSTEM_PROMPT } from '../../src/core/agent/default-prompts';
import { call } from '../../src/core/host/call';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import type { Database } from '../../src/core/storage/open-database';
import { OLD_DEFAULT_PROMPT } from '../../src/core/storage/migrations/1796530949925_memory_pipeline';
import { migrations } from '../../src/core/storage/migrations/registry';
import { createAgentsRepo } from '../../src/core/storage/repos/agents-repo';
import { createConsolidationRepo } from '../../src/core/storage/repos/consolidation-repo';
import { replyOnlyModel } from '../helpers/consolidation-models';
import { reopenTestDatabase, testCore, testDatabase } from '../helpers/test-core';

const PIPELINE_MIGRATION = '1796530949925_memory_pipeline';

describe('tool profiles', () => {
  it('gives a new agent the small profile: six tools on one line each and a worked example', async () => {
    const core = await testCore({ chatModel: createScriptedModel() });
    const agent = await core.agents.create({ name: 'Small' });
    expect(agent.memory).toEqual({ toolProfile: 'small', consolidation: 'on' });
    expect(agent.system).toBe(DEFAULT_SYSTEM_PROMPT);
    const system = (await core.runtime.preview(agent.id))[0]!.content;
    expect((await core.runtime.toolsOf(agent.id)).map((t) => t.name)).toEqual([
      'send_message',
      'core_memory_append',
      'core_memory_replace',
      'archival_memory_insert',
      'archival_memory_search',
      'conversation_search',
    ]);
    expect(system).toContain('- archival_memory_search(query): Search saved notes and facts.');
    expect(system).toContain('Example. The user says: I adopted a cat called Miso!');
    expect(system).not.toContain('request_heartbeat');
    expect(system).not.toContain('memory_rethink');

    const letta = await core.handlers['agents.update']({
      agentId: agent.id,
      memory: { toolProfile: 'letta' },
    });
    expect(letta.memory.toolProfile).toBe('letta');
    const full = (await core.runtime.preview(agent.id))[0]!.content;
    expect((await core.runtime.toolsOf(agent.id)).length).toBe(9);
    expect(full).toContain('memory_rethink');
    expect(full).toContain('request_heartbeat');
    // The small prompt is well under half the tokens of the full one.
    expect(system.length).toBeLessThan(full.length * 0.5 + 200);
  });

  it('runs a memory edit and a reply on the small profile, the rules giving the second step', async () => {
    const model = createScriptedModel();
    const core = await testCore({ chatModel: model });
    const agent = await core.agents.create({ name: 'Small' });
    const result = await core.runtime.send(agent.id, 'Hi! My name is Ada.');
    expect(result).toMatchObject({ stopReason: 'replied', steps: 2 });
    expect((await core.coreMemory.get(agent.id, 'human')).value).toBe('Name: Ada');
    // The grammar offered the six small tools, none with request_heartbeat.
    const schema = model.calls[0]!.responseSchema as { oneOf: Array<Record<string, unknown>> };
    expect(schema.oneOf).toHaveLength(6);
    expect(JSON.stringify(schema)).not.toContain('request_heartbeat');
  });

  it('changes only the settings a patch names (zod partial() used to fill in the rest)', async () => {
    const core = await testCore();
    const agent = await core.agents.create({ name: 'Patched' });
    await call(core.handlers, 'agents.update', {
      agentId: agent.id,
      memory: { toolProfile: 'letta' },
      model: { temperature: 0.2 },
    });
    const updated = await call(core.handlers, 'agents.update', {
      agentId: agent.id,
      memory: { consolidation: 'paused' },
      model: { maxSteps: 3 },
    });
    expect(updated.memory).toEqual({ toolProfile: 'letta', consolidation: 'paused' });
    expect(updated.model).toMatchObject({ temperature: 0.2, maxSteps: 3 });
  });

  it('keeps the system turn identical from step to step and turn to turn', async () => {
    const model = replyOnlyModel();
    const core = await testCore({ chatModel: model });
    const agent = await core.agents.create({ name: 'Small' });
    await core.runtime.send(agent.id, 'Hello there');
    await core.runtime.send(agent.id, 'What a nice day');
    const steps = model.calls.filter((c) => c.purpose === 'step');
    expect(steps.length).toBe(2);
    expect(new Set(steps.map((s) => s.turns[0]!.content)).size).toBe(1);
  });
});

async function addAgent(db: Database, id: string, system: string): Promise<void> {
  await db.pg.query(
    `INSERT INTO agents (id, name, system, model, created_at, updated_at)
     VALUES ($1, $1, $2, '{}'::jsonb, now(), now())`,
    [id, system],
  );
  // As the conversations migration gave every agent: one conversation with its id.
  await db.pg.query(
    `INSERT INTO conversations (id, agent_id, name, created_at, updated_at)
     VALUES ($1, $1, 'Conversation 1', now(), now())`,
    [id],
  );
}

describe('the memory pipeline migration', () => {
  it('moves agents on the old default prompt to the small profile and keeps custom ones on Letta tools', async () => {
    const at = migrations.findIndex((m) => m.id === PIPELINE_MIGRATION);
    const old = await testDatabase({ migrations: migrations.slice(0, at) });
    await addAgent(old, 'default', OLD_DEFAULT_PROMPT);
    await addAgent(old, 'custom', 'You are a pirate. Use memory_rethink often.');
    await old.pg.query(
      `INSERT INTO messages (id, agent_id, role, kind, content, created_at)
       VALUES ('m1', 'default', 'user', 'chat', 'I live in Paris', now()),
              ('m2', 'default', 'user', 'chat', 'I like tea', now())`,
    );
    const db = await reopenTestDatabase(old, { migrations: migrations.slice(0, at + 1) });
    expect(db.migration.applied).toEqual([PIPELINE_MIGRATION]);
    const agents = createAgentsRepo(db.pg);
    expect(await agents.get('default')).toMatchObject({
      system: DEFAULT_SYSTEM_PROMPT,
      memory: { toolProfile: 'small', consolidation: 'on' },
    });
    expect(await agents.get('custom')).toMatchObject({
      system: 'You are a pirate. Use memory_rethink often.',
      memory: { toolProfile: 'letta', consolidation: 'on' },
    });
    // History from before the upgrade is not re-read by the local model.
    const cursors = createConsolidationRepo(db.pg);
    expect(await cursors.pending('default')).toBe(0);
    expect(await cursors.next('default')).toBeUndefined();
    const conversation = await db.pg.query<{ remember: boolean }>(
      "SELECT remember FROM conversations WHERE id = 'default'",
    );
    expect(conversation.rows).toEqual([{ remember: true }]);
  });
});
