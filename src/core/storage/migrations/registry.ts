import type { Sql } from '../sql';
import { initialSchema } from './1764000000000_initial';
import { inertTools } from './1764100000000_inert_tools';
import { ginWithoutPendingList } from './1764200000000_gin_without_pending_list';
import { memoryCounts } from './1764300000000_memory_counts';
import { contextEntries } from './1764400000000_context_entries';
import { messageReply } from './1764500000000_message_reply';
import { messageEmbeddings } from './1764600000000_message_embeddings';
import { conversations } from './1796530690761_conversations';
import { halfvecEmbeddings } from './1796533858950_halfvec_embeddings';
import { fullPrecisionEmbeddings } from './1796565865905_full_precision_embeddings';
import { memoryPipeline } from './1796530949925_memory_pipeline';
import { searchText } from './1796531569788_search_text';
import { agentFileRecords } from './1796537536936_agent_file_records';
import { changeNotifications } from './1796531494179_change_notifications';
import { searchFunctionPath } from './1796552012497_search_function_path';
import { searchLengths } from './1796575877662_search_lengths';
import { signBitVectorIndex } from './1796575552245_sign_bit_vector_index';
import { asciiSearchText } from './1796576322447_ascii_search_text';
import { vectorRevisions } from './1796606180266_vector_revisions';
import { inlineSearchText } from './1796629828636_inline_search_text';
import { consolidationErrors } from './1796640487612_consolidation_errors';
import { searchGramsLinear } from './1796641776120_search_grams_linear';
import { searchOverflow } from './1796651845994_search_overflow';
import { passageLogLengths } from './1796663441628_passage_log_lengths';
import { upcomingLines } from './1796685267852_upcoming_lines';
import { messageRewrites } from './1796685608776_message_rewrites';
import { searchQuotes } from './1796688000000_search_quotes';

export interface Migration {
  /** `<epoch-ms>_<name>`; the order of this list is the order they run in. */
  id: string;
  up(sql: Sql): Promise<void>;
}

/**
 * Append-only: never edit or reorder a migration that has shipped. A database
 * whose applied list is not a prefix of this list was made by another build.
 */
export const migrations: readonly Migration[] = [
  initialSchema,
  inertTools,
  ginWithoutPendingList,
  memoryCounts,
  contextEntries,
  messageReply,
  messageEmbeddings,
  conversations,
  halfvecEmbeddings,
  memoryPipeline,
  searchText,
  agentFileRecords,
  changeNotifications,
  searchFunctionPath,
  fullPrecisionEmbeddings,
  searchLengths,
  signBitVectorIndex,
  asciiSearchText,
  vectorRevisions,
  inlineSearchText,
  consolidationErrors,
  searchGramsLinear,
  searchOverflow,
  passageLogLengths,
  upcomingLines,
  messageRewrites,
  searchQuotes,
];
