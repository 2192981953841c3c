import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { browserSuite, openApp } from '../helpers/browser-app';
import { lookAt, openView } from '../helpers/app-page';

describe('agents in the app', () => {
  const suite = browserSuite();

  it('creates an agent from a template, switches to it, renames it', async () => {
    const { page, core } = await openApp(suite.browser, suite.rendererDir, {
      chatModel: createScriptedModel(),
    });
    await openView(page, 'Agents');
    await page.getByLabel('Name').fill('Diary');
    await page.getByLabel('Template').selectOption({ label: 'Journal companion' });
    expect(await page.getByTestId('template-preview').textContent()).toContain(
      'calm journal companion',
    );
    await page.getByRole('button', { name: 'Create agent' }).click();
    const card = page.locator('li[data-agent="Diary"]');
    await card.waitFor();
    await lookAt(page, 'agents-two');

    await card.getByRole('button', { name: 'Open Diary' }).click();
    // Opening it goes to its chat, names it in the top bar and makes it the default.
    await page.getByRole('log', { name: 'Conversation with Diary' }).waitFor();
    expect(await page.locator('.topbar .agent-title').textContent()).toBe('Diary');
    await expect.poll(async () => (await core.agents.getOrCreateDefault()).name).toBe('Diary');
    await openView(page, 'Memory');
    expect(await page.getByLabel('persona block').inputValue()).toContain('journal companion');

    // The sidebar's switcher goes back.
    await page.getByLabel('Agent', { exact: true }).selectOption({ label: 'Locus' });
    await expect.poll(() => page.locator('.topbar .agent-title').textContent()).toBe('Locus');

    await openView(page, 'Agents');
    await page
      .locator('li[data-agent="Diary"]')
      .getByRole('button', { name: 'Rename Diary' })
      .click();
    await page.getByLabel('New name for Diary').fill('Journal');
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.locator('li[data-agent="Journal"]').waitFor();
    expect((await core.agents.list()).map((a) => a.name).sort()).toEqual(['Journal', 'Locus']);
  });

  it('deletes an agent only after confirming, offering an export first', async () => {
    const { page, core } = await openApp(suite.browser, suite.rendererDir, {
      chatModel: createScriptedModel(),
    });
    const doomed = await core.agents.create({ name: 'Scratch' });
    await core.archival.insert(doomed.id, { text: 'A passage worth keeping' });
    await page.reload();
    await openView(page, 'Agents');
    const card = page.locator('li[data-agent="Scratch"]');
    await card.getByRole('button', { name: 'Delete Scratch' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete Scratch?' });
    await dialog.waitFor();
    await lookAt(page, 'agents-delete');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByRole('button', { name: 'Export Scratch first (.af)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('Scratch.af');
    const file = JSON.parse(fs.readFileSync(await download.path(), 'utf8')) as {
      agents: Array<{ name: string }>;
    };
    expect(file.agents[0]?.name).toBe('Scratch');
    await dialog.getByText('Downloaded Scratch.af.').waitFor();

    // Cancel keeps it.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect((await core.agents.list()).some((a) => a.name === 'Scratch')).toBe(true);

    await card.getByRole('button', { name: 'Delete Scratch' }).click();
    await dialog.getByRole('button', { name: 'Delete Scratch and its memory' }).click();
    await card.waitFor({ state: 'detached' });
    expect((await core.agents.list()).map((a) => a.name)).toEqual(['Locus']);
  });
});
