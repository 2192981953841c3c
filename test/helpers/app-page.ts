import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { SCREENSHOTS } from './browser-app';

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

/**
 * Runs axe-core in the page (injected through the debugger protocol, so the
 * app's CSP stays as strict as users get it) and fails on any serious or
 * critical violation, naming the rule and the elements.
 */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  axeSource ??= fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  // A string: this file is type-checked for Node, without DOM types.
  const violations = (await page.evaluate(`(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  })()`)) as AxeViolation[];
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length > 0) {
    const detail = bad
      .map(
        (v) =>
          `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('\n')}`,
      )
      .join('\n');
    throw new Error(`Accessibility problems on ${where}:\n${detail}`);
  }
}

export const WIDTHS = [1280, 390] as const;

/**
 * Looks at a view as users on a laptop and on a phone-sized window do: at
 * each width, checks accessibility and writes a screenshot
 * (test-output/screenshots/<name>-<width>.png). The viewport is restored.
 */
export async function lookAt(page: Page, name: string): Promise<void> {
  const before = page.viewportSize() ?? { width: 1200, height: 800 };
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 800 });
    // Layout follows the width through a media query listener; let it settle.
    await page.evaluate(
      'new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))',
    );
    await expectAccessible(page, `${name} at ${width}px`);
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${width}.png`) });
  }
  await page.setViewportSize(before);
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
}

/** Opens a view from the sidebar, opening the sidebar first on narrow windows. */
export async function openView(page: Page, label: string): Promise<void> {
  const nav = page.getByRole('navigation', { name: 'Locus' });
  // The sidebar toggle exists once the app has opened its memory.
  await page.locator('button[aria-controls="sidebar"]').waitFor();
  if (!(await nav.isVisible())) {
    await page.getByRole('button', { name: 'Show sidebar' }).click();
  }
  await nav.getByRole('button', { name: label, exact: true }).click();
}

/** Sends a message as a user does, one turn at a time. */
export async function sendMessage(page: Page, text: string): Promise<void> {
  await page.getByRole('button', { name: 'Stop' }).waitFor({ state: 'hidden' });
  const box = page.getByLabel('Message', { exact: true });
  await box.fill(text);
  await box.press('Enter');
}
