import { describe, expect, it } from 'vitest';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { browserSuite, openApp } from '../helpers/browser-app';
import { lookAt, openView, sendMessage } from '../helpers/app-page';
import { isWeakMatch } from '../../src/shared/match-strength';
import {
  AUCKLAND,
  MORNING_OF_THE_2ND,
  NIGHT_OF_THE_3RD,
  appendAcrossAucklandDays,
} from '../helpers/auckland-days';

const DAY = 24 * 60 * 60 * 1000;

describe('memory views', () => {
  const suite = browserSuite();

  it('adds, renames and deletes core memory blocks, and the agent sees each change', async () => {
    const { page, core } = await openApp(suite.browser, suite.rendererDir, {
      chatModel: createScriptedModel(),
    });
    const agent = await core.agents.getOrCreateDefault();
    const prompt = async () => (await core.runtime.preview(agent.id))[0]?.content ?? '';
    await openView(page, 'Memory');
    await page.getByRole('button', { name: '+ Add a block' }).click();
    const form = page.getByRole('form', { name: 'Add a block' });
    await form.getByLabel('Label').fill('projects');
    await form
      .getByLabel('What it is for (the agent reads this)')
      .fill('What the user is building');
    await form.getByRole('button', { name: 'Add block' }).click();
    const block = page.locator('article[data-label="projects"]');
    await block.waitFor();
    await block.getByLabel('projects block').fill('A boat shed');
    await block.getByRole('button', { name: 'Save' }).click();
    await expect.poll(prompt).toContain('<projects chars="11/2000">');

    await page
      .locator('article[data-label="projects"]')
      .getByRole('button', { name: 'Rename projects' })
      .click();
    await page.getByLabel('New label for projects').fill('work');
    await page.getByRole('button', { name: 'Rename', exact: true }).click();
    const renamed = page.locator('article[data-label="work"]');
    await renamed.waitFor();
    expect(await renamed.getByLabel('work block').inputValue()).toBe('A boat shed');
    await expect.poll(prompt).toContain('<work ');

    await renamed.getByRole('button', { name: 'Delete work' }).click();
    await page
      .getByRole('dialog', { name: 'Delete the work block?' })
      .getByRole('button', { name: 'Delete block' })
      .click();
    await renamed.waitFor({ state: 'detached' });
    await expect.poll(prompt).not.toContain('<work ');
  });

  it('filters archival memory by tag and date, and shows scores and matched words', async () => {
    const { page, core } = await openApp(suite.browser, suite.rendererDir, {
      chatModel: createScriptedModel(),
    });
    const agent = await core.agents.getOrCreateDefault();
    await core.archival.insert(agent.id, {
      text: 'The spare key is under the blue pot',
      tags: ['home'],
    });
    core.clock.advance(40 * DAY);
    await core.archival.insert(agent.id, {
      text: 'Keys for the shed hang by the door',
      tags: ['home', 'garden'],
    });
    await core.archival.insert(agent.id, { text: 'Dentist on Tuesday at 9', tags: ['health'] });
    await openView(page, 'Memory');
    await expect.poll(() => page.locator('.passage').count()).toBe(3);

    // A tag on a passage is a filter.
    await page
      .locator('.passage', { hasText: 'Dentist' })
      .getByRole('button', { name: 'health' })
      .click();
    await expect.poll(() => page.locator('.passage').count()).toBe(1);
    await page.getByText('1 found tagged health').waitFor();
    await page.getByRole('button', { name: 'Clear search' }).click();
    await expect.poll(() => page.locator('.passage').count()).toBe(3);

    // Dates: only what was stored from February on.
    await page.getByText('Filters').click();
    await page.getByLabel('Passages from').fill('2026-02-01');
    await page.getByLabel('Filter by tags').fill('home');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect
      .poll(() => page.locator('.passage-text').allTextContents())
      .toEqual(['Keys for the shed hang by the door']);
    await page.getByRole('button', { name: 'Clear search' }).click();

    // A search shows scores and marks the words that matched.
    await page.getByLabel('Search archival memory').fill('spare key');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const first = page.locator('.passage').first();
    await expect.poll(() => first.locator('mark').allTextContents()).toEqual(['spare', 'key']);
    expect(await first.locator('.score').textContent()).toMatch(/^score \d\.\d{3}$/);
    expect(await first.locator('time').textContent()).toMatch(/2026/);
    await lookAt(page, 'memory-search');
  });

  it('marks the words search matched with or without accents, and inside Chinese text', async () => {
    const { page, core } = await openApp(suite.browser, suite.rendererDir, {});
    const agent = await core.agents.getOrCreateDefault();
    for (const text of ['That was a naïve plan', 'Opa wohnt an der Straße', '我喜欢在北京吃饺子']) {
      await core.archival.insert(agent.id, { text });
    }
    await openView(page, 'Memory');
    const marked = async (query: string) => {
      await page.getByLabel('Search archival memory').fill(query);
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      const first = page.locator('.passage').first();
      await first
        .locator('mark')
        .first()
        .waitFor({ timeout: 5000 })
        .catch(() => undefined);
      return first.locator('mark').allTextContents();
    };
    // Search finds each of these; the result must show which word it was.
    expect(await marked('naive')).toEqual(['naïve']);
    expect(await marked('STRASSE')).toEqual(['Straße']);
    expect(await marked('北京')).toEqual(['北京']);
  });

  it('shows history without tool plumbing, and with it on request', async () => {
    const { page } = await openApp(suite.browser, suite.rendererDir, {
      chatModel: createScriptedModel(),
    });
    await sendMessage(page, 'Remember that the boat is called Petrel');
    await page
      .locator('.message.assistant:not(.streaming)')
      .getByText("Got it, I'll remember that.")
      .waitFor();
    await openView(page, 'History');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const results = page.getByTestId('history-results');
    await results.locator('li').first().waitFor();
    const plain = await results.textContent();
    expect(plain).toContain('You: Remember that the boat is called Petrel');
    expect(plain).toContain("Locus: Got it, I'll remember that.");
    expect(plain).not.toContain('archival_memory_insert');
    expect(plain).not.toContain('"status"');
    await page.getByText(/tool steps? hidden/).waitFor();
    await lookAt(page, 'history-plain');

    await page.getByLabel('Show tool calls and results').check();
    await results
      .getByText('archival_memory_insert content: "the boat is called Petrel"')
      .waitFor();
    const full = await results.textContent();
    expect(full).toMatch(/archival_memory_insert result: OK: /);
    expect(full).not.toContain('null');
    await lookAt(page, 'history-tools');
  });
  it('shows what the agent said as text, with no send_message call (a Letta file), in history and chat', async () => {
    const { page, core } = await openApp(suite.browser, suite.rendererDir, {
      chatModel: createScriptedModel(),
    });
    const agent = await core.agents.getOrCreateDefault();
    // The rows a Letta agent file's conversation imports as: the assistant's
    // words are its content, with no tool call.
    await core.recall.append(agent.id, { role: 'user', content: 'Please refund order 42.' });
    await core.recall.append(agent.id, {
      role: 'assistant',
      content: 'Order 42 is paid; refunding.',
      toolCalls: null,
    });
    await page.reload();
    await page.locator('.message.assistant').getByText('Order 42 is paid; refunding.').waitFor();

    await openView(page, 'History');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const results = page.getByTestId('history-results');
    await results.locator('li').first().waitFor();
    const plain = await results.textContent();
    expect(plain).toContain('You: Please refund order 42.');
    expect(plain).toContain('Locus: Order 42 is paid; refunding.');
    expect(await page.getByText(/tool steps? hidden/).count()).toBe(0);
  });
  it("shows each hit's score in archival and history search, and marks the weak ones as the CLI does", async () => {
    const { page, core } = await openApp(suite.browser, suite.rendererDir, {});
    const agent = await core.agents.getOrCreateDefault();
    const texts = [
      'The spare key is under the blue pot by the back door',
      'Keys for the shed hang on a hook',
      'Dentist on Tuesday at 9',
    ];
    for (const text of texts) {
      await core.archival.insert(agent.id, { text });
      await core.recall.append(agent.id, { role: 'user', content: text });
    }
    const query = 'spare key under the blue pot';
    // What the CLI would mark, from the scores search gives.
    const weakOf = (hits: Array<{ score: number; snippet: string }>) => {
      const best = Math.max(...hits.map((h) => h.score));
      return hits.map((h) => isWeakMatch(h.score, best));
    };
    const archival = await core.handlers['archival.search']({ agentId: agent.id, query });
    const expectedArchival = weakOf(archival.items);
    // The case must have both kinds, or it shows nothing.
    expect(expectedArchival).toContain(true);
    expect(expectedArchival).toContain(false);

    await openView(page, 'Memory');
    await page.getByLabel('Search archival memory').fill(query);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const passages = page.locator('.passage');
    await expect.poll(() => passages.count()).toBe(archival.items.length);
    const scores = await passages.locator('.score').allTextContents();
    expect(scores.map((s) => /weak/.test(s))).toEqual(expectedArchival);
    expect(scores[0]).toBe(`score ${archival.items[0]?.score.toFixed(3)}`);
    await lookAt(page, 'memory-search-weak');

    const history = await core.handlers['recall.search']({
      agentId: agent.id,
      query,
      roles: ['user', 'assistant', 'tool'],
    });
    const expectedHistory = weakOf(history.items);
    expect(expectedHistory).toContain(true);
    await openView(page, 'History');
    await page.getByLabel('Search history').fill(query);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const lines = page.getByTestId('history-results').locator(':scope > li');
    await expect.poll(() => lines.count()).toBe(history.items.length);
    const historyScores = await lines.locator('.score').allTextContents();
    expect(historyScores.map((s) => /weak/.test(s))).toEqual(expectedHistory);
    expect(historyScores[0]).toBe(`score ${history.items[0]?.score.toFixed(3)}`);
    await lookAt(page, 'history-search-weak');
  });

  it("filters history and archival memory by the days it shows, in the page's own time zone", async () => {
    const { page, core } = await openApp(
      suite.browser,
      suite.rendererDir,
      {},
      { timezoneId: AUCKLAND },
    );
    const agent = await core.agents.getOrCreateDefault();
    await appendAcrossAucklandDays(core, agent.id);
    core.clock.set(MORNING_OF_THE_2ND);
    await core.archival.insert(agent.id, { text: 'Mira likes oat milk' });
    core.clock.set(NIGHT_OF_THE_3RD);
    await core.archival.insert(agent.id, { text: 'Mira moved to Hamilton' });

    await openView(page, 'History');
    await page.getByLabel('From date').fill('2026-12-02');
    await page.getByLabel('To date').fill('2026-12-02');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const results = page.getByTestId('history-results');
    await results.locator('li').first().waitFor();
    expect(await results.textContent()).toContain('Breakfast with Mira');
    expect(await results.textContent()).not.toContain('Late film');
    // The day it was filtered by is the day it is shown under.
    expect(await results.locator('time').first().textContent()).toMatch(
      /\b2\b.*\b12\b|\b12\b.*\b2\b/,
    );

    await openView(page, 'Memory');
    await page.getByText('Filters').click();
    await page.getByLabel('Passages from').fill('2026-12-03');
    await page.getByLabel('Passages to').fill('2026-12-03');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect
      .poll(() => page.locator('.passage-text').allTextContents())
      .toEqual(['Mira moved to Hamilton']);
  });
});
