-- kho catalogue on PostgreSQL, schema version 8: a search stays fast while some bitmaps are
-- still unfolded.
--
-- Why: a write appends its products' bits to `search_block_new`, and kho folds them into
-- `search_block` after the write, when it can take the change-log lock at once. After several
-- imports at once, some can stay unfolded until the next write. Version 7 then read each word of
-- the query as the union of both tables, grouped by block: a hash aggregate over all the word's
-- blocks, which the merge of the words could not stop early. On 5,000,000 products, three
-- unfolded rows made "phu nu", "giao duc" and "dong bao" take 70 to 150 ms instead of 20 to 40.
-- Now only the words that have unfolded bits are read so, and as the word's folded bitmaps
-- joined (a full join) with its few unfolded ones, summed per block: about 2.5 ms for a word in
-- 1,500 blocks, and nothing more for the other words.

CREATE OR REPLACE FUNCTION search_blocks(words text[], below bigint, wanted bigint)
    RETURNS TABLE (block bigint, bits bit(4096))
    LANGUAGE plpgsql STABLE
    SET enable_nestloop = off SET enable_hashjoin = off SET max_parallel_workers_per_gather = 0
AS $$
DECLARE
    -- The words written since the last fold: their bitmaps are those of both tables.
    appended text[] := ARRAY(SELECT DISTINCT n.word FROM search_block_new n WHERE n.word = ANY (words));
    bitmaps text[];
    query text;
    found bigint := 0;
    r record;
BEGIN
    IF cardinality(words) IS NULL OR cardinality(words) = 0 THEN
        RETURN;
    END IF;
    SELECT array_agg(format(
        CASE WHEN words[i] = ANY (appended) THEN
            'w%1$s AS (SELECT block, CASE WHEN o.bits IS NULL THEN n.bits WHEN n.bits IS NULL THEN o.bits '
            'ELSE o.bits | n.bits END AS bits FROM (SELECT block, bits FROM search_block WHERE word = $1[%1$s]) o '
            'FULL JOIN (SELECT block, bit_or(bits) AS bits FROM search_block_new WHERE word = $1[%1$s] '
            'GROUP BY block) n USING (block))'
        ELSE 'w%1$s AS (SELECT block, bits FROM search_block WHERE word = $1[%1$s])' END, i) ORDER BY i)
    INTO bitmaps FROM generate_series(1, cardinality(words)) i;
    -- OFFSET 0 keeps the intersection in its subquery, made once per block: flattened, the
    -- planner repeated it for each use of `bits`.
    query := format(
        'WITH %s SELECT block, bits, bit_count(bits) AS n FROM (SELECT block, %s AS bits FROM w1%s '
        'WHERE block < $2 ORDER BY block DESC OFFSET 0) a WHERE bit_count(bits) > 0',
        array_to_string(bitmaps, ', '),
        (SELECT string_agg(format('w%s.bits', i), ' & ' ORDER BY i) FROM generate_series(1, cardinality(words)) i),
        (SELECT coalesce(string_agg(format(' JOIN w%s USING (block)', i), '' ORDER BY i), '')
            FROM generate_series(2, cardinality(words)) i));
    FOR r IN EXECUTE query USING words, below LOOP
        block := r.block;
        bits := r.bits;
        RETURN NEXT;
        found := found + r.n;
        EXIT WHEN found >= wanted;
    END LOOP;
END
$$;
