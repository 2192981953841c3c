import type { Message, ScoredMessage, ScoredPassage } from '../../../shared/entities';
import { spokenText } from '../../../shared/message-text';
import {
  parseSurfacedBlock,
  renderSurfacedBlock,
  type SurfacedBlock,
  type SurfacedMemory,
} from '../../../shared/surfaced-memories';
import type { ArchivalMemory } from '../archival-memory';
import type { RecallMemory } from '../recall-memory';
import { holdsAnyTerm, snippetOf } from '../search-snippet';
import { timeWindowOf, type TimeWindow } from './time-window';
import { estimateTokens } from './token-estimate';
import type { WordCoverage } from './word-coverage';

/** The message kind a surfaced block is stored as (after the user's message it was found for). */
export const MEMORIES_KIND = 'memories';

/** Default budget of the block, in estimated tokens (docs/benchmarks.md, "Memory surfacing"). */
export const DEFAULT_SURFACING_TOKENS = 1000;

/**
 * The least score a memory needs to be surfaced: a text holding about a
 * third of the query's information by words (see Fusion in
 * storage/repos/fusion-sql.ts), or less with a close meaning. Search
 * returns anything sharing a word with the question; a block the model
 * reads every turn must be more selective. Scores depend on the memory's
 * size: in a new user's memory of a few items, a note holding three of a
 * question's four words scores about 0.38 (a word no note holds weighs
 * most), so the floor stays at 0.3 (the benchmark's 0.4 lost that note)
 * and the relative floor below does most of the cutting
 * (docs/benchmarks.md, "Memory surfacing").
 */
export const SURFACING_FLOOR = 0.3;

/**
 * The floor rises as the query's words are missing from the memory: a
 * memory holding a share c of the query's information (word-coverage.ts)
 * must match at SURFACING_FLOOR / c^COVERAGE_EXPONENT. Scores alone do not
 * tell "nothing here" from "a weak match": a question about someone the
 * memory never mentions still finds turns sharing its other words and
 * subject. On LoCoMo questions asked of another conversation's memory this
 * cut what surfaced from 624 to under 100 tokens a question, for ~2.5
 * points of LoCoMo's evidence and one padded LongMemEval question in 120
 * (docs/benchmarks.md, "Memory surfacing").
 */
export const COVERAGE_EXPONENT = 1.5;

/**
 * A memory must also score at least this share of the best match it could
 * be given: beside a strong match, hits scoring under half of it are mostly
 * a common word shared with the message. At one half, a past fact (whose
 * score search halves) still follows the current one that matches as well.
 */
export const SURFACING_RELATIVE_FLOOR = 0.5;

/**
 * A surfaced memory shows at most this much of its text: the part that
 * matched (search results show 300). Most conversation turns are shorter
 * (LoCoMo's median is 109 characters); a long one past this is mostly
 * context the model can search for.
 */
export const SURFACED_ITEM_CHARS = 200;

/**
 * A memory dated inside the time the message names ("10 days ago", "last
 * week", "in May 2023") scores this much more: it holds the part of the
 * question its words cannot, since a memory keeps its date as a timestamp
 * and the event it tells of is rarely worded as the question words it.
 * It moves such memories up and past the floors (which read the raised
 * score); search itself is unchanged. On the dev sets, asked at their own
 * dates, 1.5 lifted padded LongMemEval's evidence at 1000 tokens from 88.4
 * to 89.3% (temporal questions 85.7 to 88.8%) and LoCoMo's from 74.4 to
 * 75.4%; 2 gained half a point more on LongMemEval and put more in front
 * of other conversations' questions (docs/benchmarks.md, "Memory
 * surfacing").
 */
export const TIME_MATCH_BOOST = 1.5;

