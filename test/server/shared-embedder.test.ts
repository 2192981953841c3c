import { describe, expect, it } from 'vitest';
import { createFakeEmbedder } from '../../src/core/models/fake-embedder';
import { testCore } from '../helpers/test-core';

describe('the embedder of a shared server', () => {
  it('is not switched behind the other devices’ backs, only when asked', async () => {
    const first = await testCore();
    const agent = await first.agents.create({ name: 'Embedded' });
    await first.archival.insert(agent.id, { text: 'The kettle is in the left cupboard' });
    const url = first.database.backend === 'postgres' ? first.database.server.target.url : '';

    await expect(
      testCore({ databaseUrl: url, embedder: createFakeEmbedder({ dimensions: 32 }) }),
    ).rejects.toMatchObject({
      code: 'EMBEDDER_MISMATCH',
      message: expect.stringContaining('--switch-embedder'),
    });
    // Nothing was reset: the first device still finds it by meaning.
    const found = await first.archival.search(agent.id, { query: 'kettle', mode: 'vector' });
    expect(found.items).toHaveLength(1);

    const switched = await testCore({
      databaseUrl: url,
      embedder: createFakeEmbedder({ dimensions: 32 }),
      allowEmbedderSwitch: true,
    });
    expect(switched.embedderSync).toMatchObject({ switched: true, pending: 1 });
  });
});
