import type { Migration } from './registry';

/**
 * Scripts written without spaces between words (Chinese, Japanese, Thai,
 * Khmer, Myanmar, and Korean, whose words carry attached particles): the
 * english parser takes a whole run for one word, so no query could match a
 * part of it. Such runs are indexed as single characters and pairs instead.
 */
const UNSPACED =
  '\\u0e00-\\u0eff\\u1000-\\u109f\\u1780-\\u17ff\\u3040-\\u30ff\\u3100-\\u312f\\u3400-\\u4dbf\\u4e00-\\u9fff\\uac00-\\ud7af\\uf900-\\ufaff';
/**
 * Emoji and pictographs, which the parser drops as blanks (🍕 never matched);
 * each becomes a word of its own. Skin tones (U+1F3FB-1F3FF) are left out so
 * 👍🏽 matches 👍.
 */
const PICTOGRAPHS =
  '\\u2190-\\u21ff\\u2300-\\u23ff\\u2460-\\u24ff\\u25a0-\\u27bf\\u2900-\\u297f\\u2b00-\\u2bff\\U0001f000-\\U0001f3fa\\U0001f400-\\U0001faff';
/** Combining accents, removed after NFKD decomposition so "cafe" finds "café". */
const MARKS = '\\u0300-\\u036f\\u1ab0-\\u1aff\\u1dc0-\\u1dff\\u20d0-\\u20ff\\ufe20-\\ufe2f';

/**
 * One search vector per text, for full-text search in any script and with
 * or without accents (issue 19). Before this, `to_tsvector('english', …)`
 * matched "café" only as "café", dropped emoji, kept a CJK sentence as one
 * word, and failed with an internal error on a text whose vector passed
 * Postgres's 1 MB limit.
 *
 * - Text is folded: NFKD, combining marks removed, NFC again (so Hangul and
 *   kana recompose), a few letters without a decomposition mapped by hand,
 *   and compatibility forms unified (ｆｕｌｌ → full, ﬁ → fi).
 * - Words go through the english configuration as before (stemming, stop
 *   words); unspaced-script runs become character unigrams and bigrams, and
 *   each pictograph a word, added to the same vector: BM25 weighs them like
 *   any other word (a frequent character counts as little as "the").
 * - A text longer than 100,000 characters is indexed slice by slice, cut at
 *   a space, keeping words but not positions (search uses none), up to
 *   ~900 kB of distinct words: natural language of any length fits;
 *   only a pathological text (a long run of unique tokens) loses its tail.
 *
 * The query goes through the same function (storage/repos/rows.ts), so both
 * sides agree. Plain SQL, immutable: it runs on PGlite and on a PostgreSQL
 * server alike, without extensions.
 */
export const searchText: Migration = {
  id: '1796531569788_search_text',
  async up(sql) {
    await sql.exec(`
      CREATE FUNCTION locus_search_fold(t text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      RETURN translate(replace(replace(replace(
          normalize(regexp_replace(normalize(t, NFKD), '[${MARKS}]', '', 'g'), NFC),
          'ß', 'ss'), 'æ', 'ae'), 'œ', 'oe'),
        'øØłŁđĐħĦıŀ', 'oOlLdDhHil');

      CREATE FUNCTION locus_search_grams(t text) RETURNS text[]
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      RETURN ARRAY(
        SELECT DISTINCT gram
        FROM regexp_matches(t, '[${UNSPACED}]+|[${PICTOGRAPHS}]', 'g') AS m(r),
          LATERAL (SELECT lower(m.r[1]) AS run) x,
          LATERAL (SELECT substr(x.run, i, n) AS gram
                   FROM generate_series(1, length(x.run)) i, (VALUES (1), (2)) AS k(n)
                   WHERE i + n - 1 <= length(x.run)) g);

      -- One slice of folded text: its english words, grams and pictographs.
      CREATE FUNCTION locus_search_slice(folded text) RETURNS tsvector
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      RETURN to_tsvector('english',
          regexp_replace(folded, '[${UNSPACED}${PICTOGRAPHS}\\ufe0f\\u200d\\U0001f3fb-\\U0001f3ff]+', ' ', 'g'))
        || array_to_tsvector(locus_search_grams(folded));

      CREATE FUNCTION locus_search_tsv(t text) RETURNS tsvector
        LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
      DECLARE
        folded text := locus_search_fold(t);
        total int := length(folded);
        result tsvector := '';
        piece tsvector;
        slice text;
        cut int;
        at int := 1;
      BEGIN
        IF total <= 100000 THEN
          RETURN locus_search_slice(folded);
        END IF;
        WHILE at <= total LOOP
          slice := substr(folded, at, 100000);
          -- End the slice at its last space, so no word is cut in two.
          IF at + length(slice) <= total THEN
            cut := length(slice) - strpos(reverse(slice), ' ');
            IF cut > 50000 THEN
              slice := left(slice, cut);
            END IF;
          END IF;
          at := at + length(slice);
          piece := strip(locus_search_slice(slice));
          EXIT WHEN pg_column_size(result) + pg_column_size(piece) > 900000;
          result := result || piece;
        END LOOP;
        RETURN result;
      END $$;

      ALTER TABLE passages DROP COLUMN tsv;
      ALTER TABLE passages ADD COLUMN tsv tsvector
        GENERATED ALWAYS AS (locus_search_tsv(text)) STORED;
      CREATE INDEX passages_tsv ON passages USING gin (tsv) WITH (fastupdate = off);

      ALTER TABLE messages DROP COLUMN tsv;
      ALTER TABLE messages ADD COLUMN tsv tsvector
        GENERATED ALWAYS AS (locus_search_tsv(coalesce(reply, content))) STORED;
      CREATE INDEX messages_tsv ON messages USING gin (tsv) WITH (fastupdate = off);

      ANALYZE passages;
      ANALYZE messages;
    `);
  },
};
