import fs from 'node:fs';
import path from 'node:path';
import { call } from '../core/host/call';
import { stableError } from '../core/host/stable-error';
import { selectEmbedder } from '../core/models/select-embedder';
import { writeFileDurably } from '../core/storage/durable-files';
import { dataDirLayout, defaultDataDir } from '../core/storage/data-dir';
import type { Core } from '../core/create-core';
import { findAgent } from '../core/host/find-agent';
import { describeOwner, localCoreAccess, type CoreAccess } from '../core/host/connect-core';
import type { Agent } from '../shared/entities';
import { isLocusError, LocusError, serializeError } from '../shared/errors';
import { USAGE, intOption, listOption, parseCli, type ParsedCli } from './args';
import { agentsCommand } from './commands/agents';
import { chatCommand, promptCommand } from './commands/chat';
import { cancelRemoteTurnsOnSignals } from './remote-interrupt';
import { dbCommand } from './commands/db';
import { conversationsCommand, findConversation } from './commands/conversations';
import { memoryCommand } from './commands/memory';
import { modelsDownloadCommand, modelsListCommand } from './commands/models';
import { createOutput, formatError, progressPrinter, type Output } from './output';
import type { CliCoreOptions } from './open-core';
import { statusText } from './status-text';
import { locusVersion } from './version';

function resolveAgent(core: { handlers: CoreAccess['handlers'] }, wanted: string | undefined) {
  return findAgent(core.handlers, wanted);
}

/** The conversation --conversation names, if any (chat and -p resume it). */
async function namedConversation(core: CoreAccess, agent: Agent, cli: ParsedCli) {
  return cli.values.conversation
    ? findConversation(core, agent, cli.values.conversation)
    : undefined;
}

function cliCoreOptions(cli: ParsedCli): CliCoreOptions {
  return {
    ...(cli.values['data-dir'] ? { dataDir: cli.values['data-dir'] } : {}),
    ...(cli.values.database ? { database: cli.values.database } : {}),
    ...(cli.values['switch-embedder'] ? { switchEmbedder: true } : {}),
    ...(cli.values.embedder ? { embedder: cli.values.embedder } : {}),
    ...(cli.values['embedder-model'] ? { embedderModel: cli.values['embedder-model'] } : {}),
  };
}

/**
 * Ctrl+C or SIGTERM stops the work in progress (an import rolls back, a
 * reply is cancelled) and lets the core close cleanly; a second one quits at
 * once. Returns the function that removes the handlers.
 */
