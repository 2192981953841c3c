import { describe, expect, it } from 'vitest';
import { checkAgentFileSize } from '../../src/core/agentfile/import-agent-file';
import { redactSecrets } from '../../src/core/agentfile/redact-secrets';
import { call } from '../../src/core/host/call';
import { dispatch } from '../../src/core/host/dispatch';
import { createInertToolsRepo } from '../../src/core/storage/repos/inert-tools-repo';
import type { Core } from '../../src/core/create-core';
import type { CallResult } from '../../src/shared/contract';
import { testCore } from '../helpers/test-core';

/** A minimal Letta file; `extra` is merged into its agent. */
function letta(extra: Record<string, unknown> = {}, rest: Record<string, unknown> = {}) {
  return {
    agents: [
      {
        id: 'a',
        name: 'Hostile',
        system: 'Be helpful.',
        block_ids: [],
        tool_ids: [],
        messages: [],
        in_context_message_ids: [],
        ...extra,
      },
    ],
    blocks: [],
    tools: [],
    ...rest,
  };
}

const importText = async (core: Core, text: string) =>
  (await dispatch(core.handlers, 'agentfile.import', { text })) as CallResult<'agentfile.import'>;
const importJson = (core: Core, file: unknown) => importText(core, JSON.stringify(file));

async function counts(core: Core) {
  return { agents: await core.agents.count(), messages: await core.recall.countAll() };
}

const SECRET = 'sk-live-PLANTED0123456789abcdef';
const GITHUB = 'ghp_PLANTED0123456789abcdefABCDEF0123';

describe('agent files: secrets in tool records', () => {
  const tool = {
    id: 't1',
    name: 'fetch_weather',
    tool_type: 'custom',
    description: `Calls the API with token ${GITHUB}.`,
    source_code: `import os\nAPI_KEY = "${SECRET}"\nheaders = {"Authorization": "Bearer ${SECRET}"}\ndef fetch_weather(city: str):\n    return city\n`,
    json_schema: {
      name: 'fetch_weather',
      parameters: {
        type: 'object',
        properties: {
          city: { type: 'string', default: 'Lisbon' },
          api_key: { type: 'string', default: 'hunter2-not-a-pattern' },
        },
      },
    },
    tool_exec_environment_variables: [{ key: 'WEATHER_KEY', value: 'plain-looking-value' }],
    metadata_: { api_key: 'another-plain-value', owner: 'ada' },
  };

  it('blanks them on import, says so, and exports none', async () => {
    const core = await testCore();
    const result = await importJson(core, letta({ tool_ids: ['t1'] }, { tools: [tool] }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.notes.join(' ')).toMatch(/secret values .* were removed/);
    const [stored] = await createInertToolsRepo(core.database.pg).list(result.value.agentId);
    const record = JSON.stringify(stored);
    for (const secret of [SECRET, GITHUB, 'plain-looking-value', 'another-plain-value', 'hunter2'])
      expect(record).not.toContain(secret);
    // Names and harmless values stay: the record still describes the tool.
    expect(record).toContain('WEATHER_KEY');
    expect(record).toContain('Lisbon');
    expect(record).toContain('"owner":"ada"');
    expect(stored!.record.source_code).toContain('API_KEY = ""');

    const exported = await call(core.handlers, 'agentfile.export', {
      agentId: result.value.agentId,
    });
    expect(exported.text).not.toContain(SECRET);
    expect(exported.text).toContain('fetch_weather');
  });

  it('blanks them on export from records stored before this check existed', async () => {
    const core = await testCore();
    const agent = await core.agents.create({ name: 'Old' });
    await createInertToolsRepo(core.database.pg).insert(agent.id, {
      name: 'legacy',
      toolType: 'custom',
      record: tool,
    });
    const exported = await call(core.handlers, 'agentfile.export', { agentId: agent.id });
    expect(exported.text).not.toContain(SECRET);
    expect(exported.text).not.toContain('plain-looking-value');
  });

  it('leaves ordinary text and numbers alone', () => {
    const value = {
      max_tokens: 512,
      tokenizer: 'cl100k',
      description: 'Counts tokens in a text.',
      nested: [{ text: 'sk-short' }],
    };
    expect(redactSecrets(value)).toEqual({ value, blanked: 0 });
  });
});

describe('agent files: prototype-named ids', () => {
  it('imports and round-trips messages with ids such as constructor and __proto__', async () => {
    const core = await testCore();
    const ids = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];
    const messages = ids.map((id, i) => ({
      id,
      role: i % 2 ? 'assistant' : 'user',
      content: `message ${id}`,
      created_at: '2026-01-01T10:00:00Z',
    }));
    // A Locus file (metadata.locus), whose kinds are looked up by message id.
    const file = letta({
      messages,
      in_context_message_ids: ids,
      metadata: { locus: { formatVersion: 1, messageKinds: { toString: 'event' } } },
    });
    const first = await importJson(core, file);
    expect(first).toMatchObject({ ok: true, value: { messages: 4 } });
    if (!first.ok) return;
    const kinds = (await core.recall.recent(first.value.agentId, 10)).map((m) => m.kind);
    expect(kinds).toEqual(['chat', 'chat', 'event', 'chat']);

    const exported = await call(core.handlers, 'agentfile.export', {
      agentId: first.value.agentId,
    });
    const again = await importText(core, exported.text);
    expect(again).toMatchObject({ ok: true, value: { messages: 4 } });
    if (!again.ok) return;
    expect((await core.recall.recent(again.value.agentId, 10)).map((m) => m.kind)).toEqual(kinds);
  });
});

