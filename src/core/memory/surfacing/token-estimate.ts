/**
 * About how many tokens a text costs a typical local model's tokenizer
 * (BPE over ~32k-150k pieces): a Latin word of n letters is about n/4
 * tokens (at least one), each character of an unspaced script (CJK, Thai…)
 * about one, each punctuation mark or symbol one. Surfacing budgets are
 * counted with it so they do not depend on which model is loaded.
 */
export function estimateTokens(text: string): number {
  let tokens = 0;
  for (const match of text.matchAll(/[\p{L}\p{N}\p{M}]+|[^\s\p{L}\p{N}\p{M}]/gu)) {
    const piece = match[0];
    if (
      /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u.test(
        piece,
      )
    ) {
      tokens += [...piece].length;
    } else if (/[\p{L}\p{N}]/u.test(piece)) {
      tokens += Math.max(1, Math.ceil(piece.length / 4));
    } else {
      tokens += 1;
    }
  }
  return tokens;
}
