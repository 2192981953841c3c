import { describe, expect, it } from 'vitest';
import { browserSuite, openApp } from '../helpers/browser-app';

// The flake at app.e2e.test.ts "adds a passage…": the second "Add to memory"
// stayed disabled because the first add, finishing after the second passage
// was typed, cleared the box. Holding the first add open makes that order
// certain instead of a matter of timing.
describe('adding passages in the memory view', () => {
  const suite = browserSuite();

  it('keeps what was typed while the previous passage was being saved', async () => {
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inserts = 0;
    const { page, core } = await openApp(
      suite.browser,
      suite.rendererDir,
      {},
      {
        wrapHandlers: (handlers) => ({
          ...handlers,
          'archival.insert': async (input) => {
            if (++inserts === 1) await held;
            return handlers['archival.insert'](input);
          },
        }),
      },
    );
    await page.getByRole('button', { name: 'Memory' }).click();
    const box = page.getByLabel('New passage', { exact: true });
    const add = page.getByRole('button', { name: 'Add to memory' });
    await box.fill('The spare key is under the blue pot');
    await add.click();
    await expect.poll(() => inserts).toBe(1);
    await box.fill('Dentist on Tuesday at 9');
    // While the first is saving, "Add" waits (no double submit).
    expect(await add.isDisabled()).toBe(true);
    release();
    await expect.poll(() => page.locator('.passage').count()).toBe(1);
    expect(await box.inputValue()).toBe('Dentist on Tuesday at 9');
    await add.click();
    await expect.poll(() => page.locator('.passage').count()).toBe(2);
    const agent = await core.agents.getOrCreateDefault();
    expect((await core.archival.count(agent.id)).total).toBe(2);
  });
});
