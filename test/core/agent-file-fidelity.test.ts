import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { call } from '../../src/core/host/call';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { LettaAgentFileSchema, agentFileProblems } from '../fixtures/letta-agent-file-schema';
import {
  memoryDisabledFile,
  sleeptimeGroupFile,
  workflowAgentFile,
} from '../fixtures/letta-written-files';
import { sharedDataDir } from '../helpers/shared-data';
import { testCore } from '../helpers/test-core';

// Files are untyped JSON; the schema test above checks their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

/** Letta's example files (../shared/data/af) when present, and files written from Letta's schema. */
function lettaWrittenFiles(): Array<[string, Json]> {
  const files: Array<[string, Json]> = [
    ['a workflow agent with tool rules, custom tools and tool returns', workflowAgentFile()],
    ['a main agent and its sleep-time agent in a group', sleeptimeGroupFile()],
    ['a memory-disabled agent', memoryDisabledFile()],
  ];
  const dir = sharedDataDir();
  for (const name of ['customer_service.af', 'memgpt_agent_with_convo.af']) {
    const file = dir && path.join(dir, 'af', name);
    if (!file || !fs.existsSync(file)) continue;
    let value: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    // One of Letta's examples is JSON encoded twice.
    if (typeof value === 'string') value = JSON.parse(value);
    files.push([`Letta's ${name}`, value as Json]);
  }
  return files;
}

/** What a Letta file should look like after Locus: the same, but for what Locus may change. */
function expectedExport(original: Json, exported: Json): Json {
  const expected = structuredClone(original);
  const agent = expected.agents[0];
  // Locus adds its extension (archival memory, conversations, exact name)...
  agent.metadata = { ...(agent.metadata ?? {}), locus: exported.agents[0].metadata.locus };
  // ...the file is made now...
  expected.created_at = exported.created_at;
  // ...and keys and tokens never leave.
  for (const a of expected.agents) {
    for (const field of ['tool_exec_environment_variables', 'secrets']) {
      if (a[field]) for (const key of Object.keys(a[field])) a[field][key] = '';
    }
  }
  return expected;
}

async function importThenExport(original: Json) {
  const core = await testCore({ chatModel: createScriptedModel() });
  const report = await call(core.handlers, 'agentfile.import', { text: JSON.stringify(original) });
  const text = (await call(core.handlers, 'agentfile.export', { agentId: report.agentId })).text;
  return { core, report, text, exported: JSON.parse(text) as Json };
}

function expectLoadsInLetta(file: Json): void {
  const parsed = LettaAgentFileSchema.safeParse(file);
  expect(
    parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
  ).toEqual([]);
  expect(agentFileProblems(file)).toEqual([]);
}

