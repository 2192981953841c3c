import type { Migration } from './registry';

/**
 * locus_search_tsv() with a shortcut for plain ASCII text, which is most
 * of what people write in English: folding accents, finding unspaced
 * scripts and pictographs (search_text migration) can change nothing in it,
 * so its search vector is to_tsvector('english', text), the same value the
 * full path computes (checked on every ASCII turn of LoCoMo). The full path
 * cost ~0.15 ms of CPU a row in PGlite's WebAssembly, ~45% of a bulk
 * write's CPU (docs/benchmarks.md, issue 20); the check costs ~2 µs. Stored
 * vectors stay valid, so nothing is recomputed.
 */
export const asciiSearchText: Migration = {
  id: '1796576322447_ascii_search_text',
  async up(sql) {
    await sql.exec(`
      CREATE OR REPLACE FUNCTION locus_search_tsv(t text) RETURNS tsvector
        LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
        SET search_path = public, pg_catalog AS $$
      DECLARE
        folded text;
        total int;
        result tsvector := '';
        piece tsvector;
        slice text;
        cut int;
        at int := 1;
      BEGIN
        IF t !~ '[^\\x01-\\x7f]' AND length(t) <= 100000 THEN
          RETURN to_tsvector('english', t);
        END IF;
        folded := locus_search_fold(t);
        total := length(folded);
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
    `);
  },
};
