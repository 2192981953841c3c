import type { CoreAccess } from '../../core/host/connect-core';
import { call } from '../../core/host/call';
import type { InterfaceSettings } from '../../shared/contract';
import { LocusError } from '../../shared/errors';
import type { Output } from '../output';

const onOff = (value: boolean): string => (value ? 'on' : 'off');

function describe(settings: InterfaceSettings): string {
  return [
    `OpenAI-compatible API (/v1/chat/completions): ${onOff(settings.openaiApi)}`,
    `Letta-compatible API (/v1/agents):            ${onOff(settings.lettaApi)}`,
    `MCP over HTTP (/mcp):                         on`,
    `API key: ${settings.apiKey}`,
  ].join('\n');
}

/**
 * `locus api`: the standard APIs the loopback host answers, kept as a
 * setting (a running app or `locus serve` picks a change up at once).
 */
export async function apiCommand(
  core: CoreAccess,
  what: string | undefined,
  value: string | undefined,
  output: Output,
): Promise<void> {
  let settings: InterfaceSettings;
  if (what === undefined) settings = await call(core.handlers, 'interfaces.get', {});
  else if (what === 'new-key') {
    settings = await call(core.handlers, 'interfaces.update', { newApiKey: true });
  } else if ((what === 'openai' || what === 'letta') && (value === 'on' || value === 'off')) {
    settings = await call(core.handlers, 'interfaces.update', {
      [what === 'openai' ? 'openaiApi' : 'lettaApi']: value === 'on',
    });
  } else {
    throw new LocusError(
      'INVALID_INPUT',
      'Use "locus api", "locus api openai on|off", "locus api letta on|off" or "locus api new-key".',
    );
  }
  output.out(output.json ? JSON.stringify(settings) : describe(settings));
}
