import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTinyGguf } from '../fixtures/make-tiny-gguf';
import { browserSuite, openApp, screenshot } from '../helpers/browser-app';
import { tempDir } from '../helpers/test-core';

describe('the context size settings show', () => {
  const suite = browserSuite();

  it('is the one in effect when the model was trained on less than the setting', async () => {
    const model = writeTinyGguf(path.join(tempDir(), 'tiny-4k.gguf'), { contextLength: 4096 });
    const { page, core } = await openApp(suite.browser, suite.rendererDir, {
      modelsDir: tempDir(),
    });
    const agent = await core.agents.getOrCreateDefault();
    expect(agent.model.contextSize).toBe(8192);
    await core.handlers['models.load']({ agentId: agent.id, choice: model });

    await page.getByRole('button', { name: 'Models & settings' }).click();
    await expect
      .poll(() => page.getByTestId('loaded-model').textContent())
      .toContain('4096 tokens of context: the setting asks for 8192, but');
    const inEffect = page.getByTestId('context-in-effect');
    await inEffect.waitFor();
    expect(await inEffect.textContent()).toContain('was trained on 4096, so that is its most');
    expect(await page.getByLabel('Context size (tokens)').getAttribute('aria-describedby')).toBe(
      'context-in-effect',
    );
    await screenshot(page, 'settings-context-in-effect');
  });
});
