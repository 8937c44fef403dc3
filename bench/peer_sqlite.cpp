// herald_peer_sqlite: the SQLite FTS5 peer of bench/compare.
//
//   herald_peer_sqlite index --tsv FILE --dir DIR [--unit paragraph|article]
//   herald_peer_sqlite query --dir DIR --set titles|aol|known --queries FILE [--passes 3]
//
// Index: DIR (rebuilt from scratch) holds one database file, fts5.sqlite, with the table
//   t USING fts5(title, body, article_id UNINDEXED, paragraph UNINDEXED,
//                tokenize='porter unicode61')
// whose rowid is the TSV docid. With --unit article the table is instead one row an article,
//   a USING fts5(title, body, article_id UNINDEXED, tokenize='porter unicode61')
// built from the same TSV: an article's consecutive rows joined, the title from its first row,
// the paragraphs' texts in order separated by a blank line (rowid 1, 2, ... in TSV order). The
// TSV is streamed line by line into one prepared INSERT
// inside one transaction, then `INSERT INTO t(t) VALUES('optimize')` merges the index into a
// single segment, as a deployment would before serving. index_seconds includes the optimize;
// optimize_seconds reports it alone. Journal and sync settings are SQLite's defaults
// (rollback journal, synchronous=FULL): the build is one transaction, so WAL would buy nothing.
//
// Query: one prepared statement, reused,
//   SELECT rowid, article_id, paragraph, title, snippet(t, 1, '<mark>', '</mark>', '…', 32)
//   FROM t WHERE t MATCH ? ORDER BY rank LIMIT 10
// (rank is bm25(t) with equal column weights), all 10 rows read out. The MATCH string is built
// from herald::bench's clauses: every clause double-quoted, "word" or the phrase "w1 w2", so no
// FTS5 syntax can leak in; the porter tokenizer stems words and phrase words alike.
//   - all clauses required (titles set, AOL intersections): c1 AND c2 AND ...
//   - no clause required (AOL unions): c1 OR c2 OR ...
//   - a mix: r1 AND r2 AND (o1 OR o2 OR r1). FTS5 has no "optional, adds to the score"
//     operator; the trailing group matches every row the required clauses match, so the
//     rows are exactly those of the required clauses, while the optional phrases still count
//     in bm25. The price: r1 counts twice in bm25.
//   - excluded clauses (AOL `-word`): (...) NOT "x1" NOT "x2".
// Timing per query (steady_clock): bind, step through the 10 rows, copy their fields and
// snippets. The first pass warms the cache and is not reported. `query` finds which table DIR
// holds; on the article table the titles and AOL sets return the top 10 articles the same way.
//
// The known-item set (bench/known_set.hpp): both words required ("w1" AND "w2"), article ids
// only, no snippets:
//   - article table: SELECT article_id FROM a WHERE a MATCH ? ORDER BY rank LIMIT 10
//   - paragraph table, grouped by article (each article ranked by its best paragraph):
//     SELECT article_id FROM t WHERE t MATCH ? ORDER BY rank, stepped until 10 distinct
//     articles are read (FTS5 refuses bm25() in an aggregate, so the driver groups)
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <vector>

#include "bench_util.hpp"
#include "known_set.hpp"

namespace fs = std::filesystem;
namespace hb = herald::bench;