/**
 * A memory holding none of the message's search terms must score at least
 * this share of the best match. Its score is then only lent or meant:
 * recall search lends a turn's neighbours up to 0.6 of its score (the reply
 * that answers a question lacks its words), and meaning alone is weak
 * evidence in a memory of a few items. In a new user's memory of a handful
 * of facts, the acknowledgement after the matching fact ("Got it!", 0.6 of
 * it) and the fact told just before it (0.5) cleared the relative floor and
 * were surfaced for "Where do I live?". Set above the largest share lent,
 * not tuned; on the dev sets' dumps it kept LoCoMo's and padded
 * LongMemEval's evidence (+0.1 and +0.2 points at 1000 tokens) and took
 * 2 tokens off cross-conversation blocks (docs/benchmarks.md, "Memory
 * surfacing", session 11). With an embedder that only hashes words, such
 * a memory is never surfaced: between two matching facts, the "Got it!"
 * after one took shares from both and cleared this floor too.
 */
export const UNWORDED_RELATIVE_FLOOR = 0.75;

/** Candidates read from each memory tier per turn. */
const CANDIDATES = 50;

/** A user message shorter than this (in words) is searched with the user's previous message. */
const SHORT_MESSAGE_WORDS = 4;

const SOURCE_LABELS: Record<ScoredPassage['source']['kind'], string> = {
  message: 'conversation',
  capture: 'capture',
  import: 'imported file',
  agent: 'saved by you',
  user: 'saved by the user',
  block: 'core memory',
};

export interface SurfaceRequest {
  agentId: string;
  /** The user's message. */
  text: string;
  /** The agent's context window before the user's message joins it. */
  context: readonly Message[];
  /** Message ids never to offer (a retried turn's discarded attempt). */
  exclude?: readonly string[];
  /** Budget of the block in estimated tokens; 0 surfaces nothing. */
  budgetTokens: number;
  /** When the message is sent, for the times it names ("yesterday"); without it they play no part. */
  at?: Date;
}

const normalized = (text: string) => text.toLowerCase().replace(/\s+/g, ' ').trim();

export interface Candidate {
  memory: SurfacedMemory;
  score: number;
  /** Texts that make it a duplicate: its own, and for a passage the message it came from. */
  keys: string[];
  /** Its whole text (the memory's text is what search showed of it). */
  whole: string;
}

/**
 * Memory surfacing (issue 18): before the model's first step of a turn,
 * archival and recall memory are searched with the user's message, and the
 * best results above a relevance floor that are not already in the context
 * window are given to the model with that message. A small local model
 * rarely calls its search tools; with this it sees what it knows anyway.
 *
 * One entry point, called by the agent runtime at the start of a turn.
 */
