/** A vocabulary as Universal Sentence Encoder lite ships it: [piece, log probability] by id. */
export type SentencePieceVocabulary = ReadonlyArray<readonly [string, number]>;

/** Ids 0-5 are the unknown piece and control tokens, never matched in text. */
const RESERVED_IDS = 6;
const UNKNOWN_ID = 0;
/** SentencePiece's word boundary, which stands for a space. */
const BOUNDARY = '\u2581';

/**
 * The sentence model's unigram SentencePiece tokenizer: the most probable
 * split of a text into vocabulary pieces (Viterbi). Its output is the same,
 * id for id, as `@energetic-ai/embeddings`'s tokenizer, quirks included
 * (ties go to the later start; backtracking steps by each piece's length in
 * UTF-16 units; consecutive unknown pieces merge into one), which is checked
 * against it in builtin-embedder.test.ts. That one builds a character trie of
 * the 8,000 pieces, each node holding an array of its prefix (~50 ms of CPU
 * and ~6 MB of heap for every process that embeds); a map of pieces, looked up
 * at each start for every length up to the longest piece, finds the same
 * matches in the same order.
 */
export function createSentencePieceTokenizer(vocabulary: SentencePieceVocabulary) {
  const pieces = new Map<string, { score: number; id: number }>();
  let longest = 0;
  for (let id = RESERVED_IDS; id < vocabulary.length; id++) {
    const [piece, score] = vocabulary[id] as readonly [string, number];
    // A piece listed twice keeps its later entry, as the trie does.
    pieces.set(piece, { score, id });
    longest = Math.max(longest, [...piece].length);
  }
  const unitLength = (id: number) => (vocabulary[id]?.[0] ?? '').length;
  const boundaryId = pieces.get(BOUNDARY)?.id;

  return {
    /**
     * Whether the model reads anything of an encoding: false when it is only
     * unknown pieces and word boundaries (CJK, emoji), whose vector would be
     * the same for every such text.
     */
    reads(ids: readonly number[]): boolean {
      return !ids.includes(UNKNOWN_ID) || ids.some((id) => id !== UNKNOWN_ID && id !== boundaryId);
    },
    encode(text: string): number[] {
      const normalized = text.normalize('NFKC');
      const input = normalized.length > 0 ? BOUNDARY + normalized.replace(/ /g, BOUNDARY) : '';
      // Offsets of each code point in the string, and the end.
      const offsets: number[] = [];
      for (let i = 0; i < input.length;) {
        offsets.push(i);
        i += (input.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
      }
      const symbols = offsets.length;
      offsets.push(input.length);
      // Pieces ending at each position: [start, score, id], by ascending start.
      const endingAt: Array<Array<[number, number, number]>> = Array.from(
        { length: symbols + 1 },
        () => [],
      );
      for (let start = 0; start < symbols; start++) {
        let matched = false;
        for (let length = 1; length <= longest && start + length <= symbols; length++) {
          const piece = pieces.get(input.slice(offsets[start], offsets[start + length]));
          if (!piece) continue;
          endingAt[start + length]?.push([start, piece.score, piece.id]);
          matched = true;
        }
        if (!matched) endingAt[start + 1]?.push([start, 0, UNKNOWN_ID]);
      }
      const best = new Array<number>(symbols + 1).fill(0);
      const ids = new Array<number>(symbols + 1).fill(UNKNOWN_ID);
      for (let end = 0; end <= symbols; end++) {
        for (const [start, score, id] of endingAt[end] ?? []) {
          const total = score + (best[start] as number);
          if (best[end] === 0 || total >= (best[end] as number)) {
            best[end] = total;
            ids[end] = id;
          }
        }
      }
      const backwards: number[] = [];
      for (let at = symbols; at > 0; at -= Math.max(1, unitLength(ids[at] as number))) {
        backwards.push(ids[at] as number);
      }
      const merged: number[] = [];
      let previousUnknown = false;
      for (const id of backwards) {
        if (!(previousUnknown && id === UNKNOWN_ID)) merged.push(id);
        previousUnknown = id === UNKNOWN_ID;
      }
      return merged.reverse();
    },
  };
}
