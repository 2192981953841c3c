import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { call } from '../../src/core/host/call';
import { DEFAULT_EMBEDDING_MODEL } from '../../src/core/models/transformers-embedder';
import { buildTinyGguf } from '../fixtures/make-tiny-gguf';
import { writeTinyEmbedder } from '../fixtures/make-tiny-embedder';
import { createBuiltinEmbedder } from '../../src/core/models/builtin-embedder';
import { createScriptedModel } from '../../src/core/models/scripted-model';
import { browserSuite, openApp } from '../helpers/browser-app';
import { lookAt, openView } from '../helpers/app-page';
import { openSessionApp } from '../helpers/session-app';
import { serveSlowHub } from '../helpers/slow-hub';
import { tempDir } from '../helpers/test-core';

/**
 * A slow local stand-in for the Hugging Face hub: the catalogue's GGUF and
 * the default embedding model (a tiny one with the same name), in chunks so
 * progress is seen moving.
 */
async function fakeHub(): Promise<string> {
  const gguf = buildTinyGguf();
  const sha = crypto.createHash('sha256').update(gguf).digest('hex');
  const root = tempDir('locus-hub-');
  writeTinyEmbedder(root, DEFAULT_EMBEDDING_MODEL);
  return serveSlowHub((url) => {
    if (url.endsWith('/Qwen3-1.7B-Q4_K_M.gguf'))
      return { body: gguf, headers: { 'x-linked-etag': `"${sha}"` } };
    const match = /^\/(.+?)\/resolve\/[^/]+\/(.+)$/.exec(url);
    // The tiny model ships one precision; serve it under the quantised name too.
    const file = match
      ? path.join(
          root,
          match[1] as string,
          (match[2] as string).replace('model_quantized', 'model'),
        )
      : '';
    return file.startsWith(root) && fs.existsSync(file) ? { body: fs.readFileSync(file) } : null;
  }, 40);
}

describe('first run', () => {
  const suite = browserSuite();

  it('explains what Locus needs and what works already, then downloads the language model', async () => {
    await fakeHub();
    const { page } = await openApp(
      suite.browser,
      suite.rendererDir,
      { modelsDir: tempDir(), embedder: createBuiltinEmbedder() },
      { firstRun: true },
    );
    await page.getByRole('heading', { name: 'Welcome to Locus' }).waitFor();
    const text = await page.locator('main').textContent();
    expect(text).toContain('It needs a language model, downloaded once; after that, Locus works');
    expect(text).toContain('What works before the language model is here');
    expect(text).toContain('Chat needs the language model: until then a message gets no reply.');
    // Memory is found by meaning from the first run: the built-in model, named for a person.
    await page.getByRole('heading', { name: /2\. An embedding model.*ready/ }).waitFor();
    expect(text).toContain('Built-in sentence model (Universal Sentence Encoder lite, English)');
    expect(text).not.toContain('use-lite-512');
    await lookAt(page, 'onboarding');

    const entry = page.locator('li[data-model="qwen3-1.7b"]');
    await entry.getByRole('button', { name: 'Download' }).click();
    const bar = entry.getByRole('progressbar', { name: 'Downloading' });
    await bar.waitFor();
    await expect
      .poll(async () => Number(await bar.getAttribute('aria-valuenow')))
      .toBeGreaterThan(0);
    await lookAt(page, 'onboarding-downloading');
    await entry.getByRole('button', { name: 'Use', exact: true }).click({ timeout: 60_000 });
    await page
      .getByRole('heading', { name: /1\. A language model.*ready/ })
      .waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Start chatting' }).click();
    await page.getByLabel('Message', { exact: true }).waitFor();
    expect(await page.getByTestId('current-model').textContent()).toMatch(/^Model: (?!No model)/);
  });

  it('downloads another embedding model with progress and reopens memory with it', async () => {
    await fakeHub();
    const dataDir = tempDir();
    const { page, session, opens } = await openSessionApp(
      suite.browser,
      suite.rendererDir,
      // As a user starts it: no embedder chosen.
      { dataDir, env: { ...process.env, LOCUS_EMBEDDER: '' } },
      { firstRun: true },
    );
    const agent = await call(session.handlers, 'agents.getDefault', {});
    await call(session.handlers, 'archival.insert', {
      agentId: agent.id,
      text: 'My cat likes tea',
    });
    await page.getByRole('heading', { name: 'Welcome to Locus' }).waitFor();
    const section = page.getByTestId('embedder');
    expect(await section.textContent()).toContain('It comes with Locus: nothing to download.');
    await section.getByRole('button', { name: 'Download all-MiniLM-L6-v2' }).click();
    await section.getByRole('progressbar').first().waitFor();
    await expect.poll(() => section.textContent()).toContain('Xenova/all-MiniLM-L6-v2');
    expect(opens()).toBe(2);
    const status = await call(session.handlers, 'status.get', {});
    expect(status.embedder).toMatchObject({ kind: 'model', dimensions: 32 });
    expect(status.passages).toEqual({ total: 1, pending: 0 });
    expect(await section.textContent()).toContain('Xenova/all-MiniLM-L6-v2');

    await page.getByRole('button', { name: 'Skip for now' }).click();
    await page.getByTestId('no-model').waitFor();
    await openView(page, 'Models & settings');
    const settings = await page.locator('main').textContent();
    expect(settings).toContain('Xenova/all-MiniLM-L6-v2');
    expect(settings).not.toContain('fake-hash');
  });

  it('uses a .gguf file already on this computer', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'my-model.gguf');
    fs.writeFileSync(file, buildTinyGguf());
    const { page, core } = await openApp(
      suite.browser,
      suite.rendererDir,
      { modelsDir: tempDir() },
      { firstRun: true },
    );
    await page.getByLabel('Path to a .gguf file').fill(file);
    await page.getByRole('button', { name: 'Use this file' }).click();
    await page
      .getByRole('heading', { name: /1\. A language model.*ready/ })
      .waitFor({ timeout: 60_000 });
    expect((await core.agents.getOrCreateDefault()).model.modelPath).toBe(file);
    // Finished: the first-run screen does not come back.
    await page.getByRole('button', { name: 'Start chatting' }).click();
    await page.reload();
    await page.getByLabel('Message', { exact: true }).waitFor();
    expect(await page.getByRole('heading', { name: 'Welcome to Locus' }).count()).toBe(0);
  });

  it('does not stand in the way of someone who already chose a model', async () => {
    const { page, core } = await openApp(
      suite.browser,
      suite.rendererDir,
      { chatModel: createScriptedModel() },
      { firstRun: true },
    );
    const agent = await core.agents.getOrCreateDefault();
    await core.agents.update(agent.id, { model: { modelPath: 'scripted' } });
    await page.reload();
    await page.getByLabel('Message', { exact: true }).waitFor();
    expect(await page.getByRole('heading', { name: 'Welcome to Locus' }).count()).toBe(0);
  });
});
