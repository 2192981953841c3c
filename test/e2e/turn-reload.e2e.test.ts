import { describe, expect, it } from 'vitest';
import type { ChatModel } from '../../src/core/models/chat-model';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { browserSuite, openApp } from '../helpers/browser-app';
import { sendMessage } from '../helpers/app-page';

/** A model that starts its reply only when released, and stops when cancelled. */
function heldModel(): { model: ChatModel; started: () => boolean; release: () => void } {
  const inner = createScriptedModel();
  let release = (): void => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  let generating = false;
  const model: ChatModel = {
    name: inner.name,
    contextSize: inner.contextSize,
    countTokens: (turns) => inner.countTokens(turns),
    generate: async (request, options) => {
      generating = true;
      await new Promise<void>((resolve, reject) => {
        void held.then(resolve);
        options?.signal?.addEventListener('abort', () =>
          reject(options.signal?.reason ?? new Error('aborted')),
        );
      });
      return inner.generate(request, options);
    },
    dispose: () => inner.dispose(),
  };
  return { model, started: () => generating, release };
}

describe('a page reloaded while a turn runs', () => {
  const suite = browserSuite();

  it('shows the turn as running (Thinking…, Stop), and Stop ends it', async () => {
    const held = heldModel();
    const { page } = await openApp(suite.browser, suite.rendererDir, { chatModel: held.model });
    await sendMessage(page, 'Hello there');
    await expect.poll(() => held.started()).toBe(true);

    await page.reload();
    const stop = page.getByRole('button', { name: 'Stop' });
    await stop.waitFor();
    expect(await page.getByTestId('activity').textContent()).toContain('Thinking…');
    expect(await page.getByRole('button', { name: 'Send' }).count()).toBe(0);

    await stop.click();
    await page.getByRole('button', { name: 'Send' }).waitFor();
    await expect.poll(() => page.getByTestId('activity').textContent()).toBe('');
  });

  it('shows the reply once the turn it picked up finishes', async () => {
    const held = heldModel();
    const { page } = await openApp(suite.browser, suite.rendererDir, { chatModel: held.model });
    await sendMessage(page, 'Hello there');
    await expect.poll(() => held.started()).toBe(true);
    await page.reload();
    await page.getByRole('button', { name: 'Stop' }).waitFor();
    held.release();
    await page.getByText('You said: Hello there', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Send' }).waitFor();
  });
});
