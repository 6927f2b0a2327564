-- kho catalogue on PostgreSQL, schema version 6: what the search's ranking needs, as bitmaps.
--
-- Why: version 5 found a query's candidates in the word bitmaps, then read each candidate's row
-- (its folded texts and their word counts) to rank it: for a common query, 2,000 rows, each one
-- index descent, half of a search's time. The ranking needs only, per product, each column's word
-- count and, per word of the query, how many times each column holds it. Those numbers are kept
-- here as more bitmaps beside the words', under keys no word can be (a word is letters and
-- digits, a key has a '#'):
--   `#t<k>`, `#d<k>`, `#a<k>`: bit k of the title's, description's, agency's word count;
--   `w#t`, `w#a`: the title, the agency holds the word w;
--   `w#d`: the description holds w, written only when the title or the agency holds it too
--          (a word that is in neither is in the description: most words cost nothing more);
--   `w#t<k>`, `w#d<k>`, `w#a<k>`: bit k of (how many times the column holds w) - 1, for 2 or more;
--   `#+`: a column of 4,096 words or more, whose numbers are not kept: the search reads the row.
-- A search reads the keys of its words for the blocks it ranks, in one index range each, and
-- reads no row but the products it shows.
--
-- kho derives a product's keys from its folded texts, as it derives `words`, and writes them to
-- `search_keys`; the trigger below keeps their bits in `search_block` / `search_block_new` as
-- the product's trigger keeps its words' (an update sets and clears only the keys that changed).
-- A product deleted takes its keys' row, and so their bits, with it.

CREATE TABLE search_keys (
    seq bigint PRIMARY KEY REFERENCES product(seq) ON DELETE CASCADE,
    keys text[] COLLATE "C" NOT NULL
);

CREATE FUNCTION search_keys_keep() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cleared text[] := '{}';
    added text[] := '{}';
BEGIN
    IF TG_OP = 'DELETE' THEN
        cleared := OLD.keys;
    ELSIF TG_OP = 'INSERT' THEN
        added := NEW.keys;
    ELSE
        cleared := ARRAY(SELECT unnest(OLD.keys) EXCEPT SELECT unnest(NEW.keys));
        added := ARRAY(SELECT unnest(NEW.keys) EXCEPT SELECT unnest(OLD.keys));
        IF OLD.seq <> NEW.seq THEN
            RAISE EXCEPTION 'search_keys.seq cannot change (%, %)', OLD.seq, NEW.seq;
        END IF;
    END IF;
    IF cardinality(cleared) > 0 THEN
        UPDATE search_block SET bits = bits & ~search_block_bit(OLD.seq)
            WHERE word = ANY (cleared) AND block = search_block_of(OLD.seq);
        UPDATE search_block_new SET bits = bits & ~search_block_bit(OLD.seq)
            WHERE word = ANY (cleared) AND block = search_block_of(OLD.seq);
    END IF;
    IF cardinality(added) > 0 THEN
        INSERT INTO search_block_new (word, block, bits)
            SELECT k, search_block_of(NEW.seq), search_block_bit(NEW.seq) FROM unnest(added) k;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER search_keys_block AFTER INSERT OR DELETE OR UPDATE ON search_keys
    FOR EACH ROW EXECUTE FUNCTION search_keys_keep();

-- The products already here have their keys derived by kho in this version's transaction (the
-- trigger disabled meanwhile), then their bitmaps made at once.
