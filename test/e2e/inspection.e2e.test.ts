import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { browserSuite, openApp } from '../helpers/browser-app';
import { lookAt, openView, sendMessage } from '../helpers/app-page';

const tokensOf = async (page: Page, section: string) =>
  Number(
    (await page.locator(`[data-section="${section}"] td`).first().textContent())?.replace(/,/g, ''),
  );

describe('inspecting the context window', () => {
  const suite = browserSuite();

  it('shows each section in tokens, counted by the model, and the compiled prompt', async () => {
    const model = createScriptedModel({ contextSize: 3000 });
    const { page, core } = await openApp(suite.browser, suite.rendererDir, { chatModel: model });
    const agent = await core.agents.getOrCreateDefault();
    const summaryTokens = async () =>
      (await core.handlers['chat.inspect']({ agentId: agent.id })).sections.find(
        (s) => s.id === 'summary',
      )?.tokens ?? 0;
    // Until the window overflows (how soon depends on the prompt's size).
    for (let i = 0; i < 60 && (await summaryTokens()) === 0; i++) {
      await sendMessage(page, `Message ${i} with enough padding words to fill a small window`);
      await page
        .locator('.message.assistant:not(.streaming)')
        .getByText(`You said: Message ${i} `)
        .waitFor();
    }
    await openView(page, 'Context');
    const usage = page.getByTestId('context-usage');
    await usage.waitFor();
    expect(await usage.textContent()).toContain("Counted with scripted's tokenizer.");
    // How much of the window the prompt may take before older messages leave it.
    expect(await page.getByTestId('context-budget').textContent()).toMatch(
      /The prompt may take 2,250 tokens \(\d+\.\d% of that in use\); the other 750 are kept for the reply/,
    );
    const sections = ['instructions', 'core_memory', 'summary', 'surfaced', 'messages', 'free'];
    const tokens = Object.fromEntries(
      await Promise.all(sections.map(async (s) => [s, await tokensOf(page, s)] as const)),
    );
    // The window overflowed: older turns live in the summary now.
    expect(tokens.summary).toBeGreaterThan(0);
    expect(tokens.messages).toBeGreaterThan(0);
    expect(tokens.core_memory).toBeGreaterThan(0);
    // Earlier turns, summarised out of the window, may be surfaced again.
    expect(tokens.surfaced).toBeGreaterThanOrEqual(0);
    expect(sections.reduce((sum, s) => sum + tokens[s]!, 0)).toBe(3000);
    const prompt = await core.runtime.preview(agent.id);
    expect(
      tokens.instructions! +
        tokens.core_memory! +
        tokens.summary! +
        tokens.surfaced! +
        tokens.messages!,
    ).toBe(await model.countTokens(prompt));
    const compiled = page.getByTestId('compiled-prompt');
    expect(await compiled.locator('pre').first().textContent()).toBe(prompt[0]?.content);
    expect(await compiled.locator('li').count()).toBe(prompt.length);
    await lookAt(page, 'context-full');
  });

  it('labels the numbers as an estimate when no model is loaded', async () => {
    const { page } = await openApp(suite.browser, suite.rendererDir);
    await openView(page, 'Context');
    const usage = page.getByTestId('context-usage');
    await usage.waitFor();
    expect(await usage.textContent()).toContain('Estimated (about four characters a token)');
    expect(await tokensOf(page, 'messages')).toBe(0);
    expect(await tokensOf(page, 'core_memory')).toBeGreaterThan(0);
  });
});
