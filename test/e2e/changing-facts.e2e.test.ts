import { describe, expect, it } from 'vitest';
import { lookAt, openView } from '../helpers/app-page';
import { browserSuite, openApp } from '../helpers/browser-app';
import { replyOnlyModel } from '../helpers/consolidation-models';
import { tellMove, tellUpcomingMove } from '../helpers/moved-agent';

// Honolulu is UTC-10: the move, told at 05:00 UTC on 20 March 2026, was on the 19th there.
const HONOLULU = 'Pacific/Honolulu';

// Facts that change, as a person sees them in the app: an upcoming change
// made current while the Memory view is open, and a message whose facts were
// all replaced marked in History as `locus memory history` marks it.
describe('facts that change, in the app (headless Chromium)', () => {
  const suite = browserSuite();

  it('shows an upcoming change made current once its date comes, in a Memory view left open', async () => {
    const { page, core } = await openApp(suite.browser, suite.rendererDir, {
      chatModel: replyOnlyModel(),
      dueCheckMs: 50,
    });
    const agent = await core.agents.getOrCreateDefault();
    await core.handlers['agents.update']({
      agentId: agent.id,
      memory: { consolidation: 'paused' },
    });
    await tellUpcomingMove(core, agent.id);

    await openView(page, 'Memory');
    const human = page.locator('article[data-label="human"]').getByLabel('human block');
    // Waits for the text box's value (typed by hand: this file has no DOM types).
    type PageGlobals = { document: { querySelector(selector: string): { value: string } | null } };
    const showing = (value: string) =>
      page.waitForFunction(
        (expected) =>
          (globalThis as unknown as PageGlobals).document.querySelector(
            'article[data-label="human"] textarea',
          )?.value === expected,
        value,
      );
    await showing('Lives in Paris\nLives in Lyon (from 2027-01)');
    await lookAt(page, 'memory-upcoming');

    core.clock.set('2027-01-05T09:00:00.000Z');
    await showing('Lives in Lyon');
    expect(await human.inputValue()).toBe('Lives in Lyon');
    await lookAt(page, 'memory-upcoming-made-current');
  });

  it('says when Consolidate now made an upcoming change current, with no new message', async () => {
    const { page, core } = await openApp(suite.browser, suite.rendererDir, {
      chatModel: replyOnlyModel(),
      // Only the button makes it current here.
      dueCheckMs: 24 * 3_600_000,
    });
    const agent = await core.agents.getOrCreateDefault();
    await core.handlers['agents.update']({
      agentId: agent.id,
      memory: { consolidation: 'paused' },
    });
    await tellUpcomingMove(core, agent.id);
    await openView(page, 'Activity');
    await page.getByRole('button', { name: 'Consolidate now' }).waitFor();
    core.clock.set('2027-01-05T09:00:00.000Z');
    await page.getByRole('button', { name: 'Consolidate now' }).click();
    await page
      .getByRole('status')
      .getByText(
        '1 upcoming change took effect: "Lives in Lyon", in place of "Lives in Paris". No new messages to consolidate.',
      )
      .waitFor();
    await page.getByText('Now current (from 2027-01): "Lives in Lyon"', { exact: false }).waitFor();
    await lookAt(page, 'activity-upcoming-took-effect');
  });

  it("marks a message whose facts were all replaced '(until …)' in the page's own local day", async () => {
    const { page, core } = await openApp(
      suite.browser,
      suite.rendererDir,
      { chatModel: replyOnlyModel() },
      { timezoneId: HONOLULU },
    );
    const agent = await core.agents.getOrCreateDefault();
    await core.handlers['agents.update']({
      agentId: agent.id,
      memory: { consolidation: 'paused' },
    });
    await tellMove(core, agent.id, '2026-03-20T05:00:00.000Z');
    // The 20th in UTC, where the core keeps it.
    const found = await core.handlers['recall.search']({ agentId: agent.id, roles: ['user'] });
    const told = found.items.find((m) => m.content === 'I live in Paris.');
    expect(told?.until?.slice(0, 10)).toBe('2026-03-20');

    await openView(page, 'History');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const results = page.getByTestId('history-results');
    const paris = results.locator('li').filter({ hasText: 'I live in Paris.' });
    await paris.getByText('(until 2026-03-19)').waitFor();
    expect(await paris.locator('.past').count()).toBe(1);
    const lyon = results.locator('li').filter({ hasText: 'I moved to Lyon.' });
    await lyon.waitFor();
    expect(await lyon.textContent()).not.toContain('until');
    expect(await results.getByText(/\(until /).count()).toBe(1);
    await lookAt(page, 'history-past-message');
  });
});