describe('Agent File fidelity with Letta', () => {
  for (const [name, original] of lettaWrittenFiles()) {
    it(`${name}: import then export gives back every field Locus does not act on`, async () => {
      expectLoadsInLetta(original);
      const { exported } = await importThenExport(original);
      expectLoadsInLetta(exported);
      expect(exported).toEqual(expectedExport(original, exported));
    });
  }

  for (const [name, original] of lettaWrittenFiles()) {
    it(`${name}: Locus's export imports again with the same messages, the compiled prompt still left out`, async () => {
      const { core, report, exported } = await importThenExport(original);
      const again = await call(core.handlers, 'agentfile.import', {
        text: JSON.stringify(exported),
      });
      expect([again.messages, again.passages]).toEqual([report.messages, report.passages]);
      const twice = JSON.parse(
        (await call(core.handlers, 'agentfile.export', { agentId: again.agentId })).text,
      ) as Json;
      expect(twice.agents[0].messages).toEqual(exported.agents[0].messages);
      expect(twice.agents[0].in_context_message_ids).toEqual(
        exported.agents[0].in_context_message_ids,
      );
    });
  }

  it('says in the import report what Locus keeps, honours and does not', async () => {
    const workflow = (await importThenExport(workflowAgentFile())).report.notes.join('\n');
    expect(workflow).toContain('Letta agent type "workflow_agent" is kept in the file');
    expect(workflow).toMatch(
      /not enforced by Locus: run_first lookup_order; constrain_child_tools lookup_order → refund_order, escalate; conditional refund_order \(refunded → send_message; else escalate\); max_count_per_step escalate ≤ 1\./,
    );
    expect(workflow).toContain('Tool rules Locus follows anyway: exit_loop send_message.');
    expect(workflow).toMatch(
      /not used by Locus: description; tags \(support, workflow\); timezone \(Europe\/Paris\); context_window_limit; compaction_settings; the model claude-sonnet-4-5/,
    );
    expect(workflow).toContain('Tool return details (status, stdout, stderr) of 1 message');
    expect(workflow).toContain('kept as records only: lookup_order, refund_order, escalate');

    const group = (await importThenExport(sleeptimeGroupFile())).report.notes.join('\n');
    expect(group).toContain(
      'Only the first agent was imported; kept in the file for export, not run: agent "companion-sleeptime" (sleeptime_agent), group "Sleep-time memory management for companion" (sleeptime).',
    );
    expect(group).toContain('1 mcp servers');
  });

  it('keeps secrets out of what it stores and what it exports', async () => {
    const { core, text } = await importThenExport(workflowAgentFile());
    expect(text).not.toContain('sk-live-do-not-leak');
    const stored = await core.database.pg.query<{ record: unknown }>(
      'SELECT record FROM agent_file_records',
    );
    expect(JSON.stringify(stored.rows)).not.toContain('sk-live-do-not-leak');
    expect(JSON.parse(text).agents[0].secrets).toEqual({ SHOP_API_TOKEN: '' });
  });

  it("adds none of Locus's tools to an agent that did not have them", async () => {
    const { exported } = await importThenExport(memoryDisabledFile());
    expect(exported.tools.map((t: Json) => t.name)).toEqual(['send_message']);
    expect(exported.agents[0].tool_ids).toEqual(['tool-0']);
  });

  it("exports Locus's own agents so that Letta loads them, exact name kept for Locus", async () => {
    const core = await testCore({ chatModel: createScriptedModel() });
    const agent = await call(core.handlers, 'agents.create', { name: 'Ada (home) ✓' });
    await call(core.handlers, 'chat.send', { agentId: agent.id, text: 'my name is Ada' });
    await call(core.handlers, 'chat.send', { agentId: agent.id, text: 'remember the key is blue' });
    const text = (await call(core.handlers, 'agentfile.export', { agentId: agent.id })).text;
    const exported = JSON.parse(text) as Json;
    expectLoadsInLetta(exported);
    expect(exported.agents[0].name).toBe('Ada home');
    expect(exported.agents[0].llm_config).toMatchObject({
      model_endpoint_type: 'llamacpp',
      model: expect.any(String),
    });
    expect(exported.agents[0].embedding_config.embedding_endpoint_type).toBe('hugging-face');

    await call(core.handlers, 'agents.delete', { agentId: agent.id });
    const back = await call(core.handlers, 'agentfile.import', { text });
    expect(back.name).toBe('Ada (home) ✓');
    // Locus to Locus to Locus: the second export is the first one, made later.
    const again = JSON.parse(
      (await call(core.handlers, 'agentfile.export', { agentId: back.agentId })).text,
    ) as Json;
    expect({ ...again, created_at: null }).toEqual({ ...exported, created_at: null });
  });

  it('stays valid and faithful after the imported agent chats and its memory changes', async () => {
    const original = workflowAgentFile();
    const { core, report } = await importThenExport(original);
    await call(core.handlers, 'chat.send', { agentId: report.agentId, text: 'my name is Ada' });
    await call(core.handlers, 'blocks.setValue', {
      agentId: report.agentId,
      label: 'policy',
      value: 'Refund within 14 days.',
    });
    const exported = JSON.parse(
      (await call(core.handlers, 'agentfile.export', { agentId: report.agentId })).text,
    ) as Json;
    expectLoadsInLetta(exported);
    const agent = exported.agents[0];
    // The file's messages are as they were; the new ones follow with new ids.
    expect(agent.messages.slice(0, 5)).toEqual(original.agents[0]?.messages);
    const added = agent.messages.slice(5) as Json[];
    expect(added.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant', 'tool']);
    expect(new Set(agent.messages.map((m: Json) => m.id)).size).toBe(agent.messages.length);
    // Letta's compiled system prompt still opens the context.
    expect(agent.in_context_message_ids[0]).toBe('message-0');
    expect(agent.in_context_message_ids).toContain(added[0]?.id);
    // A changed block carries the change and keeps the file's other fields.
    expect(exported.blocks.find((b: Json) => b.label === 'policy')).toMatchObject({
      id: 'block-0',
      value: 'Refund within 14 days.',
      template_name: 'policy-v2',
      metadata: { source: 'handbook' },
    });
    expect(agent.tool_rules).toEqual(original.agents[0]?.tool_rules);
    expect(agent.agent_type).toBe('workflow_agent');
  });
});
