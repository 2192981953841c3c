import { describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/postgres/cluster';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { browserSuite, openApp, screenshot } from '../helpers/browser-app';
import { tempDir, testCore } from '../helpers/test-core';

// Two devices on one memory server: the app in Chromium on one core, and a
// second core (another Locus) writing to the same database.
describe('the app on a shared memory server', () => {
  const suite = browserSuite();

  it("shows another device's edits and turns without reloading", async () => {
    const { page, core } = await openApp(suite.browser, suite.rendererDir, {
      chatModel: createScriptedModel(),
    });
    const url = core.database.backend === 'postgres' ? core.database.server.target.url : '';
    const other = await testCore({ databaseUrl: url, chatModel: createScriptedModel() });
    const agent = await other.agents.getOrCreateDefault();

    await page.getByRole('button', { name: 'Memory' }).click();
    await page.getByRole('heading', { name: 'Core memory' }).waitFor();
    await other.coreMemory.append(agent.id, 'human', 'Lives on a houseboat', 'user');
    await other.archival.insert(agent.id, { text: 'The houseboat is moored at pier 4' });
    await expect
      .poll(() =>
        page
          .locator('.core-blocks textarea')
          .evaluateAll((els) =>
            els.map((e) => (e as unknown as { value: string }).value).join('\n'),
          ),
      )
      .toContain('Lives on a houseboat');
    await expect.poll(() => page.getByText('The houseboat is moored at pier 4').count()).toBe(1);
    await screenshot(page, 'shared-server-memory');

    await page.getByRole('button', { name: 'Chat' }).click();
    await other.runtime.send(agent.id, 'Hello from the laptop');
    await expect
      .poll(() => page.getByText('You said: Hello from the laptop').count())
      .toBeGreaterThan(0);
    await screenshot(page, 'shared-server-chat');
  });

  it('shows the memory database in settings, and checks a server before saving it', async () => {
    const { page } = await openApp(suite.browser, suite.rendererDir, { dataDir: tempDir() });
    await page.getByRole('button', { name: 'Models & settings' }).click();
    const section = page.locator('.database-settings');
    await expect
      .poll(() => section.textContent())
      .toContain('PostgreSQL server postgres://locus:***@127.0.0.1');
    const unreachable = `postgres://ada:secret@127.0.0.1:${await freePort()}/locus`;
    await section.getByLabel('Server').fill(unreachable);
    await section.getByRole('button', { name: 'Check and use' }).click();
    await expect.poll(() => section.textContent()).toContain('Locus cannot reach');
    expect(await section.textContent()).not.toContain('secret');
    await screenshot(page, 'shared-server-settings');
  });
});
