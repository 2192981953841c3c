import { describe, expect, it } from 'vitest';
import { createCore } from '../../src/core/create-core';
import { consolidationFailingModel } from '../helpers/consolidation-models';
import { runCli } from '../helpers/run-cli';
import { tempDataDir, tempDir } from '../helpers/test-core';

describe('locus memory activity, consolidate, forget (CLI)', () => {
  it('consolidates what was said, shows the change in the feed, undoes it and forgets a line', async () => {
    const dataDir = tempDir();
    const base = ['--data-dir', dataDir, '--embedder', 'fake'];
    const model = ['--model', 'scripted'];

    await runCli(['-p', 'I live in Paris. My sister is called Lena.', ...model, ...base]);
    const first = await runCli(['memory', 'consolidate', ...model, ...base]);
    expect(first.stderr).toBe('');
    expect(first.stdout.trim()).toBe('Consolidated 2 messages: 2 added to human.');
    await runCli(['-p', 'Actually I moved to Berlin.', ...model, ...base]);
    expect((await runCli(['memory', 'consolidate', ...model, ...base])).stdout.trim()).toBe(
      'Consolidated 2 messages: 1 corrected.',
    );

    const past = await runCli(['memory', 'search', 'Paris', ...base]);
    expect(past.stdout).toMatch(/Lives in Paris {2}\(until \d{4}-\d{2}-\d{2}\)/);

    const feed = await runCli(['memory', 'activity', ...base]);
    expect(feed.code).toBe(0);
    expect(feed.stdout).toMatch(
      /consolidation {2}Changed human: "Lives in Paris" → "Lives in Berlin"/,
    );
    expect(feed.stdout).toContain('Undo a change with: locus memory activity --undo <id>');
    const entries = JSON.parse(
      (await runCli(['memory', 'activity', '--json', ...base])).stdout,
    ) as Array<{ id: number; action: string }>;
    const correction = entries.find((e) => e.action === 'block.replace')!;
    const undone = await runCli(['memory', 'activity', '--undo', String(correction.id), ...base]);
    expect(undone.stdout.trim()).toBe(
      'Undid: Changed human: "Lives in Paris" → "Lives in Berlin".',
    );
    expect((await runCli(['memory', 'blocks', ...base])).stdout).toContain(
      'Lives in Paris\nSister: Lena',
    );
    const again = await runCli(['memory', 'activity', '--undo', String(correction.id), ...base]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/UNDO_NOT_POSSIBLE/);

    const forgot = await runCli(['memory', 'forget', 'line', 'human', 'Sister: Lena', ...base]);
    expect(forgot.stdout.trim()).toBe('Forgotten for good: 1 block line.');
    const after = await runCli(['memory', 'activity', '--limit', '1', ...base]);
    expect(after.stdout).toMatch(/user {11}Forgot a line\n/);
    expect((await runCli(['memory', 'blocks', ...base])).stdout).not.toContain('Lena');
  });

  it("shows why the app's last consolidation pass failed, until a pass succeeds", async () => {
    const dataDir = await tempDataDir();
    const base = ['--data-dir', dataDir, '--embedder', 'fake'];
    // The app's process: its model fails on consolidation only.
    const app = await createCore({ dataDir, chatModel: consolidationFailingModel() });
    const agent = await app.agents.getOrCreateDefault();
    await app.runtime.send(agent.id, 'I live in Oslo.');
    await expect(app.handlers['consolidation.run']({ agentId: agent.id })).rejects.toThrow();
    await app.dispose();

    expect((await runCli(['status', ...base])).stdout).toMatch(
      /^Background consolidation: on \(2 messages waiting\); the last pass failed: the model ran out of memory$/m,
    );
    await runCli(['memory', 'consolidate', '--model', 'scripted', ...base]);
    expect((await runCli(['status', ...base])).stdout).toMatch(
      /^Background consolidation: on \(0 messages waiting\)$/m,
    );
  });

  it('pauses and resumes consolidation and switches the tool profile', async () => {
    const dataDir = tempDir();
    const base = ['--data-dir', dataDir, '--embedder', 'fake'];
    expect((await runCli(['memory', 'profile', ...base])).stdout.trim()).toBe(
      'Tool profile: small.',
    );
    expect((await runCli(['memory', 'profile', 'letta', ...base])).stdout.trim()).toBe(
      'Tool profile: letta.',
    );
    const wrong = await runCli(['memory', 'profile', 'huge', ...base]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/Use "small".*or "letta"/);
    expect((await runCli(['memory', 'pause', ...base])).stdout).toMatch(/paused/);
    // What consolidation is doing, where a person looks first.
    expect((await runCli(['status', ...base])).stdout).toMatch(
      /^Background consolidation: paused \(0 messages waiting; "locus memory resume" turns it on\)$/m,
    );
    const settings = JSON.parse((await runCli(['memory', 'resume', '--json', ...base])).stdout);
    expect(settings).toEqual({ toolProfile: 'letta', consolidation: 'on' });
    expect((await runCli(['status', ...base])).stdout).toMatch(
      /^Background consolidation: on \(0 messages waiting\)$/m,
    );
    const off = await runCli(['memory', 'remember', 'off', ...base]);
    expect(off.stdout).toMatch(/^"Conversation 1" is not remembered: its messages stay as history/);
    const on = JSON.parse((await runCli(['memory', 'remember', 'on', '--json', ...base])).stdout);
    expect(on).toMatchObject({ name: 'Conversation 1', remember: true });
    const usage = await runCli(['memory', 'forget', 'passage', ...base]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/Say what to forget.*"locus memory history --ids"/);
  });

  it('shows the ids forget needs with --ids, and forgets by them', async () => {
    const dataDir = tempDir();
    const base = ['--data-dir', dataDir, '--embedder', 'fake'];
    await runCli(['memory', 'add', 'The spare key is under the blue flowerpot', ...base]);
    await runCli(['-p', 'My locker code is 4512', '--model', 'scripted', ...base]);

    const plain = await runCli(['memory', 'search', 'flowerpot', ...base]);
    expect(plain.stdout).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} {2}\d\.\d\d {7}The spare key/m);
    const found = await runCli(['memory', 'search', 'flowerpot', '--ids', ...base]);
    const passageId = /^(\S+) {2}\d{4}-\d{2}-\d{2} \d{2}:\d{2} {2}\d\.\d\d {7}The spare key/m.exec(
      found.stdout,
    )?.[1];
    expect(passageId).toBeDefined();
    const forgotPassage = await runCli(['memory', 'forget', 'passage', passageId!, ...base]);
    expect(forgotPassage.stdout.trim()).toBe('Forgotten for good: 1 passage.');
    expect((await runCli(['memory', 'search', 'flowerpot', ...base])).stdout.trim()).toBe(
      'No matching passages.',
    );

    const history = await runCli(['memory', 'history', 'locker', '--ids', ...base]);
    const messageId = /^(\S+) {2}\S+ \S+ {2}\d\.\d\d +user: My locker code/m.exec(
      history.stdout,
    )?.[1];
    expect(messageId).toBeDefined();
    const forgotMessage = await runCli(['memory', 'forget', 'message', messageId!, ...base]);
    expect(forgotMessage.code).toBe(0);
    expect(forgotMessage.stdout).toMatch(/^Forgotten for good: \d+ messages?/);
    expect((await runCli(['memory', 'history', 'locker', ...base])).stdout).not.toContain('4512');
  });
});
