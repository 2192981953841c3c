import type { Params, ParamValues } from '../tool-schema';
import type { Quotes } from '../../../shared/search-quotes';
import type { ToolContext } from './tool-context';

/** What a tool hands back to the model; failures are results too, so it can recover. */
export interface ToolOutcome {
  ok: boolean;
  /** Shown to the model as the tool's response. */
  message: string;
  /** For send_message: the text the user sees. */
  reply?: string;
  /**
   * For a search: each memory the message quotes (a message or passage id)
   * and where its item is in `message`, [start, end). Stored with the result,
   * never shown to the model: forget and "don't remember" rewrite that item.
   */
  quotes?: Quotes;
}

/**
 * One tool the agent can call, with Letta's name and semantics. `heartbeat`
 * says whether the tool takes request_heartbeat (send_message does not).
 */
export interface ToolDefinition<P extends Params = Params> {
  name: string;
  description: string;
  params: P;
  heartbeat: boolean;
  run(args: ParamValues<P>, context: ToolContext): Promise<ToolOutcome>;
}

export function defineTool<P extends Params>(tool: ToolDefinition<P>): ToolDefinition<P> {
  return tool;
}

/**
 * In a conversation the user asked not to remember, a memory write is
 * refused as a result the model can read (it should simply answer).
 */
export function refusedWhileNotRemembered(context: ToolContext): ToolOutcome | null {
  return context.remember === false
    ? {
        ok: false,
        message:
          'The user asked not to remember this conversation: nothing from it may be saved to memory. Answer without saving.',
      }
    : null;
}
