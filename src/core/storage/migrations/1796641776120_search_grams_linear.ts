import type { Migration } from './registry';

/** As in the search_text migration: the scripts indexed by characters, and pictographs. */
const UNSPACED =
  '\\u0e00-\\u0eff\\u1000-\\u109f\\u1780-\\u17ff\\u3040-\\u30ff\\u3100-\\u312f\\u3400-\\u4dbf\\u4e00-\\u9fff\\uac00-\\ud7af\\uf900-\\ufaff';
const PICTOGRAPHS =
  '\\u2190-\\u21ff\\u2300-\\u23ff\\u2460-\\u24ff\\u25a0-\\u27bf\\u2900-\\u297f\\u2b00-\\u2bff\\U0001f000-\\U0001f3fa\\U0001f400-\\U0001faff';

/**
 * Long Chinese, Japanese or Thai text, indexed in time proportional to its
 * length and to its end:
 *
 * - locus_search_grams() took each character and pair of an unspaced run
 *   with substr(run, i, n), which walks the run from its start in a
 *   multibyte text: quadratic in the run's length. In PGlite, 8,000 CJK
 *   characters took 38 s and a 100,000-character note (notes may be that
 *   long) would have taken over an hour. The run is now split into its
 *   characters once, each paired with the next: 8,000 take 0.2 s. The same
 *   words come out, so nothing stored is recomputed.
 * - A text past 100,000 characters is indexed slice by slice until the
 *   vector would pass Postgres's limit; that limit is on its words' bytes
 *   (1 MB), but the check counted the vector's whole size, 4 bytes more a
 *   word: a text of Chinese pairs (6 bytes each) stopped at about 90,000
 *   distinct ones. Counting the words' bytes, about 160,000 fit.
 */
export const searchGramsLinear: Migration = {
  id: '1796641776120_search_grams_linear',
  async up(sql) {
    await sql.exec(`
      CREATE OR REPLACE FUNCTION locus_search_grams(t text) RETURNS text[]
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      RETURN ARRAY(
        SELECT DISTINCT gram
        FROM regexp_matches(t, '[${UNSPACED}]+|[${PICTOGRAPHS}]', 'g') AS m(r),
          LATERAL (SELECT c, lead(c) OVER (ORDER BY i) AS next
                   FROM unnest(string_to_array(lower(m.r[1]), NULL)) WITH ORDINALITY AS u(c, i)) g,
          LATERAL (VALUES (g.c), (g.c || g.next)) AS v(gram)
        WHERE gram IS NOT NULL);

      CREATE OR REPLACE FUNCTION locus_search_tsv_full(t text) RETURNS tsvector
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
          -- A stripped vector is an 8-byte header, 4 bytes a word, then the
          -- words: their bytes are what Postgres caps (1,048,575).
          EXIT WHEN pg_column_size(result) - 4 * length(result)
                    + pg_column_size(piece) - 4 * length(piece) > 1000000;
          result := result || piece;
        END LOOP;
        RETURN result;
      END $$;
    `);
  },
};
