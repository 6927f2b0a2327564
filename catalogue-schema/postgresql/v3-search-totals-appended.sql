-- kho catalogue on PostgreSQL, schema version 3: the search totals as rows appended, one per
-- write transaction that changes them, and summed when read. Version 2's 16 shards were updated
-- in place, and two concurrent SERIALIZABLE writers that drew the same shard could not both commit:
-- four imports at once retried so often that they ran slower than one after another
-- (scripts/bench-national). An insert conflicts with no other insert. kho folds the rows back
-- into one now and then, while no write is running (under the change-log lock).

ALTER TABLE search_totals DROP CONSTRAINT search_totals_pkey;
ALTER TABLE search_totals DROP CONSTRAINT search_totals_shard_check;
ALTER TABLE search_totals DROP COLUMN shard;
DELETE FROM search_totals WHERE products = 0 AND title_tokens = 0 AND description_tokens = 0 AND agency_tokens = 0;
