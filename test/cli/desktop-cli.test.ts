import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli';
import { repoRoot } from '../helpers/spawn-tsx';
import { tempDir } from '../helpers/test-core';

const version = (
  JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }
).version;

describe('locus CLI: agents, version, status, models use', () => {
  it('prints its version', async () => {
    const result = await runCli(['--version']);
    expect(result).toMatchObject({ code: 0, stdout: `locus ${version}\n` });
  });

  it('lists agents, creates one from a template and makes it the default', async () => {
    const dataDir = tempDir();
    const base = ['--data-dir', dataDir, '--embedder', 'fake'];
    const first = await runCli(['agents', ...base]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^\* Locus {2}\(agent-/m);

    const created = await runCli([
      'agents',
      'create',
      'Diary',
      '--template',
      'journal',
      '--json',
      ...base,
    ]);
    const diary = JSON.parse(created.stdout) as { blocks: Array<{ label: string; value: string }> };
    expect(diary.blocks.find((b) => b.label === 'persona')?.value).toContain('journal companion');

    expect((await runCli(['agents', 'use', 'Diary', ...base])).stdout).toContain(
      'Diary now opens by default',
    );
    // Commands without --agent now act on Diary.
    const status = await runCli(['status', ...base]);
    expect(status.stdout).toMatch(/^Agent: Diary$/m);
  });

  it('renames an agent, and deletes one only with --yes, pointing to an export first', async () => {
    const dataDir = tempDir();
    const base = ['--data-dir', dataDir, '--embedder', 'fake'];
    await runCli(['agents', 'create', 'Diary', ...base]);
    await runCli(['agents', 'rename', 'Diary', 'Journal', ...base]);
    const refused = await runCli(['agents', 'delete', 'Journal', ...base]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('locus export --agent "Journal"');
    expect(refused.stderr).toContain('--yes');
    const deleted = await runCli(['agents', 'delete', 'Journal', '--yes', ...base]);
    expect(deleted.stdout).toContain('Deleted Journal.');
    const list = JSON.parse((await runCli(['agents', '--json', ...base])).stdout) as Array<{
      name: string;
      default: boolean;
    }>;
    expect(list.map((a) => [a.name, a.default])).toEqual([['Locus', true]]);
  });

  it('names the active model in status, and lists the ids for an unknown one', async () => {
    const dataDir = tempDir();
    const base = ['--data-dir', dataDir, '--embedder', 'fake'];
    const before = await runCli(['status', ...base]);
    expect(before.stdout).toMatch(/^Model: none chosen yet: run "locus models download/m);
    // A .gguf already on disk is the other way in, as the download error says.
    expect(before.stdout).toMatch(/^Model: none chosen yet: .*"locus models use <file\.gguf>"/m);
    expect(before.stdout).toMatch(/^Embedder: basic word matching/m);

    const unknown = await runCli(['models', 'use', 'qwen', ...base]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('There is no model "qwen". Choose one of: qwen3-1.7b');
    expect(unknown.stderr).not.toContain('does not exist');

    expect((await runCli(['models', 'use', 'scripted', ...base])).code).toBe(0);
    const after = await runCli(['status', ...base]);
    expect(after.stdout).toMatch(/^Model: scripted \(the canned test model\)/m);
  });
});

describe('locus chat and -p: what a terminal user sees', () => {
  const base = (dataDir: string) => [
    '--data-dir',
    dataDir,
    '--embedder',
    'fake',
    '--model',
    'scripted',
  ];

  it('handles slash commands itself and never sends them to the model', async () => {
    const dataDir = tempDir();
    const session = await runCli(['chat', ...base(dataDir)], {
      stdin: 'Hi, my name is Ada\n/help\n/model\n/memory\n/bogus\n/exit\nnever sent\n',
    });
    expect(session.code).toBe(0);
    expect(session.stdout).toContain('/model [id|file.gguf]');
    expect(session.stdout).toContain('Model: scripted (8192 tokens of context).');
    expect(session.stdout).toMatch(/<human> 9\/5000 chars\nName: Ada/);
    expect(session.stderr).toContain('Unknown command "/bogus". /help lists the commands.');
    // Tool calls read as one line, without the nulls the model filled in.
    expect(session.stderr).toContain('  [core_memory_append] label: "human", content: "Name: Ada"');
    const history = await runCli(['memory', 'history', '--json', ...base(dataDir)]);
    const said = (
      JSON.parse(history.stdout) as { items: Array<{ role: string; content: string }> }
    ).items
      .filter((m) => m.role === 'user')
      .map((m) => m.content);
    expect(said).toEqual(['Hi, my name is Ada']);
    // The turn's tool results (core_memory_append's, send_message's) are
    // stored, but history leaves them out unless asked for.
    const roles = (JSON.parse(history.stdout) as { items: Array<{ role: string }> }).items.map(
      (m) => m.role,
    );
    expect(roles).toContain('assistant');
    expect(roles).not.toContain('tool');
    const tools = await runCli([
      'memory',
      'history',
      '--roles',
      'tool',
      '--json',
      ...base(dataDir),
    ]);
    const toolRoles = (JSON.parse(tools.stdout) as { items: Array<{ role: string }> }).items.map(
      (m) => m.role,
    );
    expect(toolRoles.length).toBeGreaterThan(0);
    expect(new Set(toolRoles)).toEqual(new Set(['tool']));
    const bad = await runCli(['memory', 'history', '--roles', 'robot', ...base(dataDir)]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('Unknown role "robot" in --roles');
  });

  it('starts, lists, resumes, renames and deletes conversations', async () => {
    const dataDir = tempDir();
    const session = await runCli(['chat', ...base(dataDir)], {
      stdin: 'Hi, my name is Ada\n/new Planning\nWhat is my name?\n/exit\n',
    });
    expect(session.stdout).toContain('Started "Planning"');
    expect(session.stdout).toContain('Your name is Ada.');
    const list = await runCli(['conversations', ...base(dataDir)]);
    expect(list.stdout).toMatch(/^\* Planning +\d{4}-\d\d-\d\d \d\d:\d\d/m);
    expect(list.stdout).toMatch(/^ {2}Conversation 1 /m);

    // Resume the first: -p continues it, and its context has only its own turns.
    const resumed = await runCli([
      '-p',
      'hello again',
      '--conversation',
      'Conversation 1',
      '--json',
      ...base(dataDir),
    ]);
    const first = JSON.parse(resumed.stdout) as { conversationId: string };
    const context = await runCli(['conversations', '--json', ...base(dataDir)]);
    const all = JSON.parse(context.stdout) as Array<{ id: string; name: string }>;
    expect(all.find((c) => c.id === first.conversationId)?.name).toBe('Conversation 1');

    await runCli(['conversations', 'rename', 'Conversation 1', 'Intro', ...base(dataDir)]);
    const refused = await runCli(['conversations', 'delete', 'Intro', ...base(dataDir)]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    await runCli(['conversations', 'delete', 'Intro', '--yes', ...base(dataDir)]);
    const left = JSON.parse(
      (await runCli(['conversations', '--json', ...base(dataDir)])).stdout,
    ) as Array<{ name: string }>;
    expect(left.map((c) => c.name)).toEqual(['Planning']);
  });

  it('reads the -p message from stdin when given -', async () => {
    const dataDir = tempDir();
    const result = await runCli(['-p', '-', ...base(dataDir)], { stdin: 'search boat\n' });
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe('I could not find anything about that.');
    expect(result.stderr).toContain('  [archival_memory_search] query: "boat"');
    expect(result.stderr).not.toContain('null');
  });

  it('shows what the model is doing on a terminal while it works', () => {
    const script = '/usr/bin/script';
    if (!fs.existsSync(script)) return;
    const dataDir = tempDir();
    const command = ['node', 'bin/locus.js', '-p', "'search boat'", ...base(dataDir)].join(' ');
    // script(1) gives the CLI a real terminal, as a user has.
    const result = spawnSync(script, ['-qec', command, '/dev/null'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('Thinking…');
    expect(result.stdout).toContain('Searching memory…');
    // The indicator erases itself: the reply's line is clean.
    expect(result.stdout).toContain('\u001b[2KI could not find anything about that.');
  });
});