namespace {

constexpr const char* kEngine = "sqlite-fts5";
constexpr const char* kArticleEngine = "sqlite-fts5 (articles)";
constexpr const char* kDbFile = "fts5.sqlite";

/// Owns a connection; throws on every SQLite error.
class Db {
   public:
    Db(const fs::path& file, int flags) {
        if (sqlite3_open_v2(file.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
            const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
            sqlite3_close(db_);
            throw std::runtime_error("cannot open " + file.string() + ": " + msg);
        }
    }
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;
    ~Db() { sqlite3_close(db_); }

    void exec(const char* sql) { check(sqlite3_exec(db_, sql, nullptr, nullptr, nullptr)); }
    void check(int rc) const {
        if (rc != SQLITE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
            throw std::runtime_error(sqlite3_errmsg(db_));
    }
    sqlite3* get() const { return db_; }

   private:
    sqlite3* db_ = nullptr;
};

/// Owns a prepared statement.
class Stmt {
   public:
    Stmt(Db& db, const char* sql) : db_(db) {
        db_.check(sqlite3_prepare_v2(db.get(), sql, -1, &stmt_, nullptr));
    }
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;
    ~Stmt() { sqlite3_finalize(stmt_); }

    void bind(int i, const std::string& s) {
        db_.check(
            sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT));
    }
    void bind(int i, sqlite3_int64 v) { db_.check(sqlite3_bind_int64(stmt_, i, v)); }
    /// True while a row is available; throws on error.
    bool step() {
        const int rc = sqlite3_step(stmt_);
        db_.check(rc);
        return rc == SQLITE_ROW;
    }
    /// Readies the statement for new bindings (a failed step has already thrown its error).
    void reset() { sqlite3_reset(stmt_); }
    sqlite3_int64 int64(int col) const { return sqlite3_column_int64(stmt_, col); }
    std::string text(int col) const {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
        return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
                 : std::string();
    }

   private:
    Db& db_;
    sqlite3_stmt* stmt_ = nullptr;
};

/// One result row, copied out as an application would.
struct Hit {
    sqlite3_int64 docid = 0;
    std::string article_id;
    sqlite3_int64 paragraph = 0;
    std::string title;
    std::string snippet;
};

/// Splits a TSV line into its tab-separated fields.
std::vector<std::string> split_tabs(const std::string& line) {
    std::vector<std::string> fields;
    std::size_t start = 0;
    for (std::size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1) {
        fields.push_back(line.substr(start, tab - start));
    }
    fields.push_back(line.substr(start));
    return fields;
}

/// @brief Fills the article table `a` from the TSV: consecutive rows of one article joined.
/// @return the number of articles inserted.
std::size_t insert_articles(Db& db, std::istream& in) {
    Stmt insert(db, "INSERT INTO a(rowid, title, body, article_id) VALUES(?, ?, ?, ?)");
    std::size_t articles = 0;
    std::string id, title, body;
    const auto flush = [&] {
        if (id.empty()) return;
        insert.bind(1, static_cast<sqlite3_int64>(++articles));
        insert.bind(2, title);
        insert.bind(3, body);
        insert.bind(4, id);
        insert.step();
        insert.reset();
    };
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        const auto f = split_tabs(line);
        if (f.size() != 5)
            throw std::runtime_error("bad TSV line (want 5 fields): " + line.substr(0, 80));
        if (f[1] != id) {
            flush();
            id = f[1];
            title = f[3];
            body.clear();
        }
        body += (body.empty() ? "" : "\n\n") + f[4];
    }
    flush();
    return articles;
}

int run_index(const fs::path& tsv, const fs::path& dir, const std::string& unit) {
    std::ifstream in(tsv);
    if (!in) throw std::runtime_error("cannot read " + tsv.string());
    fs::remove_all(dir);
    fs::create_directories(dir);
    const bool articles = unit == "article";

    const auto t0 = hb::Clock::now();
    Db db(dir / kDbFile, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    db.exec(articles ? "CREATE VIRTUAL TABLE a USING fts5(title, body, article_id UNINDEXED, "
                       "tokenize='porter unicode61')"
                     : "CREATE VIRTUAL TABLE t USING fts5(title, body, article_id UNINDEXED, "
                       "paragraph UNINDEXED, tokenize='porter unicode61')");
    std::size_t documents = 0;
    db.exec("BEGIN");
    if (articles) {
        documents = insert_articles(db, in);
    } else {
        Stmt insert(
            db, "INSERT INTO t(rowid, title, body, article_id, paragraph) VALUES(?, ?, ?, ?, ?)");
        std::string line;
        while (std::getline(in, line)) {
            if (line.empty()) continue;
            const auto f = split_tabs(line);
            if (f.size() != 5)
                throw std::runtime_error("bad TSV line (want 5 fields): " + line.substr(0, 80));
            insert.bind(1, static_cast<sqlite3_int64>(std::stoll(f[0])));
            insert.bind(2, f[3]);
            insert.bind(3, f[4]);
            insert.bind(4, f[1]);
            insert.bind(5, static_cast<sqlite3_int64>(std::stoll(f[2])));
            insert.step();
            insert.reset();
            ++documents;
        }
    }
    db.exec("COMMIT");
    const auto t1 = hb::Clock::now();
    db.exec(articles ? "INSERT INTO a(a) VALUES('optimize')"
                     : "INSERT INTO t(t) VALUES('optimize')");
    const auto t2 = hb::Clock::now();

    const nlohmann::json out = {
        {"engine", articles ? kArticleEngine : kEngine},
        {"unit", unit},
        {"documents", documents},
        {"index_seconds", std::chrono::duration<double>(t2 - t0).count()},
        {"optimize_seconds", std::chrono::duration<double>(t2 - t1).count()},
        {"optimize_included", true},
        {"index_bytes", hb::path_bytes(dir)},
    };
    std::cout << out.dump() << "\n";
    return 0;
}

/// One clause as an FTS5 string: its words inside one pair of double quotes (a phrase when
/// more than one). Words from split_words are ASCII letters and digits: nothing to escape.
std::string fts5_phrase(const hb::Clause& c) {
    std::string s = "\"";
    for (std::size_t i = 0; i < c.words.size(); ++i) s += (i ? " " : "") + c.words[i];
    return s + "\"";
}

/// The MATCH string for @p q (see the translation rules at the top of the file).
std::string fts5_match(const hb::BenchQuery& q) {
    std::vector<std::string> required, optional, excluded;
    for (const auto& c : q.clauses) {
        (c.excluded ? excluded : c.required ? required : optional).push_back(fts5_phrase(c));
    }
    const auto join = [](const std::vector<std::string>& v, const char* op) {
        std::string s;
        for (std::size_t i = 0; i < v.size(); ++i) s += (i ? op : "") + v[i];
        return s;
    };
    std::string match;
    if (required.empty()) {
        match = join(optional, " OR ");
    } else if (optional.empty()) {
        match = join(required, " AND ");
    } else {
        optional.push_back(required.front());
        match = join(required, " AND ") + " AND (" + join(optional, " OR ") + ")";
    }
    if (excluded.empty()) return match;
    return "(" + match + ") NOT " + join(excluded, " NOT ");
}

/// @brief Whether DIR's database holds the article table `a` (else the paragraph table `t`).
bool has_article_table(Db& db) {
    Stmt find(db, "SELECT 1 FROM sqlite_master WHERE name = 'a'");
    return find.step();
}

int run_known(Db& db, bool articles, const fs::path& queries_file, int passes) {
    const auto items = hb::read_known_items(queries_file);
    Stmt select(db, articles ? "SELECT article_id FROM a WHERE a MATCH ? ORDER BY rank LIMIT 10"
                             : "SELECT article_id FROM t WHERE t MATCH ? ORDER BY rank");
    const nlohmann::json out = hb::time_known_set(
        articles ? kArticleEngine : kEngine, articles ? "article" : "paragraph-grouped", items,
        passes, [&](const hb::KnownItem& item) {
            std::vector<std::string> ids;
            std::unordered_set<std::string> distinct;
            select.reset();
            select.bind(1, fts5_match(item.parsed));
            while (distinct.size() < hb::kKnownDepth && select.step()) {
                ids.push_back(select.text(0));
                distinct.insert(ids.back());
            }
            return ids;
        });
    std::cout << out.dump() << "\n";
    return 0;
}

int run_query(const fs::path& dir,
              const std::string& set,
              const fs::path& queries_file,
              int passes) {
    Db db(dir / kDbFile, SQLITE_OPEN_READONLY);
    const bool articles = has_article_table(db);
    if (set == "known") return run_known(db, articles, queries_file, passes);
    const auto queries = hb::read_query_set(queries_file, set);
    Stmt select(db, articles
                        ? "SELECT rowid, article_id, 0, title, snippet(a, 1, '<mark>', "
                          "'</mark>', '…', 32) FROM a WHERE a MATCH ? ORDER BY rank LIMIT 10"
                        : "SELECT rowid, article_id, paragraph, title, snippet(t, 1, '<mark>', "
                          "'</mark>', '…', 32) FROM t WHERE t MATCH ? ORDER BY rank LIMIT 10");

    std::vector<Hit> page;
    const nlohmann::json out = hb::time_query_set(
        articles ? kArticleEngine : kEngine, set, queries, passes, [&](const hb::BenchQuery& q) {
            page.clear();
            select.reset();
            select.bind(1, fts5_match(q));
            while (select.step()) {
                page.push_back({select.int64(0), select.text(1), select.int64(2), select.text(3),
                                select.text(4)});
            }
            return page.size();
        });
    std::cout << out.dump() << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "SQLite FTS5 peer of bench/compare: build an index from the paragraphs TSV, or time a "
        "query set."};
    app.require_subcommand(1);

    fs::path tsv, dir, queries;
    std::string set, unit = "paragraph";
    int passes = 3;
    auto* index =
        app.add_subcommand("index", "rebuild DIR from the TSV and print the index JSON line");
    index->add_option("--tsv", tsv, "paragraphs TSV from herald_bench_corpus")->required();
    index->add_option("--dir", dir, "index folder (removed and rebuilt)")->required();
    index->add_option("--unit", unit, "paragraph (one row a TSV line) or article (rows joined)")
        ->check(CLI::IsMember({"paragraph", "article"}));
    auto* query = app.add_subcommand(
        "query",
        "time a query set (top 10 with snippets; known: article ids only) and print its JSON line");
    query->add_option("--dir", dir, "index folder built by `index`")->required();
    query->add_option("--set", set, "query set kind")
        ->required()
        ->check(CLI::IsMember({"titles", "aol", "known"}));
    query->add_option("--queries", queries, "query set file (known: herald_bench_known_items make)")
        ->required();
    query->add_option("--passes", passes, "passes; the first warms the cache and is not reported")
        ->check(CLI::Range(1, 100));
    CLI11_PARSE(app, argc, argv);

    try {
        return index->parsed() ? run_index(tsv, dir, unit) : run_query(dir, set, queries, passes);
    } catch (const std::exception& e) {
        std::cerr << "herald_peer_sqlite: " << e.what() << "\n";
        return 1;
    }
}
