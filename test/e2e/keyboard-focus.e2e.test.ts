import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { browserSuite, openApp } from '../helpers/browser-app';
import { openView } from '../helpers/app-page';

/** What has the keyboard focus: its accessible-ish name, or the tag of what holds it. */
// A string: this file is type-checked for Node, without DOM types.
const focused = (page: Page): Promise<string> =>
  page.evaluate(`(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    return (el.getAttribute('aria-label') ?? el.textContent ?? '').trim();
  })()`);

// Someone on the keyboard alone must not be sent back to the top of the page
// each time a control they used goes away.
describe('keyboard focus (headless Chromium)', () => {
  const suite = browserSuite();

  it('gives the focus back to the button that opened a dialog when it closes', async () => {
    const { page } = await openApp(suite.browser, suite.rendererDir, {
      chatModel: createScriptedModel(),
    });
    const opener = page.getByRole('button', { name: 'Delete conversation' });
    await opener.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await expect.poll(() => focused(page)).toBe('Delete conversation');
  });

  it("keeps the focus on a passage's controls through edit and delete", async () => {
    const { page, core } = await openApp(suite.browser, suite.rendererDir, {
      chatModel: createScriptedModel(),
    });
    const agent = await core.agents.getOrCreateDefault();
    await core.archival.insert(agent.id, { text: 'The spare key is under the blue pot' });
    await openView(page, 'Memory');
    const passage = page.locator('.archival .passage').first();

    await passage.getByRole('button', { name: 'Edit' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page)).toBe('Passage text');
    await passage.getByRole('button', { name: 'Cancel' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page)).toBe('Edit');

    await passage.getByRole('button', { name: 'Delete' }).focus();
    await page.keyboard.press('Enter');
    // The safe choice is the one under the finger.
    await expect.poll(() => focused(page)).toBe('Keep');
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page)).toBe('Delete');
  });

  it('keeps the focus in a history result when asked to forget it', async () => {
    const { page, core } = await openApp(suite.browser, suite.rendererDir, {
      chatModel: createScriptedModel(),
    });
    const agent = await core.agents.getOrCreateDefault();
    await core.recall.appendMany(agent.id, [{ role: 'user', content: 'My locker code is 4521' }]);
    await openView(page, 'History');
    await page.getByLabel('Search history').fill('locker');
    await page.getByLabel('Search history').press('Enter');
    await page.getByRole('button', { name: 'Forget…' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page)).toBe('Keep');
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page)).toBe('Forget…');
  });
});
