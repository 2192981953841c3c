import { describe, expect, it } from 'vitest';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { AUCKLAND } from '../helpers/auckland-days';
import { browserSuite, openApp, screenshot } from '../helpers/browser-app';

// Memory surfacing as a person sees it: what a reply was given, folded under it.
describe('memories used, in the app (headless Chromium)', () => {
  const suite = browserSuite();

  it('shows the memories a reply was given, collapsed until asked', async () => {
    const { page, core } = await openApp(suite.browser, suite.rendererDir, {
      chatModel: createScriptedModel({
        script: () => ({
          thinking: 'Answer.',
          tool: 'send_message',
          arguments: { message: 'On Tuesdays.' },
        }),
      }),
    });
    const agent = await core.agents.getOrCreateDefault();
    await core.recall.appendMany(agent.id, [
      { role: 'user', content: 'My daughter Lena starts violin lessons on Tuesdays.' },
    ]);
    await page.getByLabel('Message', { exact: true }).fill('When are the violin lessons?');
    await page.getByLabel('Message', { exact: true }).press('Enter');
    await page.getByText('On Tuesdays.', { exact: true }).first().waitFor();

    const used = page.locator('.memories-used');
    await used.getByText('Memories used').waitFor();
    const item = used.getByText('My daughter Lena starts violin lessons on Tuesdays.');
    expect(await item.isVisible()).toBe(false);
    await used.getByText('Memories used').click();
    await item.waitFor();
    expect(await used.textContent()).toContain('conversation');
    await screenshot(page, 'memories-used');
  });
  it("dates a past fact's end by the month of the page's own time zone", async () => {
    const { page, core } = await openApp(
      suite.browser,
      suite.rendererDir,
      {
        chatModel: createScriptedModel({
          script: () => ({
            thinking: 'Answer.',
            tool: 'send_message',
            arguments: { message: 'The cello now.' },
          }),
        }),
      },
      { timezoneId: AUCKLAND },
    );
    const agent = await core.agents.getOrCreateDefault();
    const old = await core.archival.insert(agent.id, { text: 'Lena plays the violin at school.' });
    const current = await core.archival.insert(agent.id, {
      text: 'Lena switched from violin to cello at school.',
    });
    // Midnight starting the 1st of December in Auckland (11:00 UTC the day before).
    await core.archival.supersede(old.id, current.id, '2026-11-30T11:00:00.000Z');
    await page.getByLabel('Message', { exact: true }).fill('What about Lena, violin and school?');
    await page.getByLabel('Message', { exact: true }).press('Enter');
    await page.getByText('The cello now.', { exact: true }).first().waitFor();

    const used = page.locator('.memories-used');
    await used.getByText('Memories used').click();
    await used.getByText('Lena plays the violin at school.').waitFor();
    expect(await used.textContent()).toContain('true until 2026-12');
  });
});
