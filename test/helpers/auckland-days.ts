import type { Core } from '../../src/core/create-core';

/** The time zone the local-day tests run in, and the instants they store. */
export const AUCKLAND = 'Pacific/Auckland';
// Auckland is UTC+13 in December: 20:00 UTC on the 1st is 09:00 on the 2nd
// there, and 12:00 UTC on the 2nd is 01:00 on the 3rd. A filter by UTC days
// gets both wrong.
export const MORNING_OF_THE_2ND = '2026-12-01T20:00:00.000Z';
export const NIGHT_OF_THE_3RD = '2026-12-02T12:00:00.000Z';

/** Two messages on either side of a UTC day's end that Auckland puts on other days. */
export async function appendAcrossAucklandDays(core: Core, agentId: string): Promise<void> {
  await core.recall.append(agentId, {
    role: 'user',
    content: 'Breakfast with Mira',
    createdAt: MORNING_OF_THE_2ND,
  });
  await core.recall.append(agentId, {
    role: 'user',
    content: 'Late film with Mira',
    createdAt: NIGHT_OF_THE_3RD,
  });
}
