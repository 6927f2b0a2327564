import GRDB
import KhoCore

/// The catalogue's schema, as GRDB migrations. Constraints live here, in SQL: SQLite enforces
/// them whatever code writes. `catalogue-schema/CATALOGUE.md` documents every table.
enum CatalogueMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: products, files, events, search") { db in
            try db.execute(
                sql: """
                    CREATE TABLE repository (
                        key TEXT PRIMARY KEY NOT NULL,
                        value TEXT NOT NULL
                    ) STRICT;

                    CREATE TABLE product (
                        seq INTEGER PRIMARY KEY,
                        id TEXT NOT NULL UNIQUE
                            CHECK (length(id) = 16 AND id NOT GLOB '*[^0-9ABCDEFGHJKMNPQRSTVWXYZ]*'),
                        title TEXT NOT NULL CHECK (length(trim(title)) > 0),
                        description TEXT,
                        kind TEXT NOT NULL CHECK (length(kind) > 0),
                        content_line TEXT,
                        agency TEXT,
                        province TEXT CHECK (province IS NULL OR province GLOB '?*@2022' OR province GLOB '?*@2025'),
                        province_current TEXT,
                        produced TEXT CHECK (produced IS NULL OR produced GLOB '[0-9][0-9][0-9][0-9]*'),
                        published TEXT CHECK (published IS NULL OR published GLOB '[0-9][0-9][0-9][0-9]*'),
                        published_first TEXT,
                        funding TEXT,
                        rights TEXT,
                        origin_repository TEXT NOT NULL,
                        ingest_key TEXT UNIQUE,
                        created_at TEXT NOT NULL,
                        updated_at TEXT NOT NULL,
                        CHECK ((province IS NULL) = (province_current IS NULL)),
                        CHECK ((published IS NULL) = (published_first IS NULL))
                    ) STRICT;
                    CREATE INDEX product_kind ON product(kind);
                    CREATE INDEX product_province_current ON product(province_current);
                    CREATE INDEX product_province ON product(province);
                    CREATE INDEX product_published ON product(published_first);
                    CREATE INDEX product_agency ON product(agency);

                    CREATE TABLE product_language (
                        product_id TEXT NOT NULL REFERENCES product(id) ON DELETE CASCADE,
                        position INTEGER NOT NULL CHECK (position >= 0),
                        code TEXT NOT NULL CHECK (length(code) > 0),
                        role TEXT NOT NULL CHECK (role IN ('national', 'ethnic', 'foreign')),
                        role_override INTEGER NOT NULL CHECK (role_override IN (0, 1)),
                        PRIMARY KEY (product_id, code)
                    ) STRICT, WITHOUT ROWID;
                    CREATE INDEX product_language_code ON product_language(code, product_id);
                    CREATE INDEX product_language_role ON product_language(role, product_id);

                    CREATE TABLE product_platform (
                        product_id TEXT NOT NULL REFERENCES product(id) ON DELETE CASCADE,
                        position INTEGER NOT NULL CHECK (position >= 0),
                        code TEXT NOT NULL CHECK (length(code) > 0),
                        PRIMARY KEY (product_id, code)
                    ) STRICT, WITHOUT ROWID;
                    CREATE INDEX product_platform_code ON product_platform(code, product_id);

                    CREATE TABLE product_topic (
                        product_id TEXT NOT NULL REFERENCES product(id) ON DELETE CASCADE,
                        position INTEGER NOT NULL CHECK (position >= 0),
                        code TEXT NOT NULL CHECK (length(code) > 0),
                        PRIMARY KEY (product_id, code)
                    ) STRICT, WITHOUT ROWID;
                    CREATE INDEX product_topic_code ON product_topic(code, product_id);

                    CREATE TABLE object (
                        sha256 TEXT PRIMARY KEY NOT NULL
                            CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
                        size INTEGER NOT NULL CHECK (size >= 0),
                        mime TEXT NOT NULL,
                        format TEXT NOT NULL,
                        stored_at TEXT NOT NULL
                    ) STRICT, WITHOUT ROWID;

                    CREATE TABLE product_file (
                        product_id TEXT NOT NULL REFERENCES product(id) ON DELETE CASCADE,
                        sha256 TEXT NOT NULL REFERENCES object(sha256),
                        role TEXT NOT NULL CHECK (role IN ('master', 'access', 'derivative')),
                        original_name TEXT NOT NULL,
                        added_at TEXT NOT NULL,
                        PRIMARY KEY (product_id, sha256)
                    ) STRICT, WITHOUT ROWID;
                    CREATE INDEX product_file_sha256 ON product_file(sha256);

                    CREATE TABLE event (
                        seq INTEGER PRIMARY KEY,
                        product_id TEXT NOT NULL REFERENCES product(id) ON DELETE CASCADE,
                        type TEXT NOT NULL
                            CHECK (type IN ('accession', 'ingestion', 'metadata modification')),
                        at TEXT NOT NULL,
                        agent TEXT NOT NULL,
                        outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure')),
                        detail TEXT NOT NULL CHECK (json_valid(detail))
                    ) STRICT;
                    CREATE INDEX event_product ON event(product_id, seq);

                    CREATE TABLE pending_object (
                        sha256 TEXT PRIMARY KEY NOT NULL,
                        since TEXT NOT NULL
                    ) STRICT, WITHOUT ROWID;

                    CREATE VIRTUAL TABLE product_fts USING fts5(
                        title, description, agency,
                        tokenize = 'unicode61 remove_diacritics 2'
                    );
                    """)
        }
        migrator.registerMigration("v2: technical metadata, fixity checks, more event types") { db in
            try db.execute(
                sql: """
                    CREATE TABLE object_metadata (
                        sha256 TEXT PRIMARY KEY NOT NULL REFERENCES object(sha256),
                        characterised_at TEXT NOT NULL,
                        tool TEXT NOT NULL,
                        metadata TEXT NOT NULL CHECK (json_valid(metadata))
                    ) STRICT, WITHOUT ROWID;

                    CREATE TABLE fixity_check (
                        seq INTEGER PRIMARY KEY,
                        sha256 TEXT NOT NULL REFERENCES object(sha256),
                        at TEXT NOT NULL,
                        outcome TEXT NOT NULL CHECK (outcome IN ('pass', 'missing', 'corrupted')),
                        found_sha256 TEXT CHECK (found_sha256 IS NULL OR length(found_sha256) = 64),
                        agent TEXT NOT NULL,
                        CHECK ((outcome = 'corrupted') = (found_sha256 IS NOT NULL))
                    ) STRICT;
                    CREATE INDEX fixity_check_object ON fixity_check(sha256, at);

                    CREATE TABLE event_v2 (
                        seq INTEGER PRIMARY KEY,
                        product_id TEXT NOT NULL REFERENCES product(id) ON DELETE CASCADE,
                        type TEXT NOT NULL CHECK (type IN (
                            'accession', 'ingestion', 'metadata modification', 'fixity check',
                            'metadata extraction', 'quarantine', 'recovery')),
                        at TEXT NOT NULL,
                        agent TEXT NOT NULL,
                        outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure')),
                        detail TEXT NOT NULL CHECK (json_valid(detail))
                    ) STRICT;
                    INSERT INTO event_v2 SELECT seq, product_id, type, at, agent, outcome, detail FROM event;
                    DROP TABLE event;
                    ALTER TABLE event_v2 RENAME TO event;
                    CREATE INDEX event_product ON event(product_id, seq);
                    CREATE INDEX event_type ON event(type, at);
                    """)
        }
        migrator.registerMigration("v3: per-product summary columns for reports") { db in
            // Derived from product_language, product_platform and product_file, kept in step by the
            // same transactions that write those rows, so that a report is one scan of `product`.
            // Each platform code gets a bit, for good, when a product first uses it; whether a
            // platform is digital stays a vocabulary fact, applied as a mask when a report runs.
            // (SQLite's | and << bind equally, left to right: the shifts need their parentheses. A
            // catalogue upgraded by the unparenthesised first form has wrong masks that
            // `kho doctor` finds and `--repair` derives again.)
            try db.execute(
                sql: """
                    CREATE TABLE platform_bit (
                        code TEXT PRIMARY KEY NOT NULL,
                        bit INTEGER NOT NULL UNIQUE CHECK (bit BETWEEN 0 AND 62)
                    ) STRICT, WITHOUT ROWID;
                    INSERT INTO platform_bit(code, bit)
                        SELECT code, row_number() OVER (ORDER BY code) - 1 FROM (SELECT DISTINCT code FROM product_platform);
                    ALTER TABLE product ADD COLUMN role_mask INTEGER NOT NULL DEFAULT 0
                        CHECK (role_mask BETWEEN 0 AND 7);
                    ALTER TABLE product ADD COLUMN platform_mask INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE product ADD COLUMN file_count INTEGER NOT NULL DEFAULT 0 CHECK (file_count >= 0);
                    UPDATE product SET
                        role_mask = (SELECT coalesce(max(role = 'ethnic'), 0) | (coalesce(max(role = 'foreign'), 0) << 1)
                            | (coalesce(max(role = 'national'), 0) << 2) FROM product_language WHERE product_id = product.id),
                        platform_mask = coalesce((SELECT sum(1 << b.bit) FROM product_platform x
                            JOIN platform_bit b ON b.code = x.code WHERE x.product_id = product.id), 0),
                        file_count = (SELECT count(*) FROM product_file WHERE product_id = product.id);
                    """)
        }
        migrator.registerMigration("v4: event types for QR codes, derivatives and bundles") { db in
            try db.execute(
                sql: """
                    CREATE TABLE event_v4 (
                        seq INTEGER PRIMARY KEY,
                        product_id TEXT NOT NULL REFERENCES product(id) ON DELETE CASCADE,
                        type TEXT NOT NULL CHECK (type IN (
                            'accession', 'ingestion', 'metadata modification', 'fixity check',
                            'metadata extraction', 'quarantine', 'recovery', 'creation', 'dissemination',
                            'validation', 'information package creation', 'information package merging')),
                        at TEXT NOT NULL,
                        agent TEXT NOT NULL,
                        outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure')),
                        detail TEXT NOT NULL CHECK (json_valid(detail))
                    ) STRICT;
                    INSERT INTO event_v4 SELECT seq, product_id, type, at, agent, outcome, detail FROM event;
                    DROP TABLE event;
                    ALTER TABLE event_v4 RENAME TO event;
                    CREATE INDEX event_product ON event(product_id, seq);
                    CREATE INDEX event_type ON event(type, at);
                    """)
        }
        migrator.registerMigration("v5: products shared in a bundle") { db in
            // Set in the transaction that records a product's `information package creation` event.
            try db.execute(
                sql: """
                    ALTER TABLE product ADD COLUMN shared INTEGER NOT NULL DEFAULT 0 CHECK (shared IN (0, 1));
                    UPDATE product SET shared = 1
                        WHERE id IN (SELECT product_id FROM event WHERE type = 'information package creation');
                    """)
        }
        migrator.registerMigration("v6: exported bundles, tombstones of removed products") { db in
            // Exports made before this version are known from their events.
            try db.execute(
                sql: """
                    CREATE TABLE bundle (
                        id TEXT PRIMARY KEY NOT NULL,
                        created_at TEXT NOT NULL,
                        since TEXT,
                        previous TEXT,
                        scope TEXT NOT NULL,
                        products INTEGER NOT NULL CHECK (products >= 0),
                        tombstones INTEGER NOT NULL DEFAULT 0 CHECK (tombstones >= 0),
                        bags INTEGER NOT NULL DEFAULT 1 CHECK (bags >= 1),
                        location TEXT NOT NULL
                    ) STRICT;
                    CREATE INDEX bundle_created ON bundle(created_at);
                    CREATE TABLE tombstone (
                        id TEXT PRIMARY KEY NOT NULL,
                        title TEXT NOT NULL,
                        origin_repository TEXT NOT NULL,
                        removed_at TEXT NOT NULL,
                        agent TEXT NOT NULL,
                        reason TEXT NOT NULL CHECK (length(reason) > 0)
                    ) STRICT;
                    CREATE INDEX tombstone_removed ON tombstone(removed_at);
                    INSERT INTO bundle (id, created_at, scope, products, location)
                        SELECT json_extract(detail, '$.bundle'), min(at), 'unknown', count(DISTINCT product_id), ''
                        FROM event WHERE type = 'information package creation'
                            AND json_extract(detail, '$.bundle') IS NOT NULL
                        GROUP BY 1;
                    """)
        }
        migrator.registerMigration("v7: public or private products, revisions for optimistic writes") { db in
            // `public`: only public products are served by `kho serve`. `revision`: counts the
            // changes to a product's record, so that a write can check it changes what it read.
            try db.execute(
                sql: """
                    ALTER TABLE product ADD COLUMN public INTEGER NOT NULL DEFAULT 1 CHECK (public IN (0, 1));
                    ALTER TABLE product ADD COLUMN revision INTEGER NOT NULL DEFAULT 0 CHECK (revision >= 0);
                    CREATE INDEX product_updated ON product(updated_at, seq);
                    """)
        }
        migrator.registerMigration("v8: an index of private products") { db in
            // The public side excludes the few private products with `seq NOT IN (…)` over this
            // small index, instead of reading every candidate's product row (a search's ranking
            // window is thousands of rows).
            try db.execute(sql: "CREATE INDEX product_private ON product(seq) WHERE public = 0")
        }
        migrator.registerMigration("v9: files with content") { db in
            // `content_files`: the product's files that are not empty. An empty file is no digitised
            // copy; the digitised figure counts products with at least one file with content.
            try db.execute(
                sql: """
                    ALTER TABLE product ADD COLUMN content_files INTEGER NOT NULL DEFAULT 0 CHECK (content_files >= 0);
                    UPDATE product SET content_files = (
                        SELECT count(*) FROM product_file f JOIN object o ON o.sha256 = f.sha256
                        WHERE f.product_id = product.id AND o.size > 0);
                    """)
        }
        migrator.registerMigration("v10: where each export left the change log") { db in
            // An increment starts after the last event and tombstone its previous export saw, not
            // at a time to the second, so that two exports in one second neither repeat nor miss.
            try db.execute(
                sql: """
                    ALTER TABLE bundle ADD COLUMN event_mark INTEGER;
                    ALTER TABLE bundle ADD COLUMN tombstone_mark INTEGER;
                    """)
        }
        migrator.registerMigration("v11: key columns first in product_platform and product_topic") { db in
            // SQLite 3.40 (Debian 12) reports a false "NULL value in product_platform.position" from
            // PRAGMA integrity_check on a STRICT, WITHOUT ROWID table whose NOT NULL column comes
            // before a key column (fixed in later SQLite). The same tables, key columns first.
            for table in ["product_platform", "product_topic"] {
                try db.execute(
                    sql: """
                        CREATE TABLE \(table)_v11 (
                            product_id TEXT NOT NULL REFERENCES product(id) ON DELETE CASCADE,
                            code TEXT NOT NULL CHECK (length(code) > 0),
                            position INTEGER NOT NULL CHECK (position >= 0),
                            PRIMARY KEY (product_id, code)
                        ) STRICT, WITHOUT ROWID;
                        INSERT INTO \(table)_v11(product_id, code, position)
                            SELECT product_id, code, position FROM \(table);
                        DROP TABLE \(table);
                        ALTER TABLE \(table)_v11 RENAME TO \(table);
                        CREATE INDEX \(table)_code ON \(table)(code, product_id);
                        """)
            }
        }
        migrator.registerMigration("v12: repairs made by kho doctor") { db in
            // What `kho doctor --repair` did to the repository: derived columns derived again,
            // interrupted work cleared, unknown objects moved aside. Not product events: most
            // repairs concern no product.
            try db.execute(
                sql: """
                    CREATE TABLE repair (
                        seq INTEGER PRIMARY KEY,
                        at TEXT NOT NULL,
                        agent TEXT NOT NULL,
                        action TEXT NOT NULL CHECK (length(action) > 0),
                        target TEXT NOT NULL,
                        detail TEXT NOT NULL CHECK (json_valid(detail))
                    ) STRICT;
                    """)
        }
        migrator.registerMigration("v13: exhibitions") { db in
            try db.execute(sql: ExhibitionSQL.sqliteSchema)
        }
        return migrator
    }
}
