/**
 * The shape every retrieval benchmark is reduced to: a haystack of dated
 * conversation turns stored as one agent's memory, and questions whose
 * answers sit in known turns (the evidence).
 */
export interface Turn {
  /** Unique within its haystack (LoCoMo's dia_id, or session:turn). */
  id: string;
  role: 'user' | 'assistant';
  /** What gets stored, as a message and as a passage. */
  text: string;
  /** When it was said, ISO. */
  at: string;
}

export interface Query {
  text: string;
  /** The dataset's category or question type, for per-kind tables. */
  kind: string;
  /** Ids of the turns that hold the answer; never empty. */
  evidence: string[];
}

export interface Haystack {
  id: string;
  /** In the order they were said. */
  turns: Turn[];
  queries: Query[];
}
