import { describe, expect, it } from 'vitest';
import { browserSuite, openApp } from '../helpers/browser-app';
import { sendMessage } from '../helpers/app-page';
import { heldModel } from '../helpers/held-model';

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