describe('agent files: inputs that used to answer INTERNAL', () => {
  it('replaces dates Postgres cannot store or that do not exist, with a note', async () => {
    const core = await testCore();
    const bad = ['-200000-01-01T00:00:00Z', '+275760-09-13T00:00:00Z', '2026-02-30T10:00:00Z'];
    const messages = bad.map((created_at, i) => ({
      id: `m${i}`,
      role: 'user',
      content: `m${i}`,
      created_at,
    }));
    const result = await importJson(core, letta({ messages }));
    expect(result).toMatchObject({ ok: true, value: { messages: 3 } });
    if (!result.ok) return;
    expect(result.value.notes.join(' ')).toMatch(/3 dates were not a real date/);
    const stored = await core.recall.recent(result.value.agentId, 10);
    expect(new Set(stored.map((m) => m.createdAt.slice(0, 4)))).toEqual(new Set(['2026']));
    expect(stored.every((m) => !m.createdAt.startsWith('2026-03-02'))).toBe(true);
  });

  it('refuses impossible or unstorable search dates with INVALID_INPUT', async () => {
    const core = await testCore();
    const agent = await core.agents.create({ name: 'Dates' });
    for (const [name, bound] of [
      ['archival.search', { start: '2026-02-30' }],
      ['archival.search', { end: '+100000-01-01' }],
      ['recall.search', { start: '-000001-01-01' }],
      ['recall.search', { end: '2026-13-01' }],
    ] as const) {
      const result = await dispatch(core.handlers, name, {
        agentId: agent.id,
        query: '',
        ...bound,
      });
      expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    const fine = await dispatch(core.handlers, 'recall.search', {
      agentId: agent.id,
      start: '2024-02-29',
      end: '2026-02-28T10:00:00Z',
    });
    expect(fine.ok).toBe(true);
  });

  it('refuses JSON nested thousands deep with a stable code, in files and in calls', async () => {
    const core = await testCore();
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const file = JSON.stringify(letta({ metadata: { x: 'DEEP' } })).replace('"DEEP"', deep);
    expect(await importText(core, file)).toMatchObject({
      ok: false,
      error: { code: 'AGENT_FILE_INVALID' },
    });
    const input = JSON.parse(`{"agentId": ${deep}}`) as unknown;
    expect(await dispatch(core.handlers, 'agents.get', input)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
  });

  it('imports a text of a million unique words, indexed for search (no 1 MB tsvector error)', async () => {
    const core = await testCore();
    const words: string[] = [];
    for (let i = 0, n = 0; n < 1_000_000; i++) {
      words.push(`w${i.toString(36)}x`);
      n += words.at(-1)!.length + 1;
    }
    // Past Postgres's 1 MB tsvector limit: the search column indexes it in
    // slices up to that limit instead of failing the import (issue 19).
    const result = await importJson(
      core,
      letta({
        messages: [{ id: 'm', role: 'user', content: words.join(' ').slice(0, 1_000_000) }],
      }),
    );
    expect(result).toMatchObject({ ok: true });
    const agentId = result.ok ? result.value.agentId : '';
    const found = await core.recall.search(agentId, { query: 'w1x', mode: 'text' });
    expect(found.items).toHaveLength(1);
  });

  it("refuses a text over a million characters saying what to do, not in the validator's words", async () => {
    const core = await testCore();
    const result = await importJson(
      core,
      letta({ messages: [{ id: 'm', role: 'user', content: 'x'.repeat(1_000_001) }] }),
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'AGENT_FILE_INVALID' } });
    const message = result.ok ? '' : result.error.message;
    expect(message).toMatch(/at most 1,000,000 characters/);
    expect(message).toMatch(/split it into several/);
    expect(message).toMatch(/\(at agents\.0\.messages\.0\.content\)/);
    expect(message).not.toMatch(/Too big|expected string/);
  });

  it('refuses a file over the size limit as AGENT_FILE_INVALID, saying how large it is', () => {
    expect(() => checkAgentFileSize(215 * 2 ** 20)).toThrow(
      expect.objectContaining({
        code: 'AGENT_FILE_INVALID',
        message: expect.stringMatching(/215 MB/),
      }),
    );
    expect(() => checkAgentFileSize(2 ** 20)).not.toThrow();
  });
});

