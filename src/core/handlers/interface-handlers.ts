import crypto from 'node:crypto';
import type { Handlers, InterfaceSettings } from '../../shared/contract';
import { createSettingsRepo } from '../storage/repos/settings-repo';
import type { Sql } from '../storage/sql';

const KEY = 'interfaces';

type InterfaceHandlers = Pick<Handlers, 'interfaces.get' | 'interfaces.update'>;

function newApiKey(): string {
  return `locus-${crypto.randomBytes(24).toString('base64url')}`;
}

/**
 * Which standard APIs the loopback host answers (OpenAI, Letta: off until
 * the user turns them on) and the long-lived key other tools are configured
 * with. The key is made on first read, so a fresh install has one to show.
 */
export function createInterfaceHandlers(db: Sql): InterfaceHandlers {
  const settings = createSettingsRepo(db);

  async function read(): Promise<InterfaceSettings> {
    const stored = await settings.get<Partial<InterfaceSettings>>(KEY);
    const current: InterfaceSettings = {
      openaiApi: stored?.openaiApi === true,
      lettaApi: stored?.lettaApi === true,
      apiKey: typeof stored?.apiKey === 'string' && stored.apiKey ? stored.apiKey : newApiKey(),
    };
    if (current.apiKey !== stored?.apiKey) await settings.set(KEY, current);
    return current;
  }

  return {
    'interfaces.get': read,
    'interfaces.update': async ({ openaiApi, lettaApi, newApiKey: rotate }) => {
      const current = await read();
      const next: InterfaceSettings = {
        openaiApi: openaiApi ?? current.openaiApi,
        lettaApi: lettaApi ?? current.lettaApi,
        apiKey: rotate ? newApiKey() : current.apiKey,
      };
      await settings.set(KEY, next);
      return next;
    },
  };
}
