/**
 * How many times the agent's messages were rewritten in place (migration
 * message_rewrites), as SQL over `agent`, an expression giving its id: 0
 * before the first rewrite. Read beside a context's ids, in the same
 * statement, so a cached message is never older than the count it is kept
 * under (agent/context-cache.ts).
 */
export const rewritesSql = (agent: string): string =>
  `coalesce((SELECT r.rewrites FROM message_rewrites r WHERE r.agent_id = ${agent}), 0)::int`;
