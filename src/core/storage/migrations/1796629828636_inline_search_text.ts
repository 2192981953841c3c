import type { Migration } from './registry';

/**
 * locus_search_tsv() as a one-expression SQL function Postgres can inline:
 * plain ASCII text takes to_tsvector('english', text) straight, anything
 * else locus_search_tsv_full(), the folding path as before. In PGlite's
 * WebAssembly the plpgsql wrapper with its pinned search_path (a call into
 * plpgsql, the path set and reset each time) cost ~6 µs of CPU a row on
 * top of to_tsvector's ~35; inlined, ~3 (the ASCII check): ~0.3 s less of
 * a 100k bulk load (docs/benchmarks.md, issue 20). A SQL-standard body
 * (RETURN) is bound when it is created, so a restore's empty search_path
 * still finds every function; not STRICT, as a strict function is only
 * inlined when its body is strict too (a NULL text still gives NULL: the
 * full path is strict). The same values as before for every text, so
 * nothing stored is recomputed.
 */
export const inlineSearchText: Migration = {
  id: '1796629828636_inline_search_text',
  async up(sql) {
    await sql.exec(`
      CREATE FUNCTION locus_search_tsv_full(t text) RETURNS tsvector
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
          EXIT WHEN pg_column_size(result) + pg_column_size(piece) > 900000;
          result := result || piece;
        END LOOP;
        RETURN result;
      END $$;

      CREATE OR REPLACE FUNCTION locus_search_tsv(t text) RETURNS tsvector
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
      RETURN CASE WHEN t !~ '[^\\x01-\\x7f]' AND length(t) <= 100000
                  THEN to_tsvector('english', t)
                  ELSE locus_search_tsv_full(t) END;
    `);
  },
};
