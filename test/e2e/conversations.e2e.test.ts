import { describe, expect, it } from 'vitest';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { browserSuite, openApp } from '../helpers/browser-app';
import { lookAt, openView, sendMessage } from '../helpers/app-page';

describe('conversations in the app', () => {
  const suite = browserSuite();

  it('starts, lists, resumes, renames and deletes conversations over one memory', async () => {
    const { page, core } = await openApp(suite.browser, suite.rendererDir, {
      chatModel: createScriptedModel(),
    });
    const list = page.getByTestId('conversation-list');
    await list.getByRole('button').first().waitFor();
    expect(await list.getByRole('button').count()).toBe(1);
    await sendMessage(page, 'Hi, my name is Ada');
    await page.getByText("Got it, I'll remember that.").waitFor();

    // A new conversation: an empty window, the same memory.
    await page.getByRole('button', { name: '+ New' }).click();
    await expect.poll(() => list.getByRole('button').count()).toBe(2);
    await expect.poll(() => page.locator('.message').count()).toBe(0);
    await sendMessage(page, 'What is my name?');
    await page.locator('.message.assistant').getByText('Your name is Ada.').waitFor();
    // Its window holds only its own messages (the first conversation's may
    // come back under "Memories used": the memory is shared).
    expect(await page.locator('.message .bubble').getByText('Hi, my name is Ada').count()).toBe(0);

    // The sidebar lists them newest first, each with its last message time.
    const names = await list.locator('.conversation-name').allTextContents();
    expect(names).toEqual(['Conversation 2', 'Conversation 1']);
    expect(await list.locator('time').first().textContent()).toMatch(/\d/);
    await lookAt(page, 'conversations');

    // Resume the first one: its own messages come back.
    await list.getByRole('button', { name: /Conversation 1/ }).click();
    await page.getByText('Hi, my name is Ada').waitFor();
    expect(await page.getByText('What is my name?').count()).toBe(0);

    await page.getByRole('button', { name: 'Rename conversation' }).click();
    await page.getByLabel('Conversation name').fill('Introductions');
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.getByRole('heading', { name: 'Introductions' }).waitFor();
    await list.getByRole('button', { name: /Introductions/ }).waitFor();

    await page.getByRole('button', { name: 'Delete conversation' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete conversation' }).click();
    await expect.poll(() => list.getByRole('button').count()).toBe(1);
    await page.getByRole('heading', { name: 'Conversation 2' }).waitFor();
    const agent = await core.agents.getOrCreateDefault();
    expect((await core.conversations.list(agent.id)).map((c) => c.name)).toEqual([
      'Conversation 2',
    ]);
    // Core memory is the agent's: deleting a conversation kept it.
    expect(agent.blocks.find((b) => b.label === 'human')?.value).toContain('Name: Ada');
  });

  it('opens a new conversation with Ctrl+Shift+O and the context view follows the one shown', async () => {
    const { page } = await openApp(suite.browser, suite.rendererDir, {
      chatModel: createScriptedModel(),
    });
    await sendMessage(page, 'Remember that the boat is called Petrel');
    await page.getByText("Got it, I'll remember that.").waitFor();
    await page.keyboard.press('Control+Shift+O');
    await page.getByRole('heading', { name: 'Conversation 2' }).waitFor();
    await expect
      .poll(() => page.evaluate('document.activeElement?.getAttribute("aria-label")'))
      .toBe('Message');
    await openView(page, 'Context');
    await page.getByText('of “Conversation 2”').waitFor();
    const messages = page.locator('[data-section="messages"] td').first();
    await expect.poll(() => messages.textContent()).toBe('0');
  });
});
