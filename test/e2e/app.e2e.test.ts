import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { buildTinyGguf } from '../fixtures/make-tiny-gguf';
import { browserSuite, openApp, screenshot } from '../helpers/browser-app';
import { serveSlowHub } from '../helpers/slow-hub';
import { tempDir } from '../helpers/test-core';

// The real renderer, built by Vite, in Debian's Chromium, against the core's
// loopback HTTP host with the scripted model.
describe('desktop UI in headless Chromium', () => {
  const suite = browserSuite();

  const start = (options: Parameters<typeof openApp>[2] = {}) =>
    openApp(suite.browser, suite.rendererDir, {
      chatModel: createScriptedModel({ chunkDelayMs: 15 }),
      ...options,
    });

  const send = async (page: Page, text: string) => {
    // One turn at a time, as a user sees it: the Stop button means a turn is running.
    await page.getByRole('button', { name: 'Stop' }).waitFor({ state: 'hidden' });
    await page.getByLabel('Message', { exact: true }).fill(text);
    await page.getByLabel('Message', { exact: true }).press('Enter');
  };

  it('streams a reply into the chat', async () => {
    const { page } = await start();
    // Record every partial reply shown while tokens arrive (however fast they come).
    // (A string: this file is type-checked for Node, without DOM types.)
    await page.evaluate(`(() => {
      const seen = [];
      window.partials = seen;
      new MutationObserver(() => {
        const text = document.querySelector('[data-testid="streaming"]')?.textContent;
        if (text && seen.at(-1) !== text) seen.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    })()`);
    await send(page, 'Hello there, **friend**');
    const reply = page.locator('.message.assistant .bubble').last();
    await expect.poll(() => reply.textContent()).toBe('You said: Hello there, friend');
    // Markdown is rendered, not shown raw.
    expect(await reply.locator('strong').textContent()).toBe('friend');
    await expect.poll(() => page.getByRole('button', { name: 'Send' }).isVisible()).toBe(true);
    const partials = (await page.evaluate('window.partials')) as string[];
    expect(partials.length).toBeGreaterThan(1);
    expect('You said: Hello there, **friend**'.startsWith(partials[0]!)).toBe(true);
    await screenshot(page, 'chat');
  });

  it('shows a memory edit made by the agent inline and in the memory view', async () => {
    const { page } = await start();
    await send(page, 'Hi, my name is Ada');
    await page.locator('.message.assistant').getByText("Got it, I'll remember that.").waitFor();
    const edit = page.locator('details.tool.memory-edit');
    expect(await edit.locator('summary').textContent()).toContain('core_memory_append');
    await edit.locator('summary').click();
    expect(await edit.locator('pre').first().textContent()).toContain('Name: Ada');
    await screenshot(page, 'chat-memory-edit');

    await page.getByRole('button', { name: 'Memory' }).click();
    const human = page.getByLabel('human block');
    await expect.poll(() => human.inputValue()).toContain('Name: Ada');
    await screenshot(page, 'memory');
  });

  it('changes what the agent sees when the user edits a block', async () => {
    const { page, core } = await start();
    const agent = await core.agents.getOrCreateDefault();
    await page.getByRole('button', { name: 'Memory' }).click();
    const human = page.getByLabel('human block');
    await human.fill('Name: Grace');
    const counter = page.getByTestId('counter-human');
    expect(await counter.textContent()).toMatch(/^11 \/ \d+$/);
    await page.locator('article[data-label="human"]').getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(async () => (await core.runtime.preview(agent.id))[0]?.content)
      .toContain('Name: Grace');

    // Over the limit, saving is refused before it reaches the core.
    const limit = agent.blocks.find((b) => b.label === 'human')!.limit;
    await human.fill('x'.repeat(limit + 3));
    expect(
      await page.locator('article[data-label="human"]').getByText('3 characters over').count(),
    ).toBe(1);
    expect(
      await page
        .locator('article[data-label="human"]')
        .getByRole('button', { name: 'Save' })
        .isDisabled(),
    ).toBe(true);

    await page.getByRole('button', { name: 'Chat' }).click();
    await send(page, 'What is my name?');
    await page.locator('.message.assistant').getByText('Your name is Grace.').waitFor();
  });

  it('adds a passage to archival memory and finds it by search', async () => {
    const { page, core } = await start();
    await page.getByRole('button', { name: 'Memory' }).click();
    await page
      .getByLabel('New passage', { exact: true })
      .fill('The spare key is under the blue pot');
    await page.getByLabel('New passage tags').fill('home, keys');
    await page.getByRole('button', { name: 'Add to memory' }).click();
    await page.getByLabel('New passage', { exact: true }).fill('Dentist on Tuesday at 9');
    await page.getByRole('button', { name: 'Add to memory' }).click();
    await expect.poll(() => page.locator('.passage').count()).toBe(2);

    await page.getByLabel('Search archival memory').fill('where is the spare key');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const first = page.locator('.passage').first();
    await expect
      .poll(() => first.locator('.passage-text').textContent())
      .toBe('The spare key is under the blue pot');
    expect(await first.locator('.tag').allTextContents()).toEqual(['home', 'keys']);
    expect(await first.textContent()).toContain('from user');
    await screenshot(page, 'archival');

    // Edit and delete are real.
    await first.getByRole('button', { name: 'Edit' }).click();
    await first.getByLabel('Passage text').fill('The spare key is in the shed');
    await first.getByRole('button', { name: 'Save' }).click();
    const agent = await core.agents.getOrCreateDefault();
    await expect
      .poll(async () => (await core.archival.search(agent.id, { query: 'shed' })).items[0]?.text)
      .toBe('The spare key is in the shed');
    const shed = page.locator('.passage', { hasText: 'shed' });
    await shed.getByRole('button', { name: 'Delete' }).click();
    await shed.getByRole('button', { name: 'Delete for good' }).click();
    await expect.poll(async () => (await core.archival.count(agent.id)).total).toBe(1);
  });

  it('searches the conversation history and shows a hit in context', async () => {
    const { page } = await start();
    await send(page, 'I planted tomatoes today');
    await page
      .locator('.message.assistant')
      .getByText('You said: I planted tomatoes today')
      .waitFor();
    await send(page, 'Hello again');
    await page.locator('.message.assistant').getByText('You said: Hello again').waitFor();

    await page.getByRole('button', { name: 'History' }).click();
    await page.getByLabel('Search history').fill('tomatoes');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const results = page.getByTestId('history-results').locator('li');
    await expect.poll(() => results.count()).toBeGreaterThan(0);
    expect(await results.first().textContent()).toContain('tomatoes');
    await results.first().getByRole('button', { name: 'Show in context' }).click();
    const context = page.getByTestId('history-context');
    expect(await context.locator('li.hit').textContent()).toContain('tomatoes');
    expect(await context.textContent()).toContain('Hello again');
    await screenshot(page, 'history');
  });

  it('loads older messages when the chat is scrolled to the top', async () => {
    const { core, page } = await start();
    const agent = await core.agents.getOrCreateDefault();
    for (let i = 0; i < 70; i++) {
      await core.recall.append(agent.id, { role: 'user', content: `old message ${i}` });
    }
    // The token survives a reload (session storage), as it does for a user.
    await page.reload();
    const messages = page.getByTestId('messages');
    await page.getByText('old message 69').waitFor();
    expect(await page.getByText('old message 0', { exact: true }).count()).toBe(0);
    // Scroll as a user does, with the wheel over the conversation, until the
    // oldest page has loaded: each wheel waits for more messages to appear,
    // not for a fixed time.
    const shown = () => page.locator('.message.user').count();
    while ((await page.getByText('old message 0', { exact: true }).count()) === 0) {
      const before = await shown();
      await messages.hover();
      await page.mouse.wheel(0, -20_000);
      await expect.poll(shown).toBeGreaterThan(before);
    }
    // Nothing shown twice after three pages were joined.
    expect(await page.locator('.message.user').count()).toBe(70);
  });

  it('saves a quick capture and shows it in the memory view', async () => {
    const { page, appUrl, core } = await start();
    const capture = await page.context().newPage();
    await capture.goto(appUrl.replace('/#', '/?view=capture#'));
    await capture.getByLabel('Quick note').fill('Ask Sam about the bike rack');
    await capture.getByLabel('Quick note').press('Control+Enter');
    await capture.getByRole('status').getByText('Saved').waitFor();
    expect(await capture.getByLabel('Quick note').inputValue()).toBe('');
    const agent = await core.agents.getOrCreateDefault();
    const stored = await core.archival.search(agent.id, { query: '', tags: ['note'] });
    expect(stored.items.map((p) => p.text)).toEqual(['Ask Sam about the bike rack']);
    await screenshot(capture, 'capture');

    await page.getByRole('button', { name: 'Memory' }).click();
    const note = page.locator('.passage', { hasText: 'Ask Sam about the bike rack' });
    await note.waitFor();
    expect(await note.locator('.tag').allTextContents()).toEqual(['note']);
    expect(await note.textContent()).toContain('from capture');
  });

  it('explains a missing model and leads to the models view', async () => {
    const { page } = await openApp(suite.browser, suite.rendererDir);
    await send(page, 'Hello?');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.getAttribute('data-code')).toBe('MODEL_NOT_CONFIGURED');
    // The message was not lost.
    expect(await page.getByLabel('Message', { exact: true }).inputValue()).toBe('Hello?');
    await screenshot(page, 'error-no-model');
    await alert.getByRole('button', { name: 'Choose a model' }).click();
    await page.getByTestId('loaded-model').waitFor();
    expect(await page.getByTestId('loaded-model').textContent()).toBe('No model loaded yet.');
  });

  it('downloads a recommended model with a progress bar and loads it', async () => {
    const gguf = buildTinyGguf();
    const sha = crypto.createHash('sha256').update(gguf).digest('hex');
    // A slow mirror, so the progress bar is seen moving.
    await serveSlowHub(() => ({ body: gguf, headers: { 'x-linked-etag': `"${sha}"` } }), 60);

    const { page } = await openApp(suite.browser, suite.rendererDir, { modelsDir: tempDir() });
    await page.getByRole('button', { name: 'Models & settings' }).click();
    const entry = page.locator('li[data-model="qwen3-1.7b"]');
    await entry.getByRole('button', { name: 'Download' }).click();
    const bar = entry.getByRole('progressbar');
    await bar.waitFor();
    await expect
      .poll(async () => Number(await bar.getAttribute('aria-valuenow')))
      .toBeGreaterThan(0);
    await screenshot(page, 'models-downloading');
    const use = entry.getByRole('button', { name: 'Use', exact: true });
    await use.waitFor();
    await use.click();
    await expect.poll(() => page.getByTestId('loaded-model').textContent()).toMatch(/^Loaded: /);
    await screenshot(page, 'models');
  });
});
