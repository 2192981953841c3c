import { parseArgs } from 'node:util';
import { LocusError } from '../shared/errors';

export const USAGE = `Usage: locus [options] <command>

Commands:
  chat                                talk with your assistant (streams replies; /exit to leave)
  -p, --prompt "<text>"               send one message, print the reply, keep the memory
                                      (-p - reads the message from stdin)
  agents [list]                       the agents (* opens by default)
  agents templates                    the templates new agents start from
  agents create <name> [--template id] a new agent (persona and human blocks from the template)
  agents use <name>                   open this agent by default (app and CLI)
  agents rename <name> <new name>     rename an agent
  agents delete <name> [--yes]        delete an agent and its memory (export it first)
  conversations [list]                the agent's conversations, newest first (* continues by default)
  conversations new [name]            start a new conversation (same memory, a fresh context window)
  conversations rename <name> <new>   rename a conversation
  conversations delete <name> --yes   delete a conversation and what was said in it
  capture "<text>" [--tags a,b]       save a quick note (or pipe it in: echo … | locus capture)
  context reset                       empty the agent's context window, keeping all memory
                                      (the way back if every turn fails)
  memory blocks                       show core memory blocks
  memory set <label> <text>           replace a block's text (as the user)
  memory add <text|-> [--tags a,b]    add a passage to archival memory (-: read it from stdin)
  memory search <query>               search archival memory (query optional with --tags/--start/--end)
         [--tags a,b] [--all-tags] [--start DATE] [--end DATE] [--limit N] [--mode hybrid|vector|text]
         [--ids] (each passage's id first, for memory forget)
  memory history [query]              search conversation history [--start DATE] [--end DATE] [--limit N]
         [--roles user,assistant,system,tool] (default: all but tool results) [--ids]
  memory reembed                      embed passages and messages waiting for the current embedder
  memory activity [--limit N]         every memory change: what, when, by whom (agent, you, consolidation, import, mcp, api)
  memory activity --undo <id>         undo one change (a consolidation entry undoes its whole pass)
  memory consolidate                  consolidate new messages into memory now (needs a model; --model)
  memory pause | resume               pause or resume background consolidation
  memory profile [small|letta]        show or set the tool profile (small: for 1-4B models; letta: all tools)
  memory remember on|off [<conv id>]  "don't remember" a conversation (default: the latest): kept as history only
  memory forget message <id>          forget a message, the agent's answer and what came from them
                                      (ids: memory history --ids)
  memory forget passage <id>          forget an archival passage (ids: memory search --ids)
  memory forget line <label> <text>   forget one line of a core memory block
  models list                         recommended chat models and what is downloaded
  models download <id>                download a recommended model (resumes; checks size and hash)
  models use <id|file.gguf>           make a model the agent's default
  models download-embedder            download all-MiniLM-L6-v2 to use instead of the built-in
                                      sentence model (once; needs internet; memory is re-embedded)
  export [--out file.af] [--force]    export the agent as a Letta Agent File (with archival memory);
                                      an existing file is replaced only with --force
  export --markdown [--conversations] memory as readable Markdown (blocks, notes by tag and date)
  import <file.af>                    import a Letta Agent File as a new agent (nothing changes if it is invalid)
  backup                              back up the memory database now
  backup list                         list backups (automatic daily ones and manual ones)
  backup restore <file>               check a backup opens, then put it in place (Locus must be closed;
                                      a running app or serve restores from Files → Backups)
  serve [--port N] [--openai] [--letta]
                                      the app in a browser, MCP at /mcp, OpenAI and Letta APIs at /v1 (127.0.0.1 only)
  api [openai|letta on|off] [new-key] show or change the OpenAI / Letta APIs and the API key
  mcp [--agent name] [--idle S]       MCP server on stdin/stdout for Claude Desktop, Cursor, LM Studio…
  status                              show the data folder, model, embedder and counts
  db copy --to <postgres://…>         copy all memory from the data folder to a PostgreSQL server
  db copy --from <postgres://…>       copy all memory from a server into the (empty) data folder
  db use <postgres://…|embedded>      keep memory on that server from the next start (checked first)

Options:
  --data-dir <dir>     memory folder (default: the OS app-data folder, or $LOCUS_DATA_DIR)
  --database <url>     keep memory on a PostgreSQL server (postgres://user@host/db) instead
                       of the folder; default $LOCUS_DATABASE_URL, then "locus db use", else embedded
  --embedder <kind>    auto | builtin | transformers | fake (default: $LOCUS_EMBEDDER, else auto:
                       a downloaded embedding model, else the built-in sentence model;
                       fake finds memory by its words only)
  --embedder-model <id>
  --switch-embedder    on a shared server, re-embed all memory with this embedder (for every device)
  --agent <name|id>    which agent (default: the one last chosen; created on first run)
  --conversation <name|id>  which conversation chat and -p continue (default: the latest)
  --model <id|file>    chat model for this run: a catalogue id, a .gguf path, or "scripted"
                       (a canned demo model used by the tests)
  --threads <n>        CPU threads for the model (default: the agent's setting)
  --context-size <n>   context window in tokens (default: the agent's setting)
  --show-memories      chat and -p: print the memories surfaced for each message (in chat,
                       /memories shows them for the last reply)
  --surfacing-tokens <n>  chat and -p: memories given with each message, at most n tokens
                       (default 1000; 0 turns memory surfacing off); saved for the agent
  --json               print machine-readable JSON
  -V, --version        print Locus's version
  -h, --help

In chat: /help, /new [name], /model [id|file], /memory, /exit.`;

export function parseCli(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'data-dir': { type: 'string' },
        database: { type: 'string' },
        'switch-embedder': { type: 'boolean', default: false },
        from: { type: 'string' },
        to: { type: 'string' },
        embedder: { type: 'string' },
        'embedder-model': { type: 'string' },
        agent: { type: 'string' },
        prompt: { type: 'string', short: 'p' },
        model: { type: 'string' },
        threads: { type: 'string' },
        'context-size': { type: 'string' },
        port: { type: 'string' },
        idle: { type: 'string' },
        openai: { type: 'boolean', default: false },
        letta: { type: 'boolean', default: false },
        out: { type: 'string' },
        force: { type: 'boolean', default: false },
        markdown: { type: 'boolean', default: false },
        conversations: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        ids: { type: 'boolean', default: false },
        'show-memories': { type: 'boolean', default: false },
        'surfacing-tokens': { type: 'string' },
        tags: { type: 'string' },
        roles: { type: 'string' },
        'all-tags': { type: 'boolean', default: false },
        start: { type: 'string' },
        end: { type: 'string' },
        limit: { type: 'string' },
        offset: { type: 'string' },
        mode: { type: 'string' },
        template: { type: 'string' },
        conversation: { type: 'string' },
        yes: { type: 'boolean', short: 'y', default: false },
        version: { type: 'boolean', short: 'V', default: false },
        undo: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new LocusError(
      'INVALID_INPUT',
      `${(error as Error).message}. Run "locus --help" for usage.`,
    );
  }
}

export type ParsedCli = ReturnType<typeof parseCli>;

export function intOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new LocusError('INVALID_INPUT', `--${name} must be a whole number, got "${value}".`);
  }
  return n;
}

export function listOption(value: string | undefined): string[] | undefined {
  return value === undefined
    ? undefined
    : value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
}
