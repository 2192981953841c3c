import { describe, expect, it } from 'vitest';
import { dispatch } from '../../src/core/host/dispatch';
import { testCore } from '../helpers/test-core';

describe('dispatch (the contract every transport goes through)', () => {
  it('runs a valid call and returns its value', async () => {
    const core = await testCore();
    const agent = await core.agents.create({ name: 'A' });
    const result = await dispatch(core.handlers, 'blocks.list', { agentId: agent.id });
    expect(result.ok).toBe(true);
    const blocks = (result as { value: Array<{ label: string }> }).value;
    expect(blocks.map((b) => b.label).sort()).toEqual(['human', 'persona']);
  });

  it('rejects input that breaks the schema with INVALID_INPUT naming the field, without calling the core', async () => {
    const core = await testCore();
    const agent = await core.agents.create({ name: 'A' });
    const result = await dispatch(core.handlers, 'archival.search', {
      agentId: agent.id,
      query: 'x',
      limit: 'ten',
    });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', details: { call: 'archival.search' } },
    });
    expect(!result.ok && result.error.message).toContain('limit');

    const badLabel = await dispatch(core.handlers, 'blocks.setValue', {
      agentId: agent.id,
      label: '../etc',
      value: 'x',
    });
    expect(badLabel).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect((await core.coreMemory.list(agent.id)).every((b) => b.value !== 'x')).toBe(true);
  });

  it('answers unknown calls (including prototype names) with UNKNOWN_CALL', async () => {
    const core = await testCore();
    for (const name of ['nope', '__proto__', 'constructor', 'toString']) {
      expect(await dispatch(core.handlers, name, {})).toMatchObject({
        ok: false,
        error: { code: 'UNKNOWN_CALL' },
      });
    }
  });

  it('passes domain errors through with their stable code', async () => {
    const core = await testCore();
    expect(await dispatch(core.handlers, 'agents.get', { agentId: 'agent-missing' })).toMatchObject(
      {
        ok: false,
        error: { code: 'AGENT_NOT_FOUND' },
      },
    );
  });
});
