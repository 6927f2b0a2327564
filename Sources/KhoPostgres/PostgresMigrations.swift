import Foundation
import KhoCore

/// The PostgreSQL catalogue's schema, as versioned SQL files (`catalogue-schema/postgresql/`),
/// applied in order, each in the transaction that records it in `kho_schema`. An advisory lock
/// makes two processes that open a catalogue at once apply each version once.
enum PostgresMigrations {
    /// Every version this kho knows, oldest first.
    static let versions: [(version: Int, name: String, sql: String)] = [
        (1, "v1: the catalogue as SQLite's at its v12", String(decoding: PackageResources.v1_catalogue_sql, as: UTF8.self)),
        (
            2, "v2: the search ranking's totals",
            String(decoding: PackageResources.v2_search_totals_sql, as: UTF8.self)
        ),
        (
            3, "v3: the search totals appended, not updated",
            String(decoding: PackageResources.v3_search_totals_appended_sql, as: UTF8.self)
        ),
        (4, "v4: exhibitions", String(decoding: PackageResources.v4_exhibitions_sql, as: UTF8.self)),
        (5, "v5: the search's word bitmaps", String(decoding: PackageResources.v5_search_blocks_sql, as: UTF8.self)),
        (
            6, "v6: deleted products' bitmaps cleared once per statement",
            String(decoding: PackageResources.v6_search_blocks_deletions_sql, as: UTF8.self)
        ),
        (
            7, "v7: a search's blocks found by one call",
            String(decoding: PackageResources.v7_search_blocks_function_sql, as: UTF8.self)
        ),
        (
            8, "v8: a search's unfolded bitmaps read word by word",
            String(decoding: PackageResources.v8_search_blocks_appended_sql, as: UTF8.self)
        ),
    ]

    static var latest: Int { versions.last?.version ?? 0 }

    /// Brings the schema up to date. A database with tables but no kho schema is refused, and so
    /// is an empty one unless `creating`.
    static func migrate(_ session: PostgresSession, creating: Bool, location: String) throws {
        try session.script("BEGIN")
        do {
            try session.execute("SELECT pg_advisory_xact_lock(?)", [PostgresCatalogue.schemaLock])
            let hasSchema =
                try session.int("SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'kho_schema'")
                != nil
            if !hasSchema {
                let tables = try session.int(
                    "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()") ?? 0
                guard creating, tables == 0 else { throw PostgresError.notACatalogue(location: location) }
                try session.script(
                    "CREATE TABLE kho_schema (version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)")
            }
            let applied = Set(try session.rows("SELECT version FROM kho_schema").map { $0.int("version") })
            if let newest = applied.max(), newest > latest {
                throw PostgresError.schemaNewer(location: location, found: newest, known: latest)
            }
            for migration in versions where !applied.contains(migration.version) {
                try session.script(migration.sql)
                try session.execute(
                    "INSERT INTO kho_schema(version, name, applied_at) VALUES (?, ?, ?)",
                    [migration.version, migration.name, Timestamp.string(Date())])
            }
            try session.script("COMMIT")
        } catch {
            try? session.script("ROLLBACK")
            throw error
        }
    }

    /// Versions this kho knows that the catalogue has not had, and whether a newer kho wrote it.
    static func state(_ session: PostgresSession) throws -> (missing: [String], newer: Bool) {
        let applied = Set(try session.rows("SELECT version FROM kho_schema").map { $0.int("version") })
        return (versions.filter { !applied.contains($0.version) }.map(\.name), (applied.max() ?? 0) > latest)
    }
}
