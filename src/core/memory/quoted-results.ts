import { replaceQuoted } from '../../shared/search-quotes';
import type { createForgetRepo, QuotingResult } from '../storage/repos/forget-repo';

/**
 * Rewrites search tools' results (conversation_search, archival_memory_search)
 * without the memories `ids` name: each such item becomes `notice`, the
 * others stay as they were. Those results stay in their conversations'
 * context windows, so the model kept reading what the user had forgotten
 * (or asked not to remember) there, and the app kept showing it. The
 * agent's own reply that repeated it is its words, and stays. Returns how
 * many items were replaced.
 */
export async function unquoteResults(
  repo: ReturnType<typeof createForgetRepo>,
  results: readonly QuotingResult[],
  ids: ReadonlySet<string>,
  notice: string,
): Promise<number> {
  let replaced = 0;
  for (const result of results) {
    const stored = parseResult(result.content);
    if (!stored) continue;
    const rewritten = replaceQuoted(stored.message, result.quotes, ids, notice);
    if (!rewritten) continue;
    replaced += rewritten.replaced;
    const left = Object.keys(rewritten.quotes).length > 0 ? rewritten.quotes : null;
    // Parsed and written back with its keys in their order: the prompt
    // shows the result as stored, and only the items may change.
    await repo.rewriteResult(
      result.id,
      JSON.stringify({ ...stored, message: rewritten.message }),
      left,
    );
  }
  return replaced;
}

/** A tool result as the agent loop stores it ({status, message}), or null if it is not one. */
function parseResult(content: string): { message: string } | null {
  try {
    const parsed = JSON.parse(content) as unknown;
    return parsed !== null &&
      typeof parsed === 'object' &&
      typeof (parsed as { message?: unknown }).message === 'string'
      ? (parsed as { message: string })
      : null;
  } catch {
    return null;
  }
}

/** Forget (or a deleted conversation): every search result that quoted one of these memories says so instead. */
export async function forgetQuoted(
  repo: ReturnType<typeof createForgetRepo>,
  agentId: string,
  ids: ReadonlySet<string>,
  notice: string,
): Promise<number> {
  return unquoteResults(repo, await repo.resultsQuoting(agentId, [...ids]), ids, notice);
}
