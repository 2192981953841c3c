import type { Migration } from './registry';

/** The text each table's search column indexes, as SQL over `row` (rows.ts, indexedText). */
function indexedText(table: 'messages' | 'passages', row: string): string {
  return table === 'messages' ? `coalesce(${row}.reply, ${row}.content)` : `${row}.text`;
}

/**
 * The overflow rows of one table: a side table keyed by the owner row and
 * the part's number, filled by triggers so every path that writes a text
 * (the app, the APIs, agent-file import, bulk loads, copies) is covered.
 * Only a text past 100,000 characters can have parts (below that it is
 * one slice, which fits), so the triggers' conditions read the text's byte
 * length from its header and every other row costs that check alone.
 */
function overflowTable(table: 'messages' | 'passages'): string {
  const owner = table === 'messages' ? 'message_id' : 'passage_id';
  const side = `${table.slice(0, -1)}_search_overflow`;
  const columns = table === 'messages' ? 'content, reply' : 'text';
  const long = (row: string) => `octet_length(${indexedText(table, row)}) > 100000`;
  return `
    CREATE TABLE ${side} (
      ${owner} text NOT NULL REFERENCES ${table}(id) ON DELETE CASCADE,
      part int NOT NULL,
      -- The owner's agent, so a search asks whether its agent has any
      -- overflow with one index probe instead of a join.
      agent_id text NOT NULL,
      tsv tsvector NOT NULL,
      PRIMARY KEY (${owner}, part)
    );
    CREATE INDEX ${side}_agent ON ${side} (agent_id);
    CREATE INDEX ${side}_tsv ON ${side} USING gin (tsv) WITH (fastupdate = off);

    CREATE FUNCTION locus_${side}() RETURNS trigger LANGUAGE plpgsql
      SET search_path = public, pg_catalog AS $$
    BEGIN
      IF TG_OP = 'UPDATE' THEN
        DELETE FROM ${side} WHERE ${owner} = OLD.id;
      END IF;
      INSERT INTO ${side} (${owner}, part, agent_id, tsv)
        SELECT NEW.id, o.part, NEW.agent_id, o.tsv
        FROM locus_search_overflow(${indexedText(table, 'NEW')}) o;
      RETURN NULL;
    END $$;
    CREATE TRIGGER ${table}_search_overflow_added AFTER INSERT ON ${table}
      FOR EACH ROW WHEN (${long('NEW')})
      EXECUTE FUNCTION locus_${side}();
    CREATE TRIGGER ${table}_search_overflow_edited AFTER UPDATE OF ${columns} ON ${table}
      FOR EACH ROW WHEN ((${long('OLD')} OR ${long('NEW')})
                         AND ${indexedText(table, 'OLD')} IS DISTINCT FROM ${indexedText(table, 'NEW')})
      EXECUTE FUNCTION locus_${side}();

    INSERT INTO ${side} (${owner}, part, agent_id, tsv)
      SELECT r.id, o.part, r.agent_id, o.tsv FROM ${table} r,
        LATERAL locus_search_overflow(${indexedText(table, 'r')}) o
      WHERE ${long('r')};
  `;
}

/**
 * Every word of a long text is found (issue 19). A search vector holds at
 * most 1 MB of distinct words (Postgres's limit), and the search column
 * stopped indexing a text there: words past it were never found. Only an
 * agent-file import can store such a text (passages and messages of up to
 * 1,000,000 characters; notes, chat messages, the Letta API and MCP cap a
 * text at 100,000, which always fits): Chinese or Japanese with more than
 * some 160,000 different character pairs, or a long text of Cyrillic,
 * Greek, hyphenated words or links, whose words take more bytes than the
 * text has characters. Plain English words cannot pass it in 1,000,000
 * characters (a word's bytes are its letters, and a space separates it).
 *
 * The rest of such a text is now indexed in side tables, one row per
 * further 1 MB of words ("parts", numbered from 1), which search reads
 * beside the column (storage/repos/rows.ts): to count a word's rows, to
 * find candidates, and to score them. Part 0 is the search column itself,
 * unchanged: every text it held whole is indexed and ranked exactly as
 * before, and nothing stored is recomputed.
 *
 * Chosen over splitting a long imported passage into several: an imported
 * message is history and cannot be split, a split passage would export as
 * several (an .af round trip must give back what was imported), and one
 * mechanism for both tables keeps one result per text, whose snippet shows
 * the part that matched.
 *
 * locus_search_overflow() runs locus_search_tsv_full()'s loop (search
 * grams migration) to the end: where that loop stops, at the first slice
 * that would pass the limit, a new part starts; each part grows slice by
 * slice while its words fit. A slice (at most 100,000 characters) always
 * fits alone: 9 bytes a character at most (a CJK character and its pair).
 */
export const searchOverflow: Migration = {
  id: '1796651845994_search_overflow',
  async up(sql) {
    await sql.exec(`
      CREATE FUNCTION locus_search_overflow(t text) RETURNS TABLE (part int, tsv tsvector)
        LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
        SET search_path = public, pg_catalog AS $$
      DECLARE
        folded text := locus_search_fold(t);
        total int := length(folded);
        result tsvector := '';
        piece tsvector;
        slice text;
        cut int;
        at int := 1;
        current int := 0;
      BEGIN
        IF total <= 100000 THEN
          RETURN;
        END IF;
        WHILE at <= total LOOP
          slice := substr(folded, at, 100000);
          IF at + length(slice) <= total THEN
            cut := length(slice) - strpos(reverse(slice), ' ');
            IF cut > 50000 THEN
              slice := left(slice, cut);
            END IF;
          END IF;
          at := at + length(slice);
          piece := strip(locus_search_slice(slice));
          IF pg_column_size(result) - 4 * length(result)
             + pg_column_size(piece) - 4 * length(piece) > 1000000 THEN
            IF current > 0 THEN
              part := current;
              tsv := result;
              RETURN NEXT;
            END IF;
            current := current + 1;
            result := piece;
          ELSE
            result := result || piece;
          END IF;
        END LOOP;
        IF current > 0 THEN
          part := current;
          tsv := result;
          RETURN NEXT;
        END IF;
      END $$;
    `);
    await sql.exec(overflowTable('passages'));
    await sql.exec(overflowTable('messages'));
  },
};
