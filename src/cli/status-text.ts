import path from 'node:path';
import type { ConsolidationStatus, Status } from '../shared/contract';
import { contextInEffect } from '../shared/context-in-effect';
import { embedderLabel } from '../shared/embedder-label';
import type { Agent } from '../shared/entities';

/** `locus status` for a person: which model answers, which embedder, how much is stored. */
/** Background consolidation's state: on or paused, what waits, and why the last pass failed. */
export function consolidationText(state: ConsolidationStatus): string {
  const waiting = `${state.pending} message${state.pending === 1 ? '' : 's'} waiting`;
  const now = state.paused
    ? `paused (${waiting}; "locus memory resume" turns it on)`
    : state.running
      ? `running now (${waiting})`
      : `on (${waiting})`;
  const failed = state.lastError ? `; the last pass failed: ${state.lastError}` : '';
  return `Background consolidation: ${now}${failed}`;
}

export function statusText(
  status: Status,
  agent: Agent,
  consolidation?: ConsolidationStatus,
): string {
  const saved = agent.model.modelPath;
  const model = status.model
    ? `${status.model.name} (loaded, ${contextInEffect(status.model, agent.model.contextSize)})`
    : saved
      ? `${saved === 'scripted' ? 'scripted (the canned test model)' : path.basename(saved)} (${saved === 'scripted' ? 'chosen' : saved}; loads when you chat)`
      : 'none chosen yet: run "locus models download qwen3-1.7b", then "locus models use qwen3-1.7b"; or use a .gguf file you already have: "locus models use <file.gguf>"';
  const embedder =
    status.embedder.kind === 'basic'
      ? 'basic word matching (memory is found by its words only)'
      : `${embedderLabel(status.embedder.name)} (${status.embedder.dimensions}-d)`;
  return [
    `Agent: ${agent.name}`,
    `Model: ${model}`,
    `Embedder: ${embedder}`,
    `Data folder: ${status.dataDir}`,
    `Memory database: ${status.database.backend === 'postgres' ? `PostgreSQL server ${status.database.location}` : 'embedded (in the data folder)'}`,
    `Archival passages: ${status.passages.total} (${status.passages.pending} waiting for embedding)`,
    `Messages: ${status.messages.total} (${status.messages.pending} waiting for embedding)`,
    ...(consolidation ? [consolidationText(consolidation)] : []),
  ].join('\n');
}
