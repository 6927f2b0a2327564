-- kho catalogue on PostgreSQL, schema version 5: the search's word bitmaps.
--
-- Why: version 1 found a query's products with the GIN index of `product.words`, which answers
-- "which products hold every word" as a list of all of them, unordered. A search ranks only the
-- 2,000 most recently registered matches, so a query of common words read every match's row to
-- keep the newest (42,000 rows for "phu nu" in 5,000,000 products), and a query of several common
-- words that few products hold together merged long lists: 50 to 300 ms a query. Here each word
-- has one bitmap per block of 4,096 products (by `seq`): bit i of block b is product
-- b * 4096 + i. The words of a query are intersected a block at a time, newest block first, with
-- `&` on bit strings: a word in every product costs 1 row (512 bytes of bits) per 4,096 products,
-- a rare word about one row per product that holds it. The search then reads only the
-- candidates' rows. (Blocks of 1,024 made the intersection of five common words twice as slow.)
--
-- The bitmaps are kept by the trigger below from `product.words`, whoever writes it. A write
-- appends its bits to `search_block_new` (an insert conflicts with no concurrent writer's); kho
-- folds those rows into `search_block` now and then, under the change-log lock, and a search reads
-- both. A product whose words change or that is deleted has its old bits cleared in both.
-- (bit_count needs PostgreSQL 14 or later.)

CREATE TABLE search_block (
    word text COLLATE "C" NOT NULL CHECK (length(word) > 0),
    block bigint NOT NULL CHECK (block >= 0),
    bits bit(4096) NOT NULL,
    PRIMARY KEY (word, block) INCLUDE (bits)
);
CREATE TABLE search_block_new (
    word text COLLATE "C" NOT NULL CHECK (length(word) > 0),
    block bigint NOT NULL CHECK (block >= 0),
    bits bit(4096) NOT NULL
);
CREATE INDEX search_block_new_word ON search_block_new (word, block) INCLUDE (bits);
-- The planner estimates how many blocks a word has from these, to join the rarest first.
ALTER TABLE search_block ALTER COLUMN word SET STATISTICS 1000;

-- A product's block, and its bitmap in the block.
CREATE FUNCTION search_block_of(seq bigint) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
    $$ SELECT seq >> 12 $$;
CREATE FUNCTION search_block_bit(seq bigint) RETURNS bit(4096) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
    $$ SELECT set_bit(repeat('0', 4096)::bit(4096), (seq & 4095)::integer, 1) $$;

CREATE FUNCTION search_block_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.words <> ''::tsvector THEN
        UPDATE search_block SET bits = bits & ~search_block_bit(OLD.seq)
            WHERE word = ANY (tsvector_to_array(OLD.words)) AND block = search_block_of(OLD.seq);
        UPDATE search_block_new SET bits = bits & ~search_block_bit(OLD.seq)
            WHERE word = ANY (tsvector_to_array(OLD.words)) AND block = search_block_of(OLD.seq);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.words <> ''::tsvector THEN
        INSERT INTO search_block_new (word, block, bits)
            SELECT lexeme, search_block_of(NEW.seq), search_block_bit(NEW.seq) FROM unnest(tsvector_to_array(NEW.words)) lexeme;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER product_search_block AFTER INSERT OR DELETE OR UPDATE OF words ON product
    FOR EACH ROW EXECUTE FUNCTION search_block_keep();

-- The bitmaps of the products already here.
INSERT INTO search_block (word, block, bits)
    SELECT lexeme, search_block_of(seq), bit_or(search_block_bit(seq))
    FROM product, unnest(tsvector_to_array(words)) lexeme GROUP BY 1, 2;
ANALYZE search_block;
