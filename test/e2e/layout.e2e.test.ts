import { describe, expect, it } from 'vitest';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { browserSuite, openApp } from '../helpers/browser-app';
import { expectAccessible, lookAt, openView, sendMessage } from '../helpers/app-page';

// Layout, keyboard and screen-reader behaviour of the whole app, and a look
// (axe-core + screenshots at 1280 and 390 px) at every view.
describe('layout and access', () => {
  const suite = browserSuite();

  it('every view passes axe (no serious or critical problems) at 1280 and 390 px', async () => {
    const { page, core, appUrl } = await openApp(suite.browser, suite.rendererDir, {
      chatModel: createScriptedModel(),
    });
    const agent = await core.agents.getOrCreateDefault();
    await core.archival.insert(agent.id, {
      text: 'The spare key is under the blue pot',
      tags: ['home'],
    });
    await sendMessage(page, 'Hi, my name is Ada');
    await page.locator('.message.assistant').getByText("Got it, I'll remember that.").waitFor();
    await sendMessage(page, 'Here is code:\n```js\nconsole.log(1)\n```');
    await page.locator('.code-block').waitFor();
    await lookAt(page, 'chat');
    for (const [label, name] of [
      ['Memory', 'memory'],
      ['History', 'history'],
      ['Context', 'context'],
      ['Files', 'files'],
      ['Agents', 'agents'],
      ['Models & settings', 'models'],
    ] as const) {
      await openView(page, label);
      await page.getByRole('heading', { level: 2 }).first().waitFor();
      await lookAt(page, name);
    }
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await lookAt(page, 'shortcuts');
    // The tray's quick-note window.
    const capture = await page.context().newPage();
    await capture.goto(appUrl.replace('/#', '/?view=capture#'));
    await capture.getByLabel('Quick note').waitFor();
    await lookAt(capture, 'capture');
  });

  it('the accessibility check itself fails on a real problem', async () => {
    const { page } = await openApp(suite.browser, suite.rendererDir, {
      chatModel: createScriptedModel(),
    });
    await page.getByLabel('Message', { exact: true }).waitFor();
    await page.evaluate(`document.querySelector('main').append(document.createElement('button'))`);
    await expect(expectAccessible(page, 'a page with a nameless button')).rejects.toThrow(
      /critical button-name/,
    );
  });

  it('is usable from 360 px: the sidebar folds away and comes back', async () => {
    const { page } = await openApp(
      suite.browser,
      suite.rendererDir,
      { chatModel: createScriptedModel() },
      { viewport: { width: 360, height: 740 } },
    );
    const nav = page.getByRole('navigation', { name: 'Locus' });
    const toggle = page.getByRole('button', { name: 'Show sidebar' });
    await toggle.waitFor();
    expect(await nav.isVisible()).toBe(false);
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    // Nothing is wider than the window: no sideways scrolling, inputs not clipped.
    const overflow = async () =>
      (await page.evaluate('document.documentElement.scrollWidth')) as number;
    expect(await overflow()).toBeLessThanOrEqual(360);
    const composer = page.getByLabel('Message', { exact: true });
    const box = await composer.boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(360);

    await toggle.click();
    await nav.waitFor();
    await nav.getByRole('button', { name: 'Memory', exact: true }).click();
    // Choosing a view closes the sidebar again on a narrow window.
    await page.getByRole('heading', { name: 'Core memory' }).waitFor();
    expect(await nav.isVisible()).toBe(false);
    expect(await overflow()).toBeLessThanOrEqual(360);
    await page.screenshot({ path: 'test-output/screenshots/narrow-memory-360.png' });
  });

  it('has keyboard shortcuts for views, the composer and the sidebar', async () => {
    const { page } = await openApp(suite.browser, suite.rendererDir, {
      chatModel: createScriptedModel(),
    });
    await page.getByLabel('Message', { exact: true }).waitFor();
    await page.keyboard.press('Alt+2');
    await page.getByRole('heading', { name: 'Core memory' }).waitFor();
    await page.keyboard.press('Alt+5');
    await page.getByRole('heading', { name: 'Context window' }).waitFor();
    // "/" jumps back to the chat with the cursor in the message box.
    await page.locator('body').press('/');
    await expect
      .poll(() => page.evaluate('document.activeElement?.getAttribute("aria-label")'))
      .toBe('Message');
    await page.keyboard.type('typed straight away');
    expect(await page.getByLabel('Message', { exact: true }).inputValue()).toBe(
      'typed straight away',
    );
    await page.keyboard.press('Alt+b');
    expect(await page.getByRole('navigation', { name: 'Locus' }).isVisible()).toBe(false);
    await page.keyboard.press('Alt+b');
    expect(await page.getByRole('navigation', { name: 'Locus' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Chat', exact: true }).focus();
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    expect(await help.textContent()).toContain('Alt+1 … Alt+8');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });
  });

  it('announces new messages and labels them by speaker', async () => {
    const { page } = await openApp(suite.browser, suite.rendererDir, {
      chatModel: createScriptedModel(),
    });
    const log = page.getByRole('log', { name: 'Conversation with Locus' });
    expect(await log.getAttribute('aria-live')).toBe('polite');
    await sendMessage(page, 'Hello there');
    const reply = page.getByRole('article', { name: /^Locus, / });
    await reply.waitFor();
    expect(await reply.textContent()).toContain('Locus said: You said: Hello there');
    expect(await page.getByRole('article', { name: /^You, / }).textContent()).toContain(
      'You said: Hello there',
    );
    // The streaming copy is hidden from screen readers; the stored reply is announced once.
    expect(await page.getByRole('status').filter({ hasText: 'Thinking' }).count()).toBe(0);
  });
});
