// kho_rank: BM25 without the inverse document frequency, as an FTS5 auxiliary function.
//
// FTS5's own bm25() computes each term's IDF at the start of every query by reading the term's
// whole doclist (xQueryPhrase over every matching row). On a catalogue of a million products
// whose titles share the same few words ("quyền", "trẻ em", "dân tộc"), that first step costs
// 5 to 20 ms per query, more than everything else together. kho's searches are AND queries
// (every word must match), so every hit contains every term and IDF would only weigh one term
// against another; kho_rank leaves it out and keeps the rest of BM25: term frequency per
// column with saturation (k1 = 1.2), length normalisation against the column's average
// length (b = 0.75), and a weight per column. Like bm25(), it returns a negative score, so
// that ORDER BY kho_rank(...) gives the best first.
#include <stdlib.h>
#include <string.h>
#include "kho_search.h"

typedef struct {
    int columns;
    double averages[];  // average length (tokens) of each column
} RankAverages;

static void kho_rank(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *context, int argc,
                     sqlite3_value **argv) {
    const double k1 = 1.2, b = 0.75;
    int columns = api->xColumnCount(fts);
    int phrases = api->xPhraseCount(fts);
    RankAverages *averages = api->xGetAuxdata(fts, 0);
    if (averages == NULL) {
        averages = sqlite3_malloc64(sizeof(RankAverages) + sizeof(double) * (size_t)columns);
        if (averages == NULL) { sqlite3_result_error_nomem(context); return; }
        averages->columns = columns;
        sqlite3_int64 rows = 0;
        int rc = api->xRowCount(fts, &rows);
        for (int column = 0; column < columns; column++) {
            sqlite3_int64 total = 0;
            if (rc == SQLITE_OK) rc = api->xColumnTotalSize(fts, column, &total);
            averages->averages[column] = rows > 0 ? (double)total / (double)rows : 1.0;
            if (averages->averages[column] <= 0) averages->averages[column] = 1.0;
        }
        if (rc == SQLITE_OK) rc = api->xSetAuxdata(fts, averages, sqlite3_free);
        else sqlite3_free(averages);
        if (rc != SQLITE_OK) { sqlite3_result_error_code(context, rc); return; }
    }

    int counts_on_stack[64];
    int cells = phrases * columns;
    int *counts = cells <= 64 ? counts_on_stack : sqlite3_malloc64(sizeof(int) * (size_t)cells);
    if (counts == NULL) { sqlite3_result_error_nomem(context); return; }
    memset(counts, 0, sizeof(int) * (size_t)cells);

    int instances = 0;
    int rc = api->xInstCount(fts, &instances);
    for (int i = 0; rc == SQLITE_OK && i < instances; i++) {
        int phrase = 0, column = 0, offset = 0;
        rc = api->xInst(fts, i, &phrase, &column, &offset);
        if (rc == SQLITE_OK && phrase >= 0 && phrase < phrases && column >= 0 && column < columns) {
            counts[phrase * columns + column]++;
        }
    }
    double score = 0;
    for (int column = 0; rc == SQLITE_OK && column < columns; column++) {
        // The arguments after the table: one weight per column, 1 for a column without one.
        double weight = column < argc ? sqlite3_value_double(argv[column]) : 1.0;
        int any = 0;
        for (int phrase = 0; phrase < phrases; phrase++) any |= counts[phrase * columns + column];
        if (!any || weight == 0) continue;
        int length = 0;
        rc = api->xColumnSize(fts, column, &length);
        double norm = k1 * (1 - b + b * (double)length / averages->averages[column]);
        for (int phrase = 0; phrase < phrases; phrase++) {
            double tf = counts[phrase * columns + column];
            if (tf > 0) score += weight * (tf * (k1 + 1)) / (tf + norm);
        }
    }
    if (counts != counts_on_stack) sqlite3_free(counts);
    if (rc != SQLITE_OK) { sqlite3_result_error_code(context, rc); return; }
    sqlite3_result_double(context, -score);
}

int kho_register_search_rank(sqlite3 *db) {
    fts5_api *fts = NULL;
    sqlite3_stmt *statement = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &statement, NULL);
    if (rc != SQLITE_OK) return rc;
    sqlite3_bind_pointer(statement, 1, (void *)&fts, "fts5_api_ptr", NULL);
    sqlite3_step(statement);
    rc = sqlite3_finalize(statement);
    if (rc != SQLITE_OK) return rc;
    if (fts == NULL || fts->iVersion < 2) return SQLITE_ERROR;
    return fts->xCreateFunction(fts, "kho_rank", NULL, kho_rank, NULL);
}