export function createSurfacing(options: {
  archival: ArchivalMemory;
  recall: RecallMemory;
  /** The query's search terms (storage/repos/search-terms-repo): what an item holds of them, and where. */
  searchTerms: { of(text: string): Promise<string[]> };
  /**
   * The embedder only hashes words (Embedder.lexical): a memory holding none
   * of the message's words then has no match of meaning either, only what
   * its neighbours lent it, and is never surfaced.
   */
  lexical?: boolean;
  /** How much of the query the memory holds at all; without it the floor does not rise. */
  wordCoverage?: Pick<WordCoverage, 'of'>;
}) {
  const { archival, recall, searchTerms, wordCoverage } = options;
  const unwordedFloor = options.lexical ? Infinity : UNWORDED_RELATIVE_FLOOR;

  /**
   * Everything worth surfacing for the request, best first: above the
   * floor, not in the context window (nor given to a turn still in it), no
   * two copies of one text.
   */
  async function candidates(request: Omit<SurfaceRequest, 'budgetTokens'>): Promise<Candidate[]> {
    if (request.text.trim() === '') return [];
    const query = searchText(request.text, request.context);

    // What the model already sees: the context's messages, and what
    // earlier turns in it were given.
    const inContext = new Set<string>(request.exclude ?? []);
    // Left out of the search itself, not only of its results: a long talk on
    // the subject would otherwise fill every candidate (and set the scale its
    // scores are read on) with messages the model already sees.
    const seen = [...(request.exclude ?? [])];
    for (const message of request.context) {
      if (message.kind === MEMORIES_KIND) {
        for (const item of parseSurfacedBlock(message.content)?.items ?? []) {
          inContext.add(item.id);
          inContext.add(normalized(item.text));
        }
      } else {
        seen.push(message.id);
        inContext.add(message.id);
        inContext.add(normalized(spokenText(message)));
      }
    }
    // The same words asked before hold nothing this message does not (the
    // answer given then may, and stays a candidate of its own).
    inContext.add(normalized(request.text));

    const [messages, passages, coverage, terms] = await Promise.all([
      recall.search(request.agentId, {
        query,
        roles: ['user', 'assistant'],
        limit: CANDIDATES,
        ...(seen.length > 0 ? { excludeMessages: seen } : {}),
      }),
      archival.search(request.agentId, { query, limit: CANDIDATES }),
      wordCoverage ? wordCoverage.of(request.agentId, query) : 1,
      searchTerms.of(query),
    ]);
    const window = request.at ? timeWindowOf(request.text, request.at) : null;
    const fresh = [...messages.items.map(fromMessage), ...passages.items.map(fromPassage)]
      .filter((c) => c.memory.text.trim() !== '' && !c.keys.some((key) => inContext.has(key)))
      .map((c) =>
        window && within(window, c.memory.at) ? { ...c, score: c.score * TIME_MATCH_BOOST } : c,
      );
    // Relative to what could be given: the context's own messages (often on
    // the message's subject) would otherwise crowd out everything else.
    const best = Math.max(0, ...fresh.map((c) => c.score));
    const absolute = coverage > 0 ? SURFACING_FLOOR / coverage ** COVERAGE_EXPONENT : Infinity;
    const floor = Math.max(absolute, SURFACING_RELATIVE_FLOOR * best);
    const found = fresh
      .filter(
        (c) =>
          c.score >= floor && (c.score >= unwordedFloor * best || holdsAnyTerm(c.whole, terms)),
      )
      .sort((a, b) => b.score - a.score || b.memory.at.localeCompare(a.memory.at));
    const taken = new Set<string>();
    const kept = found.filter((c) => {
      if (c.keys.some((key) => taken.has(key))) return false;
      for (const key of c.keys) taken.add(key);
      return true;
    });
    return marked(request.agentId, trimmed(kept, terms));
  }

  /**
   * A message whose facts were all replaced ("I live in Paris" after the
   * move to Lyon) says until when it held, as the past fact does; marking
   * moves nothing, the order and floors read only scores.
   */
  async function marked(agentId: string, found: Candidate[]): Promise<Candidate[]> {
    const ids = found.filter((c) => c.memory.tier === 'recall').map((c) => c.memory.id);
    const past = await recall.pastUntil(agentId, ids);
    if (past.size === 0) return found;
    return found.map((c) => {
      const until = c.memory.tier === 'recall' ? past.get(c.memory.id) : undefined;
      return until ? { ...c, memory: { ...c.memory, until } } : c;
    });
  }

  /** Long items cut to the part that matched (SURFACED_ITEM_CHARS). */
  function trimmed(found: Candidate[], terms: readonly string[]): Candidate[] {
    if (!found.some((c) => c.whole.trim().length > SURFACED_ITEM_CHARS)) return found;
    return found.map((c) => ({
      ...c,
      memory: { ...c.memory, text: snippetOf(c.whole, terms, { maxChars: SURFACED_ITEM_CHARS }) },
    }));
  }

  return {
    candidates,
    /** The block for this turn, or null when nothing clears the floor (or the budget is 0). */
    async surface(request: SurfaceRequest): Promise<SurfacedBlock | null> {
      if (request.budgetTokens <= 0) return null;
      return fitBudget(await candidates(request), request.budgetTokens);
    },
  };
}

/**
 * Past this share of the budget, a memory must score at least
 * SURFACING_FULL_RELATIVE_FLOOR of the best match: the relative floor
 * rises as the block fills. The first half of the budget takes anything
 * within half of the best match; weaker matches are worth their tokens only
 * while the block is small. On LoCoMo this nearly halved the median block
 * (from ~970 to ~560 tokens at 1000) for 1.3 points of evidence, and cost
 * padded LongMemEval about one (docs/benchmarks.md).
 */
export const SURFACING_FULL_SHARE = 0.5;
export const SURFACING_FULL_RELATIVE_FLOOR = 0.6;

