-- kho catalogue on PostgreSQL, schema version 7: a search's blocks found by one call that stops
-- as soon as it has enough.
--
-- Why: a search wants the newest blocks whose words' bitmaps have bits in common, as many as
-- hold the 2,000 products it ranks. One SQL statement cannot stop its scan at a running total,
-- so version 5's search asked for a fixed number of blocks, then more: a query of common words
-- took two rounds, a query of words rarely found together three, each a statement the server
-- parses and plans (0.5 to 1.3 ms), and the planner's settings the intersection needs were set
-- and reset in two statements more. The function below reads the intersection, newest block
-- first, a row at a time, and stops at the block that reaches the count; its planner settings
-- hold only while it runs. On 5,000,000 products, a call in a warm session: "phu nu" (60 blocks)
-- 1 to 1.5 ms, against 3 ms for the prelude and two rounds; "tin nguong ton giao" (1,546 products
-- in 866 of 1,408 blocks) 5.3 ms, against 9 ms.
--
-- The settings: a merge join of the words' index ranges, newest block first, the only plan that
-- can stop early (after a load the planner preferred nested loops with a lookup per block, four
-- times as slow for four words); no parallel workers, which take as long to start as the reads.

CREATE FUNCTION search_blocks(words text[], below bigint, wanted bigint)
    RETURNS TABLE (block bigint, bits bit(4096))
    LANGUAGE plpgsql STABLE
    SET enable_nestloop = off SET enable_hashjoin = off SET max_parallel_workers_per_gather = 0
AS $$
DECLARE
    -- Words written since the last fold have bits in `search_block_new` too: then each word's
    -- bitmaps are the union of both tables'.
    appended boolean := EXISTS (SELECT 1 FROM search_block_new n WHERE n.word = ANY (words));
    bitmaps text[];
    query text;
    found bigint := 0;
    r record;
BEGIN
    IF cardinality(words) IS NULL OR cardinality(words) = 0 THEN
        RETURN;
    END IF;
    SELECT array_agg(format(
        CASE WHEN appended THEN
            'w%1$s AS (SELECT block, bit_or(bits) AS bits FROM (SELECT block, bits FROM search_block '
            'WHERE word = $1[%1$s] UNION ALL SELECT block, bits FROM search_block_new WHERE word = $1[%1$s]) x '
            'GROUP BY block)'
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
