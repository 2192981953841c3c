/** The line Locus writes above the model's summary: what stretch of the conversation it covers. */
export const SUMMARY_COVERAGE =
  /^Summary of the conversation (?:from (\d{4}-\d{2}-\d{2} \d{2}:\d{2}) to|up to) (\d{4}-\d{2}-\d{2} \d{2}:\d{2}) UTC:\n/;

/** A stored summary's text without its coverage line: what the model merges the next one into. */
export function summaryBody(content: string): string {
  const line = SUMMARY_COVERAGE.exec(content);
  return line ? content.slice(line[0].length) : content;
}
