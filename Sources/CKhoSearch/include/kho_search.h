#ifndef KHO_SEARCH_H
#define KHO_SEARCH_H

#include <sqlite3.h>

/// Registers the FTS5 ranking function `kho_rank(fts_table, weight…)` on a connection.
/// Returns SQLITE_OK, or an SQLite error code when the connection has no FTS5.
int kho_register_search_rank(sqlite3 *db);

#endif