describe('agent files: encodings, names and notes', () => {
  it('reads a file that starts with a byte-order mark', async () => {
    const core = await testCore();
    expect(await importText(core, `\ufeff${JSON.stringify(letta())}`)).toMatchObject({ ok: true });
  });

  it('tells a Markdown export from a broken agent file, and says which file to import', async () => {
    const core = await testCore();
    const agent = await core.agents.getOrCreateDefault();
    const markdown = await core.handlers['agentfile.exportMarkdown']({
      agentId: agent.id,
      conversations: false,
    });
    const result = await importText(core, markdown.text);
    expect(result).toMatchObject({ ok: false, error: { code: 'AGENT_FILE_INVALID' } });
    if (result.ok) return;
    expect(result.error.message).toMatch(/Markdown/);
    expect(result.error.message).toMatch(/\.af/);
    expect(result.error.message).not.toMatch(/Unexpected token/);
    expect(await core.agents.count()).toBe(1);
  });

  it('removes bidirectional overrides and invisible characters from names', async () => {
    const core = await testCore();
    const result = await importJson(core, letta({ name: 'Invoice\u202Efdp.exe\u200B' }));
    expect(result).toMatchObject({ ok: true, value: { name: 'Invoicefdp.exe' } });
    const created = await dispatch(core.handlers, 'agents.create', { name: 'Bob\u202E\u2066' });
    expect(created).toMatchObject({ ok: true, value: { name: 'Bob' } });
  });

  it('sums up dangling in-context ids in one note', async () => {
    const core = await testCore();
    const ids = Array.from({ length: 100_000 }, (_, i) => `gone-${i}`);
    const result = await importJson(core, letta({ in_context_message_ids: ids }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.notes).toHaveLength(1);
    expect(result.value.notes[0]).toMatch(/^100000 in-context message ids are not in the file/);
  });
});

describe('agent files: a long import lets the process breathe', () => {
  const big = (n: number) =>
    JSON.stringify(
      letta({
        messages: Array.from({ length: n }, (_, i) => ({
          id: `m${i}`,
          role: i % 2 ? 'assistant' : 'user',
          content: `message ${i} about the garden`,
          created_at: new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(),
        })),
      }),
    );

  it('turns the event loop between chunks of rows', async () => {
    const core = await testCore();
    let ticks = 0;
    let running = true;
    const tick = () => {
      ticks++;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    const result = await importText(core, big(5000));
    running = false;
    expect(result).toMatchObject({ ok: true, value: { messages: 5000 } });
    // One turn at least per 500-row chunk (before the fix: none until the end).
    expect(ticks).toBeGreaterThanOrEqual(10);
  });

  it('stops when interrupted, rolling the whole import back', async () => {
    const core = await testCore();
    const before = await counts(core);
    const off = core.events.on('progress', (p) => {
      if (p.task === 'import' && p.done >= 1000) core.interrupt();
    });
    const result = await importText(core, big(5000));
    off();
    expect(result).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(await counts(core)).toEqual(before);
  });
});