/**
 * Where the assistant's own past replies are placed in the block: as if
 * they matched this much less. A reply often matches by restating the
 * user's words of the turn before it, at length, while what memory is for
 * (what the person said about themselves) is in their own turns; a reply
 * still joins the block, only after the person's turns that match nearly
 * as well. It moves the order only: the floors read the reply's own score.
 * On padded LongMemEval, where 94% of the evidence is the user's turns and
 * 38% of a block's items were replies, this lifted the evidence in a
 * 1000-token block from 87.2 to 88.4% (multi-session 77.3 to 78.4%,
 * temporal 82.1 to 85.7%) and LoCoMo's (two people, the second stored as
 * the assistant) from 74.2 to 74.4%; at 250 and 500 tokens LoCoMo lost 1.1
 * and 0.5 points. Placing replies lower gained more on LongMemEval and
 * pushed LoCoMo's median block past 600 tokens (docs/benchmarks.md).
 */
export const ASSISTANT_REPLY_PLACE = 0.9;

const place = (candidate: Candidate) =>
  candidate.memory.tier === 'recall' && candidate.memory.speaker === 'assistant'
    ? candidate.score * ASSISTANT_REPLY_PLACE
    : candidate.score;

/**
 * The best candidates that fit the budget, the assistant's replies placed
 * after the person's turns that match nearly as well
 * (ASSISTANT_REPLY_PLACE); one too long for
 * what is left is skipped for shorter ones after it, and past
 * SURFACING_FULL_SHARE of the budget so is one under
 * SURFACING_FULL_RELATIVE_FLOOR of the best. Costs are counted on the
 * rendered block: an item joining a group of its date and source costs
 * only its line.
 */
export function fitBudget(
  candidates: readonly Candidate[],
  budgetTokens: number,
): SurfacedBlock | null {
  const items: SurfacedMemory[] = [];
  const best = Math.max(0, ...candidates.map((c) => c.score));
  let tokens = 0;
  // Stable: equal places keep search's order.
  const ordered = [...candidates].sort((a, b) => place(b) - place(a));
  for (const candidate of ordered) {
    const filling = tokens >= SURFACING_FULL_SHARE * budgetTokens;
    if (filling && candidate.score < SURFACING_FULL_RELATIVE_FLOOR * best) continue;
    const next = [...items, candidate.memory];
    const cost = estimateTokens(renderSurfacedBlock({ items: next, tokens: 0 }));
    if (cost > budgetTokens) continue;
    items.push(candidate.memory);
    tokens = cost;
  }
  return items.length > 0 ? { items, tokens } : null;
}
export type Surfacing = ReturnType<typeof createSurfacing>;

/**
 * The words searched: the user's message, with their previous message when
 * it is too short to stand alone ("and her sister?").
 */
function searchText(text: string, context: readonly Message[]): string {
  if (text.trim().split(/\s+/).length >= SHORT_MESSAGE_WORDS) return text;
  const previous = context.findLast((m) => m.role === 'user' && m.kind === 'chat');
  return previous ? `${previous.content}\n${text}` : text;
}

/** Whether a memory's date falls inside the time the message names. */
function within(window: TimeWindow, at: string): boolean {
  const time = Date.parse(at);
  return time >= window.start.getTime() && time < window.end.getTime();
}

function fromMessage(message: ScoredMessage): Candidate {
  return {
    memory: {
      id: message.id,
      tier: 'recall',
      source: 'conversation',
      at: message.createdAt,
      speaker: message.role,
      text: message.snippet,
      until: null,
    },
    score: message.score,
    keys: [message.id, normalized(spokenText(message))],
    whole: spokenText(message),
  };
}

function fromPassage(passage: ScoredPassage): Candidate {
  return {
    memory: {
      id: passage.id,
      tier: 'archival',
      source: SOURCE_LABELS[passage.source.kind],
      at: passage.createdAt,
      speaker: null,
      text: passage.snippet,
      // A past fact says until when it held (its score was already halved
      // by search, so the current one comes first).
      until: passage.validUntil,
    },
    score: passage.score,
    keys: [
      passage.id,
      normalized(passage.text),
      ...(passage.source.kind === 'message' && passage.source.ref ? [passage.source.ref] : []),
    ],
    whole: passage.text,
  };
}
