import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { call } from '../../src/core/host/call';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { browserSuite, openApp } from '../helpers/browser-app';
import { lookAt, openView } from '../helpers/app-page';
import { openSessionApp } from '../helpers/session-app';
import { tempDir, testCore } from '../helpers/test-core';

/** A real agent file, as another Locus exports it. */
async function agentFile(name: string): Promise<string> {
  const other = await testCore();
  const agent = await call(other.handlers, 'agents.create', { name });
  await call(other.handlers, 'archival.insert', {
    agentId: agent.id,
    text: `${name} grows tomatoes on the balcony`,
    tags: ['garden'],
  });
  await other.recall.append(agent.id, { role: 'user', content: 'Hello from the old app' });
  return (await call(other.handlers, 'agentfile.export', { agentId: agent.id })).text;
}

/** Drops a file on an element the way a file manager's drag and drop does. */
async function dropFile(page: Page, selector: string, name: string, text: string) {
  await page.evaluate(
    `(() => {
      const target = document.querySelector(${JSON.stringify(selector)});
      const data = new DataTransfer();
      data.items.add(new File([${JSON.stringify(text)}], ${JSON.stringify(name)}, { type: 'application/json' }));
      target.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
      target.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    })()`,
  );
}

describe('files from the app', () => {
  const suite = browserSuite();

  it('imports an agent file from the file picker, shows the report, opens the agent', async () => {
    const text = await agentFile('Ada');
    const { page, core } = await openApp(suite.browser, suite.rendererDir, {
      chatModel: createScriptedModel(),
    });
    await openView(page, 'Files');
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.getByRole('button', { name: 'Choose a file…' }).click(),
    ]);
    await chooser.setFiles({
      name: 'ada.af',
      mimeType: 'application/json',
      buffer: Buffer.from(text),
    });
    const report = page.getByTestId('import-report');
    await report.waitFor();
    expect(await report.textContent()).toMatch(
      /Imported “Ada”: 2 memory blocks, 1 message, 1 archival passage/,
    );
    await lookAt(page, 'files-imported');
    await report.getByRole('button', { name: 'Open Ada' }).click();
    await page.getByRole('log', { name: 'Conversation with Ada' }).waitFor();
    await page.getByText('Hello from the old app').waitFor();
    expect((await core.agents.list()).map((a) => a.name).sort()).toEqual(['Ada', 'Locus']);
  });

  it('imports a dropped file, and an invalid one changes nothing', async () => {
    const text = await agentFile('Grace');
    const { page, core } = await openApp(suite.browser, suite.rendererDir, {
      chatModel: createScriptedModel(),
    });
    await openView(page, 'Files');
    await dropFile(page, '[data-testid="drop-zone"]', 'broken.af', '{"agents": 42}');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.getAttribute('data-code')).toBe('AGENT_FILE_INVALID');
    expect((await core.agents.list()).map((a) => a.name)).toEqual(['Locus']);

    await dropFile(page, '[data-testid="drop-zone"]', 'grace.af', text);
    await page.getByTestId('import-report').getByText('Imported “Grace”').waitFor();
    const grace = (await core.agents.list()).find((a) => a.name === 'Grace')!;
    const found = await core.archival.search(grace.id, { query: 'tomatoes' });
    expect(found.items.map((p) => p.text)).toEqual(['Grace grows tomatoes on the balcony']);
  });

  it('reads UTF-16 and Latin-1 files as the command line does, and trusts valid UTF-8', async () => {
    // Windows Notepad's "Unicode" is UTF-16 with a byte-order mark; older
    // editors write Latin-1. The app read every file as UTF-8: UTF-16 was
    // "not valid JSON", Latin-1 lost its accents, and a valid file whose text
    // held a U+FFFD (a small model's broken character) was called "not UTF-8".
    const text = await agentFile('Zoë');
    const { page, core } = await openApp(suite.browser, suite.rendererDir, {
      chatModel: createScriptedModel(),
    });
    await openView(page, 'Files');
    const pick = async (name: string, buffer: Buffer) => {
      const [chooser] = await Promise.all([
        page.waitForEvent('filechooser'),
        page.getByRole('button', { name: 'Choose a file…' }).click(),
      ]);
      await chooser.setFiles({ name, mimeType: 'application/json', buffer });
    };
    const report = page.getByTestId('import-report');

    await pick(
      'zoe-utf16.af',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
    );
    await report.getByText('Imported “Zoë”').waitFor();
    expect(await report.textContent()).toContain('The file is UTF-16 (little-endian)');

    // Latin-1: one byte a character, so é is the single byte 0xe9.
    const latin1 = Buffer.from(await agentFile('Renée'), 'latin1');
    expect(latin1.includes(Buffer.from([0x52, 0x65, 0x6e, 0xe9, 0x65]))).toBe(true);
    await pick('renee-latin1.af', latin1);
    await report.getByText('Imported “Renée”').waitFor();
    expect(await report.textContent()).toContain('it was read as Latin-1');
    const renee = (await core.agents.list()).find((a) => a.name === 'Renée')!;
    const grows = await core.archival.search(renee.id, { query: 'tomatoes' });
    expect(grows.items.map((p) => p.text)).toEqual(['Renée grows tomatoes on the balcony']);

    await pick('zoe-fffd.af', Buffer.from(text.replaceAll('"Zoë"', '"Zo\ufffd"'), 'utf8'));
    await report.getByText('Imported “Zo\ufffd”').waitFor();
    expect(await report.textContent()).not.toMatch(/could not be read|not UTF-8/);
    expect((await core.agents.list()).map((a) => a.name).sort()).toEqual([
      'Locus',
      'Renée',
      'Zoë',
      'Zo\ufffd',
    ]);
  });

  it('exports the agent file and Markdown as downloads', async () => {
    const { page, core } = await openApp(suite.browser, suite.rendererDir, {
      chatModel: createScriptedModel(),
    });
    const agent = await core.agents.getOrCreateDefault();
    await core.archival.insert(agent.id, { text: 'The boat is called Petrel', tags: ['boat'] });
    await openView(page, 'Files');
    const [af] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export agent file (.af)' }).click(),
    ]);
    expect(af.suggestedFilename()).toBe('Locus.af');
    expect(fs.readFileSync(await af.path(), 'utf8')).toContain('The boat is called Petrel');
    await page.getByTestId('export-status').getByText('Downloaded Locus.af.').waitFor();

    const [md] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export memory as Markdown' }).click(),
    ]);
    expect(md.suggestedFilename()).toBe('Locus-memory.md');
    const markdown = fs.readFileSync(await md.path(), 'utf8');
    expect(markdown).toMatch(/^# /);
    expect(markdown).toContain('The boat is called Petrel');
  });

  it('backs up now, lists backups with sizes, and restores one after confirming', async () => {
    const dataDir = tempDir();
    const { page, session, opens } = await openSessionApp(suite.browser, suite.rendererDir, {
      dataDir,
      core: () => ({ chatModel: createScriptedModel() }),
    });
    const agent = await call(session.handlers, 'agents.getDefault', {});
    await call(session.handlers, 'archival.insert', {
      agentId: agent.id,
      text: 'Before the backup',
    });
    await openView(page, 'Files');
    await page.getByRole('button', { name: 'Back up now' }).click();
    const rows = page.getByTestId('backups').locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toMatch(/made by you\s*\d+(\.\d)? (KB|MB)/);
    await call(session.handlers, 'archival.insert', {
      agentId: agent.id,
      text: 'After the backup',
    });
    await lookAt(page, 'files-backups');

    await rows
      .first()
      .getByRole('button', { name: /^Restore/ })
      .click();
    const dialog = page.getByRole('dialog', { name: 'Restore this backup?' });
    await dialog.waitFor();
    // Cancelling restores nothing.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(opens()).toBe(1);
    await rows
      .first()
      .getByRole('button', { name: /^Restore/ })
      .click();
    await dialog.getByRole('button', { name: 'Restore backup' }).click();
    const notice = page.getByTestId('app-notice');
    // Checking the backup, closing, swapping and reopening the database takes
    // a while on a busy machine: wait for the outcome, not for a speed.
    await notice.waitFor({ timeout: 150_000 });
    expect(await notice.textContent()).toMatch(/Restored 1 agent and \d+ messages/);
    expect(opens()).toBe(2);
    const texts = (
      await call(session.handlers, 'archival.search', { agentId: agent.id, query: '' })
    ).items.map((p) => p.text);
    expect(texts).toEqual(['Before the backup']);
    // The app shows the restored memory without a reload.
    await openView(page, 'Memory');
    await page.locator('.passage', { hasText: 'Before the backup' }).waitFor();
    expect(await page.locator('.passage', { hasText: 'After the backup' }).count()).toBe(0);
  });
});
