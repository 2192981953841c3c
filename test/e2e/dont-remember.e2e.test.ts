import { describe, expect, it } from 'vitest';
import { replyOnlyModel } from '../helpers/consolidation-models';
import { browserSuite, openApp } from '../helpers/browser-app';
import { openView, sendMessage } from '../helpers/app-page';

// "Don't remember" is a promise about privacy: a person must be able to give
// it, and see that it holds, from the conversation itself.
describe("don't remember, in the app (headless Chromium)", () => {
  const suite = browserSuite();

  it('keeps a conversation out of memory from its header, and remembers it again', async () => {
    const { page, core } = await openApp(suite.browser, suite.rendererDir, {
      chatModel: replyOnlyModel(),
    });
    const agent = await core.agents.getOrCreateDefault();
    await core.agents.update(agent.id, { memory: { consolidation: 'paused' } });
    await sendMessage(page, 'Hello there.');
    await page.getByText('Noted!', { exact: true }).first().waitFor();
    const remembered = async () =>
      (await core.handlers['conversations.list']({ agentId: agent.id }))[0]?.remember;

    await page.getByRole('button', { name: /Don.t remember this conversation/ }).click();
    await expect.poll(remembered).toBe(false);
    await page.getByText('Not remembered', { exact: false }).first().waitFor();

    // What is said now stays out of memory.
    await sendMessage(page, 'I live in Lisbon.');
    await page.getByText('Noted!', { exact: true }).nth(1).waitFor();
    await core.agents.update(agent.id, { memory: { consolidation: 'on' } });
    await core.handlers['consolidation.run']({ agentId: agent.id });
    expect(
      (await core.agents.get(agent.id)).blocks.find((b) => b.label === 'human')?.value,
    ).not.toContain('Lisbon');

    // The state is the stored one, not the button's: it holds across views.
    await openView(page, 'Memory');
    await openView(page, 'Chat');
    await page.getByRole('button', { name: 'Remember this conversation again' }).click();
    await expect.poll(remembered).toBe(true);
    await page.getByRole('button', { name: /Don.t remember this conversation/ }).waitFor();
  });
});
