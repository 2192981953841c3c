import { describe, expect, it } from 'vitest';
import { browserSuite, openApp } from '../helpers/browser-app';
import { sendMessage } from '../helpers/app-page';
import { heldModel } from '../helpers/held-model';

describe('an open conversation and a turn started elsewhere', () => {
  const suite = browserSuite();

  /** The app in two tabs of one browser, both ready, on a model that waits to be released. */
  async function twoTabs() {
    const held = heldModel();
    const { page, appUrl } = await openApp(suite.browser, suite.rendererDir, {
      chatModel: held.model,
    });
    const other = await page.context().newPage();
    await other.goto(appUrl);
    await other.getByRole('button', { name: 'Send' }).waitFor();
    return { held, page, other };
  }

  it('a second tab shows the turn running and its reply, without a reload', async () => {
    const { held, page, other } = await twoTabs();

    await sendMessage(page, 'Hello there');
    await expect.poll(() => held.started()).toBe(true);

    await other.getByRole('button', { name: 'Stop' }).waitFor();
    expect(await other.getByTestId('activity').textContent()).toContain('Thinking…');
    await other.getByTestId('messages').getByText('Hello there', { exact: true }).waitFor();

    held.release();
    await other.getByText('You said: Hello there', { exact: true }).waitFor();
    await other.getByRole('button', { name: 'Send' }).waitFor();
    await expect.poll(() => other.getByTestId('activity').textContent()).toBe('');
  });

  it('shows a turn another client (CLI, API, MCP) sent to this conversation', async () => {
    const held = heldModel();
    const { page, core } = await openApp(suite.browser, suite.rendererDir, {
      chatModel: held.model,
    });
    await page.getByRole('button', { name: 'Send' }).waitFor();
    const [agent] = await core.handlers['agents.list']({});
    if (!agent) throw new Error('The app has no agent.');

    const turn = core.handlers['chat.send']({ agentId: agent.id, text: 'From the terminal' });
    await page.getByRole('button', { name: 'Stop' }).waitFor();
    await page.getByTestId('messages').getByText('From the terminal', { exact: true }).waitFor();

    held.release();
    await turn;
    await page.getByText('You said: From the terminal', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Send' }).waitFor();
  });

  it('Stop in the tab that did not start the turn ends it', async () => {
    const { held, page, other } = await twoTabs();
    await sendMessage(page, 'Hello there');
    await expect.poll(() => held.started()).toBe(true);

    await other.getByRole('button', { name: 'Stop' }).click();
    await page.getByRole('button', { name: 'Send' }).waitFor();
    await other.getByRole('button', { name: 'Send' }).waitFor();
  });

  it("merges another process's new messages into the conversation they belong to only", async () => {
    const { page, core } = await openApp(suite.browser, suite.rendererDir, {
      chatModel: heldModel().model,
    });
    await page.getByRole('button', { name: 'Send' }).waitFor();
    const agent = await core.agents.getOrCreateDefault();
    const [shown] = await core.handlers['conversations.list']({ agentId: agent.id });
    if (!shown) throw new Error('The app opened no conversation.');
    // What a second Locus on the same memory server writes, then announces.
    const other = await core.handlers['conversations.create']({ agentId: agent.id });
    const written = (conversationId: string, content: string) =>
      core.recall.append(agent.id, { role: 'user', content, conversationId });
    const announce = () =>
      core.events.emit('memory.changed', { changes: [{ table: 'messages', agentId: agent.id }] });

    await written(other.id, 'Said in the other conversation');
    announce();
    await written(shown.id, 'Said in this conversation');
    announce();
    const log = page.getByTestId('messages');
    await log.getByText('Said in this conversation', { exact: true }).waitFor();
    expect(await log.getByText('Said in the other conversation').count()).toBe(0);
  });
});
