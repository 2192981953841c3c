import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createScriptedModel, memoryDemoScript } from '../../src/core/models/scripted-model';
import { browserSuite, openApp } from '../helpers/browser-app';
import { lookAt, sendMessage } from '../helpers/app-page';

describe('chat', () => {
  const suite = browserSuite();

  const clipboard = async (page: Page) =>
    (await page.evaluate('navigator.clipboard.readText()')) as string;

  it('styles code blocks with a copy button, and copies a whole reply', async () => {
    const { page } = await openApp(suite.browser, suite.rendererDir, {
      chatModel: createScriptedModel(),
    });
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await sendMessage(page, 'Try this:\n```python\nprint("hi")\nx = 1\n```');
    const block = page.locator('.message.assistant .code-block');
    await block.waitFor();
    expect(await block.locator('.code-head').textContent()).toContain('python');
    // Monospace, on its own background: styled, not a plain paragraph.
    const style = (await page.evaluate(`(() => {
      const pre = document.querySelector('.message.assistant .code-block pre');
      return getComputedStyle(pre).fontFamily + '|' + getComputedStyle(pre.parentElement).backgroundColor;
    })()`)) as string;
    expect(style).toMatch(/monospace/);
    expect(style).not.toMatch(/rgba\(0, 0, 0, 0\)$/);
    await block.getByRole('button', { name: 'Copy python code' }).click();
    await block.getByText('Copied').waitFor();
    expect(await clipboard(page)).toBe('print("hi")\nx = 1\n');

    await page.getByRole('button', { name: 'Copy reply' }).click();
    await expect.poll(() => clipboard(page)).toContain('You said: Try this:');
    await lookAt(page, 'chat-code');
  });

  it('retries the last reply', async () => {
    let attempt = 0;
    const model = createScriptedModel({
      script: (request, call) =>
        /Tell me a joke/.test(request.turns.map((t) => t.content).join('\n')) &&
        request.purpose === 'step'
          ? {
              thinking: '',
              tool: 'send_message',
              arguments: { message: `Joke number ${++attempt}` },
            }
          : memoryDemoScript(request, call),
    });
    const { page } = await openApp(suite.browser, suite.rendererDir, { chatModel: model });
    await sendMessage(page, 'Tell me a joke');
    await page.getByText('Joke number 1').waitFor();
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.getByText('Joke number 2').waitFor();
    // Retry is offered on the newest reply only.
    expect(await page.getByRole('button', { name: 'Retry' }).count()).toBe(1);
    const last = page.locator('.message.assistant').last();
    expect(await last.textContent()).toContain('Joke number 2');
  });

  it('shows what the agent is doing while it works, and names the model', async () => {
    const { page } = await openApp(suite.browser, suite.rendererDir, {
      chatModel: createScriptedModel({ chunkDelayMs: 40, name: 'qwen-test' }),
    });
    expect(await page.getByTestId('current-model').textContent()).toBe('Model: qwen-test');
    // Record every state the status line shows, however briefly; the chat
    // view (and its status line) renders after the header, once the agent loads.
    await page.getByTestId('activity').waitFor({ state: 'attached' });
    await page.evaluate(`(() => {
      const seen = [];
      window.activity = seen;
      const el = document.querySelector('[data-testid="activity"]');
      new MutationObserver(() => {
        const text = el.textContent.trim();
        if (text && seen.at(-1) !== text) seen.push(text);
      }).observe(el, { subtree: true, childList: true, characterData: true });
    })()`);
    await sendMessage(page, 'search spare key');
    await page.getByText('I could not find anything about that.').waitFor();
    const seen = (await page.evaluate('window.activity')) as string[];
    expect(seen).toEqual(expect.arrayContaining(['Thinking…', 'Searching memory…', 'Writing…']));
    expect(seen.indexOf('Searching memory…')).toBeLessThan(seen.indexOf('Writing…'));
    await expect.poll(() => page.getByTestId('activity').textContent()).toBe('');
  });

  it('says plainly that no model is set up, before anything is sent', async () => {
    const { page } = await openApp(suite.browser, suite.rendererDir);
    const notice = page.getByTestId('no-model');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('No language model yet');
    expect(await notice.textContent()).toContain('memory, notes and files already work');
    expect(await page.getByTestId('current-model').textContent()).toBe('Model: No model');
    expect(await page.getByText('Say hello').count()).toBe(0);
    await lookAt(page, 'chat-no-model');
    await notice.getByRole('button', { name: 'Set up a model' }).click();
    await page.getByTestId('loaded-model').waitFor();
  });
});