function stopOnSignals(core: Pick<Core, 'interrupt'>, output: Output): () => void {
  let received = 0;
  const handler = (signal: NodeJS.Signals): void => {
    received++;
    if (received > 1) process.exit(signal === 'SIGINT' ? 130 : 143);
    output.err(`Stopping (${signal}); press Ctrl+C again to quit at once.`);
    core.interrupt();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/**
 * Runs a command against the data folder's core: the one of the app or
 * `locus serve` when either holds the folder, else one opened here.
 */
async function withCore(
  cli: ParsedCli,
  output: Output,
  run: (core: CoreAccess) => Promise<void>,
  options: { ownSignals?: boolean } = {},
): Promise<void> {
  const { connectCliCore } = await import('./open-core');
  const connected = await connectCliCore(cliCoreOptions(cli), output);
  // chat handles Ctrl+C itself (stops a reply, here or in the holder).
  const { core, release } = options.ownSignals
    ? { core: connected, release: () => undefined }
    : connected.local
      ? { core: connected, release: stopOnSignals(connected.local, output) }
      : cancelRemoteTurnsOnSignals(connected, output);
  try {
    await run(core);
  } finally {
    await core.dispose();
    release();
  }
}

async function readStdin(
  hint = 'Give the note as text (locus capture "…") or pipe it in.',
): Promise<string> {
  if (process.stdin.isTTY) throw new LocusError('INVALID_INPUT', hint);
  // Decoded once, whole: a pipe delivers 64 KiB chunks that may end inside a
  // multi-byte character, and decoding each chunk alone corrupted it.
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new LocusError(
      'INVALID_INPUT',
      'The piped text is not valid UTF-8, so it was not saved. Convert it first (e.g. iconv -f latin1 -t utf-8) and pipe it again.',
    );
  }
}

/** --surfacing-tokens saves how many tokens of memories each message is given (0: none). */
async function applySurfacingOption(
  core: { handlers: CoreAccess['handlers'] },
  agent: Agent,
  cli: ParsedCli,
): Promise<Agent> {
  const tokens = intOption(cli.values['surfacing-tokens'], 'surfacing-tokens');
  if (tokens === undefined) return agent;
  return call(core.handlers, 'agents.update', {
    agentId: agent.id,
    model: { surfacingTokens: tokens },
  });
}

/**
 * Makes sure the core has a chat model: --model for this run, else the
 * agent's saved choice. Through another process's core, that process loads
 * it (and --model becomes the agent's model there, as in the app).
 */
async function loadModel(
  core: CoreAccess,
  agent: Agent,
  cli: ParsedCli,
  output: Output,
): Promise<void> {
  const threads = intOption(cli.values.threads, 'threads');
  const contextSize = intOption(cli.values['context-size'], 'context-size');
  if (!core.local) {
    if (threads !== undefined || contextSize !== undefined) {
      output.err(
        `Note: --threads and --context-size are ignored: ${core.owner ? describeOwner(core.owner) : 'another process'} runs the model.`,
      );
    }
    const wanted = cli.values.model;
    if (wanted) {
      const choice = wanted.endsWith('.gguf') ? path.resolve(wanted) : wanted;
      await call(core.handlers, 'models.load', { agentId: agent.id, choice });
    } else if (agent.model.modelPath) {
      const status = await call(core.handlers, 'status.get', {});
      if (!status.model) {
        await call(core.handlers, 'models.load', {
          agentId: agent.id,
          choice: agent.model.modelPath,
        });
      }
    }
    return;
  }
  const { openChatModel } = await import('../core/models/model-manager');
  const settings = {
    ...agent.model,
    ...(threads ? { threads } : {}),
    ...(contextSize ? { contextSize } : {}),
  };
  const show = progressPrinter('Loading model');
  const model = await openChatModel({
    ...(cli.values.model ? { choice: cli.values.model } : {}),
    settings,
    modelsDir: dataDirLayout(cli.values['data-dir'] ?? defaultDataDir()).models,
    ...(output.json ? {} : { onLoadProgress: (f: number) => show(Math.round(f * 100), 100) }),
  });
  await core.local.setModel(model);
}

async function main(argv: string[]): Promise<number> {
  let output = createOutput(argv.includes('--json'));
  try {
    const cli = parseCli(argv);
    output = createOutput(cli.values.json ?? false);
    const [command, sub, ...rest] = cli.positionals;
    if (cli.values.version) {
      output.out(
        output.json ? JSON.stringify({ version: locusVersion() }) : `locus ${locusVersion()}`,
      );
      return 0;
    }
    if (cli.values.prompt !== undefined) {
      // `-p -` takes the message from stdin (a file, a pipe), like most tools.
      const text =
        cli.values.prompt === '-' && cli.positionals.length === 0
          ? await readStdin('With -p -, pipe the message in: echo "…" | locus -p -')
          : [cli.values.prompt, ...cli.positionals].join(' ');
      await withCore(cli, output, async (core) => {
        const agent = await applySurfacingOption(
          core,
          await resolveAgent(core, cli.values.agent),
          cli,
        );
        await loadModel(core, agent, cli, output);
        await promptCommand(core, agent, text, output, await namedConversation(core, agent, cli), {
          showMemories: cli.values['show-memories'] ?? false,
        });
      });
      return 0;
    }
    if (cli.values.help || !command) {
      output.out(USAGE);
      return command || cli.values.help ? 0 : 2;
    }
    switch (command) {
      case 'agents':
        await withCore(cli, output, (core) => agentsCommand(core, cli, output));
        return 0;
      case 'conversations':
        await withCore(cli, output, async (core) =>
          conversationsCommand(core, await resolveAgent(core, cli.values.agent), cli, output),
        );
        return 0;
      case 'memory': {
        // `memory add -` takes the text from stdin, as `-p -` does; read
        // before the core opens, so a pipe's writer is never kept waiting.
        if (sub === 'add' && rest.length === 1 && rest[0] === '-') {
          const piped = await readStdin(
            'With memory add -, pipe the text in: echo "…" | locus memory add -',
          );
          cli.positionals.splice(2, 1, piped);
        }
        await withCore(cli, output, async (core) => {
          const agent = await resolveAgent(core, cli.values.agent);
          // Consolidation runs on the chat model.
          if (sub === 'consolidate') await loadModel(core, agent, cli, output);
          await memoryCommand(core, agent, cli, output);
        });
        return 0;
      }
      case 'chat':
        await withCore(
          cli,
          output,
          async (core) => {
            const agent = await applySurfacingOption(
              core,
              await resolveAgent(core, cli.values.agent),
              cli,
            );
            await loadModel(core, agent, cli, output);
            await chatCommand(core, agent, output, await namedConversation(core, agent, cli), {
              showMemories: cli.values['show-memories'] ?? false,
            });
          },
          { ownSignals: true },
        );
        return 0;
      case 'context': {
        if (sub !== 'reset') {
          throw new LocusError(
            'INVALID_INPUT',
            `Unknown context command "${sub ?? ''}". Run "locus --help" for usage.`,
          );
        }
        await withCore(cli, output, async (core) => {
          const agent = await resolveAgent(core, cli.values.agent);
          const result = await call(core.handlers, 'chat.resetContext', { agentId: agent.id });
          output.out(
            output.json
              ? JSON.stringify(result)
              : `Emptied ${agent.name}'s context window (${result.removed} messages); every message is still in recall memory and core and archival memory are unchanged.`,
          );
        });
        return 0;
      }
      case 'capture': {
        const words = cli.positionals.slice(1);
        // "-" reads stdin, as `memory add -` and `-p -` do: it used to save a note "-".
        const piped = words.length === 0 || (words.length === 1 && words[0] === '-');
        const text = piped ? await readStdin() : words.join(' ');
        const tags = listOption(cli.values.tags);
        await withCore(cli, output, async (core) => {
          const agent = await resolveAgent(core, cli.values.agent);
          const passage = await call(core.handlers, 'captures.add', {
            agentId: agent.id,
            text,
            source: 'cli',
            ...(tags?.length ? { tags } : {}),
          });
          output.out(output.json ? JSON.stringify(passage) : `Saved note (${passage.id}).`);
        });
        return 0;
      }
      case 'export': {
        await withCore(cli, output, async (core) => {
          const agent = await resolveAgent(core, cli.values.agent);
          const file = cli.values.markdown
            ? await call(core.handlers, 'agentfile.exportMarkdown', {
                agentId: agent.id,
                conversations: cli.values.conversations ?? false,
              })
            : await call(core.handlers, 'agentfile.export', { agentId: agent.id });
          const target = path.resolve(cli.values.out ?? file.fileName);
          // A user's own file of the same name is not ours to replace unasked.
          if (!cli.values.force && fs.existsSync(target)) {
            throw new LocusError(
              'FILE_EXISTS',
              `${target} already exists; nothing was written. Pass --force to replace it, or choose another name with --out.`,
            );
          }
          // Beside, fsynced, renamed: an interrupted export never leaves half a file.
          writeFileDurably(target, file.text, 0o644);
          output.out(
            output.json ? JSON.stringify({ path: target }) : `Exported ${agent.name} to ${target}`,
          );
        });
        return 0;
      }
      case 'import': {
        const file = sub;
        if (!file)
          throw new LocusError('INVALID_INPUT', 'Say which file: locus import <agent.af>.');
        let bytes: Buffer;
        try {
          // Sized before it is read: a huge file is refused, not half-read.
          const size = fs.statSync(file).size;
          const { checkAgentFileSize } = await import('../core/agentfile/import-agent-file');
          checkAgentFileSize(size);
          bytes = fs.readFileSync(file);
        } catch (error) {
          if (error instanceof LocusError) throw error;
          throw new LocusError('NOT_FOUND', `Cannot read ${path.resolve(file)}.`);
        }
        const { decodeAgentFileBytes } = await import('../shared/decode-agent-file');
        const { text, note } = decodeAgentFileBytes(bytes);
        await withCore(cli, output, async (core) => {
          // One bar a phase, and none for a phase with nothing to write (a file of
          // passages only said "Importing messages 100% (0/0)" and then nothing).
          const bars = {
            messages: progressPrinter('Importing messages'),
            passages: progressPrinter('Importing passages'),
          };
          const off = core.events.on('progress', (p) => {
            if (p.task !== 'import' || output.json || p.total === 0) return;
            if (p.phase === 'messages' || p.phase === 'passages') bars[p.phase](p.done, p.total);
          });
          const report = await call(core.handlers, 'agentfile.import', { text }).finally(off);
          if (output.json)
            output.out(
              JSON.stringify({ ...report, notes: [...(note ? [note] : []), ...report.notes] }),
            );
          else {
            output.out(
              `Imported "${report.name}": ${report.blocks} blocks, ${report.messages} messages, ${report.passages} passages.`,
            );
            for (const line of [...(note ? [note] : []), ...report.notes])
              output.out(`  - ${line}`);
          }
        });
        return 0;
      }
      case 'backup': {
        const dataDir = cli.values['data-dir'] ?? defaultDataDir();
        const backups = await import('../core/backup/backups');
        if (sub === 'list') {
          const list = backups.listBackups(dataDir);
          output.out(
            output.json
              ? JSON.stringify(list)
              : list.length === 0
                ? 'No backups yet. Run "locus backup" to make one.'
                : list.map((b) => `${b.createdAt}  ${b.kind.padEnd(6)}  ${b.file}`).join('\n'),
          );
          return 0;
        }
        if (sub === 'restore') {
          const file = rest[0];
          if (!file)
            throw new LocusError('INVALID_INPUT', 'Say which backup: locus backup restore <file>.');
          const { systemClock } = await import('../core/clock');
          const result = await backups
            .restoreBackup(dataDir, path.resolve(file), systemClock)
            .catch((error: unknown) => {
              throw restoreLockedHint(error);
            });
          output.out(
            output.json
              ? JSON.stringify(result)
              : `Restored ${result.agents} agent(s) and ${result.messages} messages. ${result.previous ? `The replaced database is kept at ${result.previous}.` : 'There was no database to replace.'}`,
          );
          return 0;
        }
        if (sub !== undefined) {
          throw new LocusError(
            'INVALID_INPUT',
            `Unknown backup command "${sub}". Run "locus --help".`,
          );
        }
        await withCore(cli, output, async (core) => {
          const made = await call(core.handlers, 'backups.create', {});
          output.out(output.json ? JSON.stringify(made) : `Backed up to ${made.file}`);
        });
        return 0;
      }
      case 'serve': {
        const { startSessionLifetime } = await import('../core/host/session-lifetime');
        const { openCliCore } = await import('./open-core');
        let first = true;
        let serving = false;
        // A session, not one core: restoring a backup from the app closes
        // and reopens the memory while the server keeps running. Its
        // lifetime starts with the open, so a quit while memory still opens
        // (a re-embed can take minutes) closes it in order too.
        const lifetime = startSessionLifetime({
          dataDir: cli.values['data-dir'] ?? defaultDataDir(),
          open: async (_progress, signal) => {
            // A folder borrowed by locus mcp is handed over (openCliCore).
            const { core } = await openCliCore({ ...cliCoreOptions(cli), signal }, output);
            const strict = first && cli.values.model !== undefined;
            first = false;
            try {
              const agent = await resolveAgent(core, cli.values.agent);
              // A saved model that no longer loads must not stop the app opening:
              // the UI shows the error when the user chats.
              if (!signal.aborted && (cli.values.model || agent.model.modelPath)) {
                await loadModel(localCoreAccess(core), agent, cli, output).catch(
                  (error: unknown) => {
                    if (strict) throw error;
                    output.err(formatError(serializeError(error)));
                  },
                );
              }
            } catch (error) {
              await core.dispose();
              throw error;
            }
            return core;
          },
        });
        // The first Ctrl+C or SIGTERM stops serving (or the open), the second quits at once.
        let stop: () => void = () => undefined;
        const stopped = new Promise<void>((resolve) => (stop = resolve));
        let received = 0;
        const onSignal = (signal: NodeJS.Signals): void => {
          received++;
          if (received > 1) process.exit(signal === 'SIGINT' ? 130 : 143);
          stop();
          if (!serving) {
            output.err(
              `Stopping (${signal}) while memory opens; press Ctrl+C again to quit at once.`,
            );
            void lifetime.close();
          }
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
        try {
          const session = await lifetime.opening;
          if (lifetime.closing) return 0;
          serving = true;
          const port = intOption(cli.values.port, 'port');
          // The APIs it serves (MCP SDK among them) load only for serve.
          const { serveCommand } = await import('./commands/serve');
          await serveCommand(
            session,
            {
              dataDir: cli.values['data-dir'] ?? defaultDataDir(),
              ...(port !== undefined ? { port } : {}),
              ...(cli.values.openai ? { openaiApi: true } : {}),
              ...(cli.values.letta ? { lettaApi: true } : {}),
              stopped,
            },
            output,
          );
        } finally {
          await lifetime.close();
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
        return 0;
      }
      case 'mcp': {
        const { mcpCommand } = await import('./commands/mcp');
        const { connectCliCore } = await import('./open-core');
        // The protocol owns stdout: progress and notices go to stderr only.
        const quiet = createOutput(true);
        const idle = intOption(cli.values.idle, 'idle');
        await mcpCommand({
          dataDir: cli.values['data-dir'] ?? defaultDataDir(),
          connect: (connect) => connectCliCore(cliCoreOptions(cli), quiet, connect),
          ...(cli.values.agent ? { agent: cli.values.agent } : {}),
          ...(idle !== undefined ? { idleSeconds: idle } : {}),
        });
        return 0;
      }
      case 'api': {
        const { apiCommand } = await import('./commands/api');
        await withCore(cli, output, (core) => apiCommand(core, sub, rest[0], output));
        return 0;
      }
      case 'db':
        await dbCommand(cli, cli.values['data-dir'] ?? defaultDataDir(), output);
        return 0;
      case 'status':
        await withCore(cli, output, async (core) => {
          const status = await call(core.handlers, 'status.get', {});
          const agent = await resolveAgent(core, cli.values.agent);
          const consolidation = await call(core.handlers, 'consolidation.status', {
            agentId: agent.id,
          });
          const via = core.owner
            ? `Served by: ${describeOwner(core.owner)} at ${core.owner.url}\n`
            : '';
          output.out(
            output.json
              ? JSON.stringify(
                  {
                    ...status,
                    agent: { id: agent.id, name: agent.name, model: agent.model.modelPath },
                    consolidation,
                  },
                  null,
                  2,
                )
              : `${via}${statusText(status, agent, consolidation)}`,
          );
        });
        return 0;
      case 'models': {
        const modelsDir = dataDirLayout(cli.values['data-dir'] ?? defaultDataDir()).models;
        if (sub === 'list' || sub === undefined) {
          modelsListCommand(modelsDir, output);
          return 0;
        }
        if (sub === 'download') {
          await modelsDownloadCommand(rest[0], modelsDir, output);
          return 0;
        }
        if (sub === 'use') {
          const choice = rest[0];
          if (!choice)
            throw new LocusError(
              'INVALID_INPUT',
              'Say which model: locus models use <id|file.gguf>.',
            );
          await withCore(cli, output, async (core) => {
            const agent = await resolveAgent(core, cli.values.agent);
            if (!core.local) {
              // The process holding the folder loads it: a bad choice is refused now.
              const remoteChoice = choice.endsWith('.gguf') ? path.resolve(choice) : choice;
              await call(core.handlers, 'models.load', { agentId: agent.id, choice: remoteChoice });
              output.out(`${agent.name} now uses ${remoteChoice}.`);
              return;
            }
            const { resolveModelPath, openChatModel } =
              await import('../core/models/model-manager');
            // Load it once so a bad choice is refused now, not at the next chat.
            const saved = choice === 'scripted' ? choice : resolveModelPath(choice, modelsDir);
            const model = await openChatModel({ choice: saved, settings: agent.model, modelsDir });
            await model.dispose();
            await call(core.handlers, 'agents.update', {
              agentId: agent.id,
              model: { modelPath: saved },
            });
            output.out(`${agent.name} now uses ${saved}.`);
          });
          return 0;
        }
        if (sub !== 'download-embedder') {
          throw new LocusError(
            'INVALID_INPUT',
            `Unknown models command "${sub}". Run "locus --help".`,
          );
        }
        const dataDir = cli.values['data-dir'] ?? defaultDataDir();
        const show = progressPrinter('Downloading embedding model');
        const { embedder } = await selectEmbedder({
          choice: 'transformers',
          modelsDir: dataDirLayout(dataDir).models,
          allowDownload: true,
          ...(cli.values['embedder-model'] ? { model: cli.values['embedder-model'] } : {}),
          onProgress: (p) => show(p.done, p.total),
        });
        output.out(`Ready: ${embedder.name} (${embedder.dimensions}-d).`);
        await embedder.dispose();
        return 0;
      }
      default:
        throw new LocusError(
          'INVALID_INPUT',
          `Unknown command "${command}". Run "locus --help" for usage.`,
        );
    }
  } catch (error) {
    const serialized = serializeError(stableError(error));
    output.err(output.json ? JSON.stringify({ error: serialized }) : formatError(serialized));
    if (serialized.code === 'CANCELLED') return 130;
    return serialized.code === 'INVALID_INPUT' ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));

/** A running Locus can restore by itself; the lock error alone only said "close it". */
function restoreLockedHint(error: unknown): unknown {
  if (!isLocusError(error) || error.code !== 'DATA_DIR_LOCKED') return error;
  return new LocusError(
    'DATA_DIR_LOCKED',
    `${error.message} To restore this backup, stop "locus serve" or quit the app (or end that command) and run this again; or, while the app or "locus serve" runs, restore from it: Files → Backups → Restore.`,
    error.details,
  );
}
