-- kho catalogue on PostgreSQL, schema version 2: the totals behind the search ranking's average
-- column lengths (SQLite's FTS index keeps them itself), kept by every write in the same
-- transaction, so that a search reads 16 rows instead of scanning the catalogue. Sixteen shards:
-- concurrent writers add to different rows, and do not conflict.

CREATE TABLE search_totals (
    shard integer PRIMARY KEY CHECK (shard BETWEEN 0 AND 15),
    products bigint NOT NULL,
    title_tokens bigint NOT NULL,
    description_tokens bigint NOT NULL,
    agency_tokens bigint NOT NULL
);
INSERT INTO search_totals
    SELECT 0, count(*), coalesce(sum(title_tokens), 0), coalesce(sum(description_tokens), 0),
        coalesce(sum(agency_tokens), 0)
    FROM product;
INSERT INTO search_totals SELECT shard, 0, 0, 0, 0 FROM generate_series(1, 15) AS shard;
