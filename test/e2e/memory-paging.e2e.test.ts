import { describe, expect, it } from 'vitest';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { browserSuite, openApp } from '../helpers/browser-app';
import { openView } from '../helpers/app-page';

// A memory of months holds more than one page of passages and messages: the
// views must reach all of them, not only the first page.
describe('memory views with more than one page', () => {
  const suite = browserSuite();

  it('shows archival passages past the first page on request', async () => {
    const { page, core } = await openApp(suite.browser, suite.rendererDir, {
      chatModel: createScriptedModel(),
    });
    const agent = await core.agents.getOrCreateDefault();
    await core.archival.insertMany(
      agent.id,
      Array.from({ length: 60 }, (_, i) => ({ text: `Garden note number ${i + 1}` })),
    );
    await openView(page, 'Memory');
    const items = page.locator('.archival .passage');
    await expect.poll(() => items.count()).toBe(25);
    const more = page.getByRole('button', { name: 'Show more passages' });
    await more.click();
    await expect.poll(() => items.count()).toBe(50);
    await more.click();
    await expect.poll(() => items.count()).toBe(60);
    await more.waitFor({ state: 'detached' });
    // Every passage is there once.
    const texts = await items.locator('.passage-text').allTextContents();
    expect(new Set(texts).size).toBe(60);

    // A search starts from its own first page.
    await page.getByLabel('Search archival memory').fill('garden');
    await page.getByLabel('Search archival memory').press('Enter');
    await expect.poll(() => items.count()).toBe(25);
    await page.getByRole('button', { name: 'Show more passages' }).click();
    await expect.poll(() => items.count()).toBe(50);
  });

  it('shows history past the first page of results on request', async () => {
    const { page, core } = await openApp(suite.browser, suite.rendererDir, {
      chatModel: createScriptedModel(),
    });
    const agent = await core.agents.getOrCreateDefault();
    await core.recall.appendMany(
      agent.id,
      Array.from({ length: 120 }, (_, i) => ({
        role: 'user' as const,
        content: `Tomato plant update ${i + 1}`,
      })),
    );
    await openView(page, 'History');
    await page.getByLabel('Search history').fill('tomato');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const items = page.getByTestId('history-results').locator(':scope > li');
    await expect.poll(() => items.count()).toBe(50);
    const more = page.getByRole('button', { name: 'Show more messages' });
    await more.click();
    await expect.poll(() => items.count()).toBe(100);
    await more.click();
    await expect.poll(() => items.count()).toBe(120);
    await more.waitFor({ state: 'detached' });
  });
});
