-- kho catalogue on PostgreSQL, schema version 1: the same tables and constraints as the SQLite
-- catalogue at its migration v12 (catalogue-schema/CATALOGUE.md documents each), in PostgreSQL's
-- types. Every text column compares byte by byte (COLLATE "C", SQLite's BINARY), whatever the
-- database's own collation, so that ids, hashes and timestamps sort as in SQLite. Timestamps stay ISO 8601 text (UTC, to the second), as in SQLite, so that both backends
-- sort, compare and export them identically. Flags stay 0/1 integers for the report arithmetic.
-- Applied by kho in one transaction, under an advisory lock, when it opens the catalogue.

CREATE TABLE repository (
    key text COLLATE "C" PRIMARY KEY,
    value text COLLATE "C" NOT NULL
);

CREATE TABLE product (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id text COLLATE "C" NOT NULL UNIQUE CHECK (id ~ '^[0-9ABCDEFGHJKMNPQRSTVWXYZ]{16}$'),
    title text COLLATE "C" NOT NULL CHECK (length(btrim(title)) > 0),
    description text COLLATE "C",
    kind text COLLATE "C" NOT NULL CHECK (length(kind) > 0),
    content_line text COLLATE "C",
    agency text COLLATE "C",
    province text COLLATE "C" CHECK (province IS NULL OR province ~ '^.+@(2022|2025)$'),
    province_current text COLLATE "C",
    produced text COLLATE "C" CHECK (produced IS NULL OR produced ~ '^[0-9]{4}'),
    published text COLLATE "C" CHECK (published IS NULL OR published ~ '^[0-9]{4}'),
    published_first text COLLATE "C",
    funding text COLLATE "C",
    rights text COLLATE "C",
    origin_repository text COLLATE "C" NOT NULL,
    ingest_key text COLLATE "C" UNIQUE,
    created_at text COLLATE "C" NOT NULL,
    updated_at text COLLATE "C" NOT NULL,
    role_mask integer NOT NULL DEFAULT 0 CHECK (role_mask BETWEEN 0 AND 7),
    platform_mask bigint NOT NULL DEFAULT 0,
    file_count integer NOT NULL DEFAULT 0 CHECK (file_count >= 0),
    content_files integer NOT NULL DEFAULT 0 CHECK (content_files >= 0),
    shared integer NOT NULL DEFAULT 0 CHECK (shared IN (0, 1)),
    public integer NOT NULL DEFAULT 1 CHECK (public IN (0, 1)),
    revision integer NOT NULL DEFAULT 0 CHECK (revision >= 0),
    -- The search: every folded word of the title, agency and description, as a tsvector (its
    -- GIN index finds the products that hold every word of a query), and each column's folded
    -- text and word count for the ranking, which kho computes as the SQLite backend does (BM25
    -- without IDF, over each column's length against the columns' average length).
    title_fold text COLLATE "C" NOT NULL DEFAULT '',
    description_fold text COLLATE "C" NOT NULL DEFAULT '',
    agency_fold text COLLATE "C" NOT NULL DEFAULT '',
    title_tokens integer NOT NULL DEFAULT 0,
    description_tokens integer NOT NULL DEFAULT 0,
    agency_tokens integer NOT NULL DEFAULT 0,
    words tsvector NOT NULL DEFAULT ''::tsvector,
    CHECK ((province IS NULL) = (province_current IS NULL)),
    CHECK ((published IS NULL) = (published_first IS NULL))
);
CREATE INDEX product_kind ON product(kind);
CREATE INDEX product_province_current ON product(province_current);
CREATE INDEX product_province ON product(province);
CREATE INDEX product_published ON product(published_first);
CREATE INDEX product_agency ON product(agency);
CREATE INDEX product_updated ON product(updated_at, seq);
CREATE INDEX product_private ON product(seq) WHERE public = 0;
CREATE INDEX product_words ON product USING gin (words);

CREATE TABLE product_language (
    product_id text COLLATE "C" NOT NULL REFERENCES product(id) ON DELETE CASCADE,
    code text COLLATE "C" NOT NULL CHECK (length(code) > 0),
    position integer NOT NULL CHECK (position >= 0),
    role text COLLATE "C" NOT NULL CHECK (role IN ('national', 'ethnic', 'foreign')),
    role_override integer NOT NULL CHECK (role_override IN (0, 1)),
    PRIMARY KEY (product_id, code)
);
CREATE INDEX product_language_code ON product_language(code, product_id);
CREATE INDEX product_language_role ON product_language(role, product_id);

CREATE TABLE product_platform (
    product_id text COLLATE "C" NOT NULL REFERENCES product(id) ON DELETE CASCADE,
    code text COLLATE "C" NOT NULL CHECK (length(code) > 0),
    position integer NOT NULL CHECK (position >= 0),
    PRIMARY KEY (product_id, code)
);
CREATE INDEX product_platform_code ON product_platform(code, product_id);

CREATE TABLE product_topic (
    product_id text COLLATE "C" NOT NULL REFERENCES product(id) ON DELETE CASCADE,
    code text COLLATE "C" NOT NULL CHECK (length(code) > 0),
    position integer NOT NULL CHECK (position >= 0),
    PRIMARY KEY (product_id, code)
);
CREATE INDEX product_topic_code ON product_topic(code, product_id);

CREATE TABLE platform_bit (
    code text COLLATE "C" PRIMARY KEY,
    bit integer NOT NULL UNIQUE CHECK (bit BETWEEN 0 AND 62)
);

CREATE TABLE object (
    sha256 text COLLATE "C" PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size bigint NOT NULL CHECK (size >= 0),
    mime text COLLATE "C" NOT NULL,
    format text COLLATE "C" NOT NULL,
    stored_at text COLLATE "C" NOT NULL
);

CREATE TABLE product_file (
    product_id text COLLATE "C" NOT NULL REFERENCES product(id) ON DELETE CASCADE,
    sha256 text COLLATE "C" NOT NULL REFERENCES object(sha256),
    role text COLLATE "C" NOT NULL CHECK (role IN ('master', 'access', 'derivative')),
    original_name text COLLATE "C" NOT NULL,
    added_at text COLLATE "C" NOT NULL,
    PRIMARY KEY (product_id, sha256)
);
CREATE INDEX product_file_sha256 ON product_file(sha256);

CREATE TABLE event (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id text COLLATE "C" NOT NULL REFERENCES product(id) ON DELETE CASCADE,
    type text COLLATE "C" NOT NULL CHECK (type IN (
        'accession', 'ingestion', 'metadata modification', 'fixity check',
        'metadata extraction', 'quarantine', 'recovery', 'creation', 'dissemination',
        'validation', 'information package creation', 'information package merging')),
    at text COLLATE "C" NOT NULL,
    agent text COLLATE "C" NOT NULL,
    outcome text COLLATE "C" NOT NULL CHECK (outcome IN ('success', 'failure')),
    detail jsonb NOT NULL
);
CREATE INDEX event_product ON event(product_id, seq);
CREATE INDEX event_type ON event(type, at);

CREATE TABLE pending_object (
    sha256 text COLLATE "C" PRIMARY KEY,
    since text COLLATE "C" NOT NULL
);

CREATE TABLE object_metadata (
    sha256 text COLLATE "C" PRIMARY KEY REFERENCES object(sha256),
    characterised_at text COLLATE "C" NOT NULL,
    tool text COLLATE "C" NOT NULL,
    metadata jsonb NOT NULL
);

CREATE TABLE fixity_check (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sha256 text COLLATE "C" NOT NULL REFERENCES object(sha256),
    at text COLLATE "C" NOT NULL,
    outcome text COLLATE "C" NOT NULL CHECK (outcome IN ('pass', 'missing', 'corrupted')),
    found_sha256 text COLLATE "C" CHECK (found_sha256 IS NULL OR length(found_sha256) = 64),
    agent text COLLATE "C" NOT NULL,
    CHECK ((outcome = 'corrupted') = (found_sha256 IS NOT NULL))
);
CREATE INDEX fixity_check_object ON fixity_check(sha256, at);

CREATE TABLE bundle (
    seq bigint GENERATED ALWAYS AS IDENTITY,
    id text COLLATE "C" PRIMARY KEY,
    created_at text COLLATE "C" NOT NULL,
    since text COLLATE "C",
    previous text COLLATE "C",
    scope text COLLATE "C" NOT NULL,
    products integer NOT NULL CHECK (products >= 0),
    tombstones integer NOT NULL DEFAULT 0 CHECK (tombstones >= 0),
    bags integer NOT NULL DEFAULT 1 CHECK (bags >= 1),
    location text COLLATE "C" NOT NULL,
    event_mark bigint,
    tombstone_mark bigint
);
CREATE INDEX bundle_created ON bundle(created_at);

CREATE TABLE tombstone (
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    id text COLLATE "C" PRIMARY KEY,
    title text COLLATE "C" NOT NULL,
    origin_repository text COLLATE "C" NOT NULL,
    removed_at text COLLATE "C" NOT NULL,
    agent text COLLATE "C" NOT NULL,
    reason text COLLATE "C" NOT NULL CHECK (length(reason) > 0)
);
CREATE INDEX tombstone_removed ON tombstone(removed_at);

CREATE TABLE repair (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at text COLLATE "C" NOT NULL,
    agent text COLLATE "C" NOT NULL,
    action text COLLATE "C" NOT NULL CHECK (length(action) > 0),
    target text COLLATE "C" NOT NULL,
    detail jsonb NOT NULL
);
