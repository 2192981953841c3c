import { describe, expect, it } from 'vitest';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { browserSuite, openApp, screenshot } from '../helpers/browser-app';

// The memory pipeline as a person sees it: the activity feed with undo,
// consolidation on demand and its settings, past facts in archival memory.
describe('memory activity in the app (headless Chromium)', () => {
  const suite = browserSuite();

  it('consolidates on demand, lists every change with who made it, and undoes one', async () => {
    const { page, core } = await openApp(suite.browser, suite.rendererDir, {
      chatModel: createScriptedModel(),
      consolidationDelayMs: 3_600_000,
    });
    const agent = await core.agents.getOrCreateDefault();
    await core.runtime.send(agent.id, 'I live in Paris. My sister is called Lena.');
    await core.runtime.send(agent.id, 'My name is Grace');

    await page.getByRole('button', { name: 'Activity' }).click();
    const status = page.getByTestId('consolidation-status');
    await expect.poll(() => status.textContent()).toMatch(/^on · 4 messages waiting/);
    await page.getByRole('button', { name: 'Consolidate now' }).click();
    await page.getByRole('status').getByText('Read 4 messages: 2 added').waitFor();
    await expect.poll(() => status.textContent()).toMatch(/^on · 0 messages waiting/);

    const items = page.locator('.activity-item');
    await expect
      .poll(() => items.allTextContents())
      .toEqual([
        expect.stringMatching(/consolidationConsolidated 4 messages: 2 added to humanUndo$/),
        expect.stringMatching(/consolidationAdded to human: "Sister: Lena"Undo$/),
        expect.stringMatching(/consolidationAdded to human: "Lives in Paris"Undo$/),
        expect.stringMatching(/agentAdded to human: "Name: Grace"Undo$/),
      ]);
    await screenshot(page, 'activity');
    // The feed reads as lines across the view, not a column one letter wide
    // (the chat's status-line style once applied to this view as well).
    const summary = await items.first().locator('.activity-summary').boundingBox();
    expect(summary?.width).toBeGreaterThan(300);

    const lena = items.filter({ hasText: 'Sister: Lena' });
    await lena.getByRole('button', { name: 'Undo' }).click();
    await items.first().getByText('Undid: Added to human: "Sister: Lena"').waitFor();
    await lena.getByText('undone').waitFor();
    expect(await lena.getByRole('button', { name: 'Undo' }).count()).toBe(0);
    expect((await core.coreMemory.get(agent.id, 'human')).value).toBe(
      'Name: Grace\nLives in Paris',
    );

    await page.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => status.textContent()).toMatch(/^paused/);
    await page.getByLabel('Tool set').selectOption('letta');
    await expect
      .poll(async () => (await core.agents.get(agent.id)).memory)
      .toEqual({ toolProfile: 'letta', consolidation: 'paused' });
  });

  it('forgets a message from history; the feed keeps the unrelated change beside it, undoable', async () => {
    const { page, core } = await openApp(suite.browser, suite.rendererDir, {
      chatModel: createScriptedModel(),
      consolidationDelayMs: 3_600_000,
    });
    const agent = await core.agents.getOrCreateDefault();
    await core.runtime.send(agent.id, 'I am allergic to peanuts.');
    await core.runtime.send(agent.id, 'My dog is called Rex.');
    await core.handlers['consolidation.run']({ agentId: agent.id });

    await page.getByRole('button', { name: 'History' }).click();
    await page.getByLabel('Search history').fill('peanuts');
    await page.getByLabel('Search history').press('Enter');
    const told = page.locator('li').filter({ hasText: 'I am allergic to peanuts' });
    await told.getByRole('button', { name: 'Forget…' }).click();
    await page.getByRole('button', { name: 'Forget it and what came from it' }).click();

    await page.getByRole('button', { name: 'Activity' }).click();
    const items = page.locator('.activity-item');
    await items
      .first()
      .getByText(/^Forgot a message and what came from it/)
      .waitFor();
    const texts = await items.allTextContents();
    expect(texts.join('\n')).not.toContain('peanuts');
    const rex = items.filter({ hasText: 'Added to human: "Dog: Rex"' });
    await rex.getByRole('button', { name: 'Undo' }).click();
    await items.first().getByText('Undid: Added to human: "Dog: Rex"').waitFor();
    expect((await core.coreMemory.get(agent.id, 'human')).value).toBe('');
    // The pass has nothing left to undo, so it offers none.
    const pass = items.filter({ hasText: 'Consolidated 4 messages' });
    expect(await pass.getByRole('button', { name: 'Undo' }).count()).toBe(0);
    await screenshot(page, 'activity-after-forget');
  });

  it('shows a replaced fact as past, with the date it stopped being true', async () => {
    const { page, core } = await openApp(suite.browser, suite.rendererDir, {
      chatModel: createScriptedModel(),
      consolidationDelayMs: 3_600_000,
    });
    const agent = await core.agents.getOrCreateDefault();
    await core.runtime.send(agent.id, 'I live in Paris.');
    await core.handlers['consolidation.run']({ agentId: agent.id });
    await core.runtime.send(agent.id, 'I moved to Berlin yesterday.');
    await core.handlers['consolidation.run']({ agentId: agent.id });

    await page.getByRole('button', { name: 'Memory' }).click();
    const past = page.locator('.passage').filter({ hasText: 'Lives in Paris' });
    await past.getByText(/^past · until \d{4}-\d{2}-\d{2}$/).waitFor();
    // One chip says it is past; the 'past' tag is not shown again beside it.
    expect(await past.locator('.tag').filter({ hasText: /past/ }).count()).toBe(1);
    await page
      .locator('article[data-label="human"] textarea')
      .filter({ hasText: 'Lives in Berlin' })
      .waitFor();
    await screenshot(page, 'past-fact');

    await past.getByRole('button', { name: 'Delete' }).click();
    await past.getByRole('button', { name: 'Forget, leaving no trace' }).click();
    await expect.poll(() => page.locator('.passage').count()).toBe(0);
    await page.getByRole('button', { name: 'Activity' }).click();
    await page.locator('.activity-item').first().getByText('Forgot a passage').waitFor();
  });
});
