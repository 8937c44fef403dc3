// Sphinx peer of bench/compare: Sphinx 2.2 (Debian `sphinxsearch`: indexer, searchd) on the
// same Reuters paragraphs and queries as Herald, driven over SphinxQL (MySQL protocol).
//
//   index --tsv FILE --dir DIR [--unit paragraph|article]
//                                   write DIR/sphinx.conf, build the index with `indexer`
//   start --dir DIR [--port P]      run searchd on 127.0.0.1:P, wait until it answers
//   stop  --dir DIR                 `searchd --stopwait`
//   query --set titles|aol|known --queries FILE [--dir DIR] [--passes 3] [--port P]
//   load  --set titles|aol --queries FILE [--dir DIR] [--connections 64] [--threads 2]
//         [--seconds 20] [--port P]
// Everything (config, index data, pid file, logs) lives in DIR; the port defaults to the one
// in DIR/sphinx.conf when --dir is given, else 19306.
//
// The index: one document a paragraph (docid = TSV docid), full-text fields `title` and
// `text`, `text` also kept as a string attribute because Sphinx 2.2 stores no documents and
// snippets need the text; `article_id` (string) and `paragraph_no` (uint) as attributes.
// English stemming (morphology = stem_en), no stop words, words of ASCII letters and digits
// (as bench_util's split_words), indexer mem_limit 256M. With --unit article the documents are
// articles instead: the driver first writes DIR/articles.tsv, one line an article (docid 1, 2,
// ... in TSV order, the title of its first row, its paragraphs' texts joined by a space,
// paragraph_no 0), and indexes that with the same schema; index_seconds includes writing it.
// The unit is noted in the config's first line, where `query` reads it.
//
// What the queries mean (see bench_util.hpp for the clause model):
//   - titles: every word is required; `a b c` in Sphinx's extended syntax (space = AND).
//   - aol, only required clauses (`+a +"b c"`): intersection, `a "b c"`.
//   - aol, no required clause (`a b`, `"a b"`): union, `a | b` (a phrase is `"a b"`).
//   - aol, required and optional clauses (`+a b`): Lucene semantics, where only the required
//     clauses decide the match and the optional ones add to the score, which is Sphinx's
//     MAYBE operator: `(a) MAYBE (b)`.
//   - excluded clauses (AOL `-word`): `(...) -x`; they are left out of the snippet words.
// Words are escaped for the query syntax and again for the SQL string literal.
//
// One request = what Herald's search does for a page of results:
//   1. SELECT id, text ... WHERE MATCH(q) LIMIT 10 OPTION ranker=bm25, max_matches=10
//      ranker=bm25 is Sphinx's statistical ranker (the default proximity_bm25 adds a phrase
//      proximity factor); of the two it is the closer to plain BM25, though Sphinx's BM25
//      factor does not normalise for document length.
//   2. one CALL SNIPPETS for the (up to) 10 texts, matches wrapped in <mark></mark>, at most
//      200 symbols. Its query is every word of the query as a bag of words (query_mode = 0),
//      as Herald marks every word whose stem is a query term: given the boolean query
//      (query_mode = 1), Sphinx marks nothing in a text that does not match it on its own,
//      which is every hit whose match needs the title.
// A query's latency is wall-clock (steady_clock) over both round trips.
//
// The known-item set (bench/known_set.hpp): both words required (`w1 w2`), article ids only,
// one statement, no snippets:
//   - paragraph index, grouped by article (an article ranked by its best paragraph):
//     SELECT id, article_id ... WHERE MATCH('w1 w2') GROUP BY article_id
//       WITHIN GROUP ORDER BY WEIGHT() DESC ORDER BY WEIGHT() DESC LIMIT 10
//       OPTION ranker=bm25, max_matches=1000
//   - article index: SELECT id, article_id ... WHERE MATCH('w1 w2') LIMIT 10
//       OPTION ranker=bm25, max_matches=10
//
// load matches wrk -t2 -c64 against herald-server: the connections are opened first, then
// each of the threads drives its share with the MariaDB non-blocking API and poll(), one
// request in flight per connection, queries taken in turn from the set; requests that end
// within the window count, those in flight at its end finish uncounted.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <errmsg.h>
#include <fcntl.h>
#include <mysql.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>

#include <atomic>
#include <cctype>
#include <cstring>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <thread>

#include "bench_util.hpp"
#include "known_set.hpp"

extern char** environ;

namespace fs = std::filesystem;
using herald::bench::BenchQuery;
using herald::bench::Clock;

namespace {

constexpr int kDefaultPort = 19306;
constexpr const char* kIndexName = "reuters";

// ---------------------------------------------------------------------------------------
// Configuration and processes

fs::path config_path(const fs::path& dir) {
    return dir / "sphinx.conf";
}

/// The searchd section: SphinxQL on loopback only. workers = threads (one thread per
/// connection; 2.2.11 has no thread pool) with room for 128 at once, and a listen backlog
/// that takes 64 simultaneous connects. No query log and no binlog (plain indexes only).
std::string searchd_section(const fs::path& dir, int port) {
    std::ostringstream s;
    s << "searchd\n{\n"
      << "    listen = 127.0.0.1:" << port << ":mysql41\n"
      << "    log = " << (dir / "searchd.log").string() << "\n"
      << "    pid_file = " << (dir / "searchd.pid").string() << "\n"
      << "    binlog_path =\n"
      << "    workers = threads\n"
      << "    max_children = 128\n"
      << "    listen_backlog = 128\n"
      << "    read_timeout = 30\n"
      << "    client_timeout = 300\n"
      << "}\n";
    return s.str();
}

/// @brief Single-quotes @p s for the shell that runs tsvpipe_command.
std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

/// The whole config: the unit line, source (the TSV, columns after the docid declared in file
/// order), index, indexer memory and searchd.
std::string sphinx_conf(const fs::path& dir,
                        const fs::path& tsv,
                        int port,
                        const std::string& unit) {
    std::ostringstream s;
    s << "# herald_peer_sphinx unit: " << unit << "\n\n"
      << "source paragraphs\n{\n"
      << "    type = tsvpipe\n"
      << "    tsvpipe_command = cat " << shell_quote(tsv.string()) << "\n"
      << "    tsvpipe_attr_string = article_id\n"
      << "    tsvpipe_attr_uint = paragraph_no\n"
      << "    tsvpipe_field = title\n"
      << "    tsvpipe_field_string = text\n"
      << "}\n\n"
      << "index " << kIndexName << "\n{\n"
      << "    source = paragraphs\n"
      << "    path = " << (dir / "data" / kIndexName).string() << "\n"
      << "    docinfo = extern\n"
      << "    dict = keywords\n"
      << "    morphology = stem_en\n"
      << "    min_word_len = 1\n"
      << "    charset_table = 0..9, A..Z->a..z, a..z\n"
      << "    preopen = 1\n"
      << "}\n\n"
      << "indexer\n{\n"
      << "    mem_limit = 256M\n"
      << "}\n\n"
      << searchd_section(dir, port);
    return s.str();
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_file(const fs::path& path, const std::string& text) {
    std::ofstream out(path);
    out << text;
    if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
}

/// @brief The port in DIR/sphinx.conf's listen line.
int configured_port(const fs::path& dir) {
    const std::string conf = read_file(config_path(dir));
    std::smatch m;
    if (!std::regex_search(conf, m, std::regex(R"(listen = 127\.0\.0\.1:(\d+):mysql41)"))) {
        throw std::runtime_error("no SphinxQL listen line in " + config_path(dir).string());
    }
    return std::stoi(m[1].str());
}

/// @brief Runs @p argv (searched in PATH) with stdout and stderr appended to @p log and
///        returns its exit status (-1 when it could not be started or did not exit).
int run(const std::vector<std::string>& argv, const fs::path& log) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        std::cerr << "cannot run " << argv[0] << ": " << std::strerror(rc) << "\n";
        return -1;
    }
    int status = 0;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)) return -1;
    return WEXITSTATUS(status);
}

/// @brief The unit noted in DIR/sphinx.conf: "article" or "paragraph" (also for a config
///        written before units existed).
std::string configured_unit(const fs::path& dir) {
    const std::string conf = read_file(config_path(dir));
    std::smatch m;
    if (std::regex_search(conf, m, std::regex(R"(# herald_peer_sphinx unit: (\w+))")))
        return m[1].str();
    return "paragraph";
}

/// @brief Writes the article TSV of --unit article: the paragraph rows of each article
///        (consecutive in @p tsv) joined into one row with the paragraph TSV's five columns.
/// @return the number of articles.
std::size_t write_article_tsv(const fs::path& tsv, const fs::path& out_path) {
    std::ifstream in(tsv);
    std::ofstream out(out_path);
    if (!in || !out) throw std::runtime_error("cannot join " + tsv.string() + " into articles");
    std::size_t articles = 0;
    std::string id, title, text, line;
    const auto flush = [&] {
        if (!id.empty())
            out << ++articles << '\t' << id << "\t0\t" << title << '\t' << text << '\n';
    };
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        std::vector<std::string> f;
        std::size_t start = 0;
        for (std::size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1)
            f.push_back(line.substr(start, tab - start));
        f.push_back(line.substr(start));
        if (f.size() != 5)
            throw std::runtime_error("bad TSV line (want 5 fields): " + line.substr(0, 80));
        if (f[1] != id) {
            flush();
            id = f[1];
            title = f[3];
            text.clear();
        }
        text += (text.empty() ? "" : " ") + f[4];
    }
    flush();
    if (!out.flush()) throw std::runtime_error("cannot write " + out_path.string());
    return articles;
}

// ---------------------------------------------------------------------------------------
// Query translation

/// @brief @p s as the body of a SphinxQL string literal (backslash escapes).
std::string sql_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 8);
    for (char c : s) {
        if (c == '\\' || c == '\'') out += '\\';
        out += c;
    }
    return out;
}

/// @brief @p word with the operator characters of Sphinx's extended syntax escaped.
std::string query_escape(const std::string& word) {
    std::string out;
    for (char c : word) {
        if (std::strchr("\\()|-!@~\"&/^$=<>", c) != nullptr) out += '\\';
        out += c;
    }
    return out;
}

std::string clause_text(const herald::bench::Clause& c) {
    std::string words;
    for (const auto& w : c.words) words += (words.empty() ? "" : " ") + query_escape(w);
    return c.words.size() > 1 ? "\"" + words + "\"" : words;
}

/// @brief The query in Sphinx's extended syntax (see the comment at the top).
std::string sphinx_query(const BenchQuery& q) {
    std::string required, optional, excluded;
    for (const auto& c : q.clauses) {
        if (c.excluded) {
            excluded += " -" + clause_text(c);
            continue;
        }
        std::string& part = c.required ? required : optional;
        part += (part.empty() ? "" : (c.required ? " " : " | ")) + clause_text(c);
    }
    std::string match;
    if (optional.empty()) {
        match = required;
    } else if (required.empty()) {
        match = optional;
    } else {
        match = "(" + required + ") MAYBE (" + optional + ")";
    }
    return excluded.empty() ? match : "(" + match + ")" + excluded;
}

/// A benchmark query as its two SphinxQL statements; the snippets statement still needs
/// the texts between its prefix and suffix.
struct Request {
    std::string search;
    std::string snippets_prefix;
    std::string snippets_suffix;
};

Request make_request(const BenchQuery& q) {
    std::string words;
    for (const auto& c : q.clauses) {
        if (c.excluded) continue;
        for (const auto& w : c.words) words += (words.empty() ? "" : " ") + w;
    }
    Request r;
    r.search = "SELECT id, text FROM " + std::string(kIndexName) + " WHERE MATCH('" +
               sql_escape(sphinx_query(q)) + "') LIMIT 10 OPTION ranker=bm25, max_matches=10";
    r.snippets_prefix = "CALL SNIPPETS((";
    r.snippets_suffix =
        "), '" + std::string(kIndexName) + "', '" + sql_escape(words) +
        "', '<mark>' AS before_match, '</mark>' AS after_match, 200 AS limit, 0 AS query_mode)";
    return r;
}

/// @brief Reads the `text` column of a search result and builds the snippets statement for
///        it; returns the number of hits (0: no statement needed).
std::size_t snippets_statement(MYSQL_RES* res, const Request& r, std::string& out) {
    out = r.snippets_prefix;
    std::size_t hits = 0;
    while (MYSQL_ROW row = mysql_fetch_row(res)) {
        const unsigned long* len = mysql_fetch_lengths(res);
        out += (hits++ ? ", '" : "'") + sql_escape(std::string_view(row[1] ? row[1] : "", len[1])) +
               "'";
    }
    out += r.snippets_suffix;
    return hits;
}

/// @brief Counts the snippets of a CALL SNIPPETS result with no <mark> in them.
std::size_t unmarked_snippets(MYSQL_RES* res) {
    std::size_t unmarked = 0;
    while (MYSQL_ROW row = mysql_fetch_row(res)) {
        if (row[0] == nullptr || std::strstr(row[0], "<mark>") == nullptr) ++unmarked;
    }
    return unmarked;
}

// ---------------------------------------------------------------------------------------
// Connections

struct Connection {
    MYSQL* db = nullptr;
    Connection() = default;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    Connection(Connection&& o) noexcept : db(std::exchange(o.db, nullptr)) {}
    Connection& operator=(Connection&& o) noexcept {
        std::swap(db, o.db);
        return *this;
    }
    ~Connection() {
        if (db) mysql_close(db);
    }
};

/// @brief Opens a SphinxQL connection to 127.0.0.1:@p port (blocking connect; with
///        @p nonblocking the MariaDB non-blocking calls may then be used on it).
/// @throws std::runtime_error when the connection fails.
Connection connect(int port, bool nonblocking) {
    Connection c;
    c.db = mysql_init(nullptr);
    if (!c.db) throw std::runtime_error("mysql_init failed");
    if (nonblocking) mysql_options(c.db, MYSQL_OPT_NONBLOCK, nullptr);
    if (!mysql_real_connect(c.db, "127.0.0.1", "", "", nullptr, static_cast<unsigned>(port),
                            nullptr, 0)) {
        throw std::runtime_error(std::string("cannot connect to searchd: ") + mysql_error(c.db));
    }
    return c;
}

/// @brief Runs one statement and returns its stored result (nullptr for none).
/// @throws std::runtime_error on a server or network error.
MYSQL_RES* execute(MYSQL* db, const std::string& sql) {
    if (mysql_real_query(db, sql.data(), sql.size()) != 0)
        throw std::runtime_error(mysql_error(db));
    MYSQL_RES* res = mysql_store_result(db);
    if (!res && mysql_errno(db) != 0) throw std::runtime_error(mysql_error(db));
    return res;
}

struct ResultGuard {
    MYSQL_RES* res;
    ~ResultGuard() {
        if (res) mysql_free_result(res);
    }
};

// ---------------------------------------------------------------------------------------
// Subcommands

int cmd_index(const fs::path& tsv_arg, const fs::path& dir, const std::string& unit) {
    const fs::path paragraphs = fs::absolute(tsv_arg);
    if (!fs::is_regular_file(paragraphs))
        throw std::runtime_error("no TSV at " + paragraphs.string());
    fs::create_directories(dir);
    const fs::path abs_dir = fs::absolute(dir);
    fs::remove_all(abs_dir / "data");
    fs::create_directories(abs_dir / "data");
    const fs::path log = abs_dir / "indexer.log";
    fs::remove(log);

    const auto t0 = Clock::now();
    fs::path tsv = paragraphs;
    if (unit == "article") {
        tsv = abs_dir / "articles.tsv";
        write_article_tsv(paragraphs, tsv);
    }
    write_file(config_path(abs_dir), sphinx_conf(abs_dir, tsv, kDefaultPort, unit));
    const int rc = run({"indexer", "--config", config_path(abs_dir).string(), "--all"}, log);
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    const std::string out = read_file(log);
    std::smatch m;
    if (rc != 0 || !std::regex_search(out, m, std::regex(R"(total (\d+) docs)"))) {
        std::cerr << out << "indexer failed (exit " << rc << "); log in " << log << "\n";
        return 1;
    }
    std::cout << nlohmann::json{{"engine", unit == "article" ? "sphinx (articles)" : "sphinx"},
                                {"unit", unit},
                                {"documents", std::stoull(m[1].str())},
                                {"index_seconds", seconds},
                                {"index_bytes", herald::bench::path_bytes(abs_dir / "data")}}
                     .dump()
              << "\n";
    return 0;
}

int cmd_start(const fs::path& dir_arg, int port) {
    const fs::path dir = fs::absolute(dir_arg);
    // Keep the index part of the config, put the requested port into the searchd section.
    const std::string conf = read_file(config_path(dir));
    const std::size_t searchd = conf.find("searchd\n{");
    if (searchd == std::string::npos)
        throw std::runtime_error("no searchd section in " + config_path(dir).string());
    write_file(config_path(dir), conf.substr(0, searchd) + searchd_section(dir, port));

    // searchd exits 0 even when it refuses to start (already running, port taken, ...), but
    // it says FATAL first.
    const fs::path log = dir / "searchd.out";
    fs::remove(log);
    const int rc = run({"searchd", "--config", config_path(dir).string()}, log);
    const std::string out = read_file(log);
    if (rc != 0 || out.find("FATAL") != std::string::npos) {
        std::cerr << out << "searchd did not start; see " << log << "\n";
        return 1;
    }
    // searchd detaches before it serves; wait until the index answers a query.
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    while (Clock::now() < deadline) {
        try {
            Connection c = connect(port, false);
            ResultGuard r{execute(c.db, "SELECT id FROM " + std::string(kIndexName) + " LIMIT 1")};
            std::cerr << "searchd serving on 127.0.0.1:" << port << "\n";
            return 0;
        } catch (const std::runtime_error&) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
    std::cerr << "searchd did not answer within 60 s; see " << (dir / "searchd.log") << "\n";
    return 1;
}

int cmd_stop(const fs::path& dir_arg) {
    const fs::path dir = fs::absolute(dir_arg);
    const fs::path log = dir / "searchd.out";
    if (run({"searchd", "--config", config_path(dir).string(), "--stopwait"}, log) != 0) {
        std::cerr << "searchd --stopwait failed; see " << log << "\n";
        return 1;
    }
    return 0;
}

/// @brief Times @p queries over one connection (herald::bench::time_query_set) and prints
///        its JSON line; also reports on stderr how many snippets of the last pass have no mark.
/// @return 0, or 1 when the connection was lost.
int cmd_query(const std::string& set,
              const std::vector<BenchQuery>& queries,
              int passes,
              int port) {
    std::vector<Request> requests;
    for (const auto& q : queries) requests.push_back(make_request(q));
    Connection c = connect(port, false);
    std::vector<std::size_t> unmarked(queries.size(), 0);  // per query, of the latest pass
    bool lost = false;
    std::string snippets;
    const nlohmann::json out = herald::bench::time_query_set(
        "sphinx", set, queries, passes, [&](const BenchQuery& q) -> std::size_t {
            if (lost) throw std::runtime_error("the connection to searchd was lost");
            const auto i = static_cast<std::size_t>(&q - queries.data());
            unmarked[i] = 0;
            try {
                ResultGuard found{execute(c.db, requests[i].search)};
                const std::size_t n = snippets_statement(found.res, requests[i], snippets);
                if (n > 0) {
                    ResultGuard cut{execute(c.db, snippets)};
                    unmarked[i] = unmarked_snippets(cut.res);
                }
                return n;
            } catch (const std::runtime_error&) {
                lost = mysql_errno(c.db) >= CR_MIN_ERROR;
                throw;
            }
        });
    if (lost) {
        std::cerr << "sphinx: the connection to searchd was lost\n";
        return 1;
    }
    std::size_t total_unmarked = 0;
    for (std::size_t n : unmarked) total_unmarked += n;
    std::cerr << "sphinx " << set << ": " << total_unmarked << " of "
              << out["hits"].get<std::size_t>() << " snippets have no <mark>\n";
    std::cout << out.dump() << "\n";
    return 0;
}

/// @brief Runs the known-item set over one connection (herald::bench::time_known_set) and
///        prints its JSON line. @p unit: what DIR's index holds (see the top of the file).
int cmd_known(const std::vector<herald::bench::KnownItem>& items,
              int passes,
              int port,
              const std::string& unit) {
    const bool articles = unit == "article";
    std::vector<std::string> statements;
    for (const auto& item : items) {
        statements.push_back(
            "SELECT id, article_id FROM " + std::string(kIndexName) + " WHERE MATCH('" +
            sql_escape(sphinx_query(item.parsed)) + "')" +
            (articles ? " LIMIT 10 OPTION ranker=bm25, max_matches=10"
                      : " GROUP BY article_id WITHIN GROUP ORDER BY WEIGHT() DESC ORDER BY "
                        "WEIGHT() DESC LIMIT 10 OPTION ranker=bm25, max_matches=1000"));
    }
    Connection c = connect(port, false);
    bool lost = false;
    const nlohmann::json out = herald::bench::time_known_set(
        articles ? "sphinx (articles)" : "sphinx", articles ? "article" : "paragraph-grouped",
        items, passes, [&](const herald::bench::KnownItem& item) {
            if (lost) throw std::runtime_error("the connection to searchd was lost");
            const auto i = static_cast<std::size_t>(&item - items.data());
            std::vector<std::string> ids;
            try {
                ResultGuard found{execute(c.db, statements[i])};
                while (MYSQL_ROW row = mysql_fetch_row(found.res)) {
                    const unsigned long* len = mysql_fetch_lengths(found.res);
                    ids.emplace_back(row[1] ? row[1] : "", row[1] ? len[1] : 0);
                }
            } catch (const std::runtime_error&) {
                lost = mysql_errno(c.db) >= CR_MIN_ERROR;
                throw;
            }
            return ids;
        });
    if (lost) {
        std::cerr << "sphinx: the connection to searchd was lost\n";
        return 1;
    }
    std::cout << out.dump() << "\n";
    return 0;
}

// --- load: many connections, few threads, MariaDB non-blocking API ----------------------

/// One connection of the load test and the request in flight on it.
struct LoadConn {
    Connection conn;
    enum class Step { Search, StoreSearch, Snippets, StoreSnippets } step = Step::Search;
    int wait = 0;  ///< MYSQL_WAIT_* bits the pending call waits for; 0 when idle
    int ret = 0;
    MYSQL_RES* res = nullptr;
    const Request* request = nullptr;
    std::string snippets;
    Clock::time_point started;
};

/// Shared by the load threads: the queries, whose turn is next, and the stop time.
struct LoadShared {
    std::vector<Request> requests;
    std::atomic<std::size_t> next{0};
    Clock::time_point deadline;
    int port = 0;
};

/// Per thread results.
struct LoadResult {
    std::vector<double> latencies_ms;
    std::size_t errors = 0;
    bool aborted = false;  ///< the thread stopped early
};

/// @brief Sends the next query of the cycle on @p lc.
void start_request(LoadConn& lc, LoadShared& shared) {
    lc.request = &shared.requests[shared.next.fetch_add(1) % shared.requests.size()];
    lc.started = Clock::now();
    lc.step = LoadConn::Step::Search;
    lc.wait = mysql_real_query_start(&lc.ret, lc.conn.db, lc.request->search.data(),
                                     lc.request->search.size());
}

/// @brief Drives @p lc's request from its current step as far as it goes without blocking;
///        starts the next request when one completes and the deadline has not passed.
void advance(LoadConn& lc, LoadShared& shared, LoadResult& result) {
    while (lc.wait == 0) {
        MYSQL* db = lc.conn.db;
        bool failed = false;
        switch (lc.step) {
            case LoadConn::Step::Search:
                if (lc.ret != 0) {
                    failed = true;
                    break;
                }
                lc.step = LoadConn::Step::StoreSearch;
                lc.wait = mysql_store_result_start(&lc.res, db);
                continue;
            case LoadConn::Step::StoreSearch: {
                if (!lc.res) {
                    failed = true;
                    break;
                }
                const std::size_t n = snippets_statement(lc.res, *lc.request, lc.snippets);
                mysql_free_result(lc.res);
                lc.res = nullptr;
                if (n == 0) break;  // no hit: the request is complete
                lc.step = LoadConn::Step::Snippets;
                lc.wait =
                    mysql_real_query_start(&lc.ret, db, lc.snippets.data(), lc.snippets.size());
                continue;
            }
            case LoadConn::Step::Snippets:
                if (lc.ret != 0) {
                    failed = true;
                    break;
                }
                lc.step = LoadConn::Step::StoreSnippets;
                lc.wait = mysql_store_result_start(&lc.res, db);
                continue;
            case LoadConn::Step::StoreSnippets:
                if (!lc.res) {
                    failed = true;
                    break;
                }
                mysql_free_result(lc.res);
                lc.res = nullptr;
                break;
        }
        // The request is complete (or failed); count it if it ended in the window.
        const auto now = Clock::now();
        if (failed) {
            if (result.errors++ < 5) std::cerr << "sphinx load: " << mysql_error(db) << "\n";
            // A client-side error (lost connection, ...) leaves the connection unusable.
            if (mysql_errno(db) >= CR_MIN_ERROR) lc.conn = connect(shared.port, true);
        } else if (now <= shared.deadline) {
            result.latencies_ms.push_back(
                std::chrono::duration<double, std::milli>(now - lc.started).count());
        }
        if (now >= shared.deadline) return;  // idle from now on
        start_request(lc, shared);
    }
}

/// @brief One load thread: keeps a request in flight on each of @p conns until the
///        deadline, then lets the requests in flight finish (uncounted).
void load_thread(std::vector<LoadConn>& conns, LoadShared& shared, LoadResult& result) {
    for (auto& lc : conns) {
        start_request(lc, shared);
        advance(lc, shared, result);  // in case the call completed at once
    }
    std::vector<pollfd> fds(conns.size());
    while (true) {
        std::size_t pending = 0;
        for (std::size_t i = 0; i < conns.size(); ++i) {
            const int w = conns[i].wait;
            fds[i] = {mysql_get_socket(conns[i].conn.db),
                      static_cast<short>(((w & MYSQL_WAIT_READ) ? POLLIN : 0) |
                                         ((w & MYSQL_WAIT_WRITE) ? POLLOUT : 0) |
                                         ((w & MYSQL_WAIT_EXCEPT) ? POLLPRI : 0)),
                      0};
            if (w == 0) fds[i].fd = -1;  // idle: poll ignores it
            pending += w != 0;
        }
        if (pending == 0 && Clock::now() >= shared.deadline) return;
        // No client timeouts are set, so no call waits on MYSQL_WAIT_TIMEOUT; poll's own
        // timeout only lets an idle loop notice the deadline.
        if (poll(fds.data(), fds.size(), 100) < 0 && errno != EINTR)
            throw std::runtime_error("poll failed");
        for (std::size_t i = 0; i < conns.size(); ++i) {
            LoadConn& lc = conns[i];
            if (lc.wait == 0 || fds[i].revents == 0) continue;
            const int ready =
                ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) ? MYSQL_WAIT_READ : 0) |
                ((fds[i].revents & POLLOUT) ? MYSQL_WAIT_WRITE : 0) |
                ((fds[i].revents & POLLPRI) ? MYSQL_WAIT_EXCEPT : 0);
            switch (lc.step) {
                case LoadConn::Step::Search:
                case LoadConn::Step::Snippets:
                    lc.wait = mysql_real_query_cont(&lc.ret, lc.conn.db, ready);
                    break;
                case LoadConn::Step::StoreSearch:
                case LoadConn::Step::StoreSnippets:
                    lc.wait = mysql_store_result_cont(&lc.res, lc.conn.db, ready);
                    break;
            }
            if (lc.wait == 0) advance(lc, shared, result);
        }
    }
}

int cmd_load(const std::string& set,
             const std::vector<BenchQuery>& queries,
             int connections,
             int threads,
             int seconds,
             int port) {
    if (threads < 1 || connections < threads)
        throw std::runtime_error("need 1 <= threads <= connections");
    LoadShared shared;
    for (const auto& q : queries) shared.requests.push_back(make_request(q));
    shared.port = port;

    // Connections are opened before the clock starts and dealt round-robin to the threads.
    std::vector<std::vector<LoadConn>> per_thread(static_cast<std::size_t>(threads));
    for (int i = 0; i < connections; ++i) {
        LoadConn lc;
        lc.conn = connect(port, true);
        per_thread[static_cast<std::size_t>(i % threads)].push_back(std::move(lc));
    }
    std::vector<LoadResult> results(per_thread.size());
    shared.deadline = Clock::now() + std::chrono::seconds(seconds);
    std::vector<std::thread> workers;
    for (std::size_t t = 0; t < per_thread.size(); ++t) {
        workers.emplace_back([&, t] {
            try {
                load_thread(per_thread[t], shared, results[t]);
            } catch (const std::exception& e) {  // a reconnect failed: this thread's share stops
                std::cerr << "sphinx load: " << e.what() << "\n";
                results[t].aborted = true;
            }
        });
    }
    for (auto& w : workers) w.join();
    std::vector<double> latencies;
    std::size_t errors = 0;
    bool aborted = false;
    for (const auto& r : results) {
        latencies.insert(latencies.end(), r.latencies_ms.begin(), r.latencies_ms.end());
        errors += r.errors;
        aborted = aborted || r.aborted;
    }
    std::cout << nlohmann::json{{"engine", "sphinx"},
                                {"set", set},
                                {"connections", connections},
                                {"threads", threads},
                                {"seconds", seconds},
                                {"requests", latencies.size()},
                                {"requests_per_s", static_cast<double>(latencies.size()) / seconds},
                                {"p50_ms", herald::bench::percentile(latencies, 50)},
                                {"p99_ms", herald::bench::percentile(latencies, 99)},
                                {"errors", errors}}
                     .dump()
              << "\n";
    return aborted ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "Sphinx 2.2 peer of bench/compare: index the paragraphs TSV, run searchd, time queries."};
    app.require_subcommand(1);
    fs::path tsv, dir, queries_file;
    std::string set, unit = "paragraph";
    int port = 0, passes = 3, connections = 64, threads = 2, seconds = 20;

    auto* index =
        app.add_subcommand("index", "write DIR/sphinx.conf and build the index with indexer");
    index->add_option("--tsv", tsv, "paragraphs TSV from herald_bench_corpus")->required();
    index->add_option("--dir", dir, "folder for config, index data and logs")->required();
    index->add_option("--unit", unit, "paragraph (one document a TSV line) or article (joined)")
        ->check(CLI::IsMember({"paragraph", "article"}));

    auto* start = app.add_subcommand("start", "run searchd on 127.0.0.1 and wait until it serves");
    start->add_option("--dir", dir, "folder given to index")->required();
    start->add_option("--port", port, "SphinxQL port (default 19306)");

    auto* stop = app.add_subcommand("stop", "stop searchd (searchd --stopwait)");
    stop->add_option("--dir", dir, "folder given to index")->required();

    auto* query = app.add_subcommand("query", "time a query set, one connection, sequential");
    auto* load =
        app.add_subcommand("load", "throughput with many connections driven by few threads");
    for (auto* sub : {query, load}) {
        sub->add_option("--set", set, "query set kind (known: query only)")
            ->required()
            ->check(CLI::IsMember({"titles", "aol", "known"}));
        sub->add_option("--queries", queries_file, "query set file")->required();
        sub->add_option("--dir", dir, "folder given to index (for the port)");
        sub->add_option("--port", port, "SphinxQL port (default: DIR's, else 19306)");
    }
    query
        ->add_option("--passes", passes, "passes over the set; the first warms and is not reported")
        ->check(CLI::Range(1, 100));
    load->add_option("--connections", connections, "connections kept open");
    load->add_option("--threads", threads, "client threads driving them");
    load->add_option("--seconds", seconds, "duration");
    CLI11_PARSE(app, argc, argv);

    try {
        if (port == 0)
            port = (!dir.empty() && fs::exists(config_path(dir))) ? configured_port(dir)
                                                                  : kDefaultPort;
        if (index->parsed()) return cmd_index(tsv, dir, unit);
        if (start->parsed()) return cmd_start(dir, port);
        if (stop->parsed()) return cmd_stop(dir);
        if (set == "known") {
            if (!query->parsed()) throw std::runtime_error("the known set is for query only");
            const auto items = herald::bench::read_known_items(queries_file);
            if (items.empty()) throw std::runtime_error("no item in " + queries_file.string());
            const std::string dir_unit =
                !dir.empty() && fs::exists(config_path(dir)) ? configured_unit(dir) : "paragraph";
            return cmd_known(items, passes, port, dir_unit);
        }
        const std::vector<BenchQuery> queries = herald::bench::read_query_set(queries_file, set);
        if (queries.empty()) throw std::runtime_error("no query in " + queries_file.string());
        if (query->parsed()) return cmd_query(set, queries, passes, port);
        return cmd_load(set, queries, connections, threads, seconds, port);
    } catch (const std::exception& e) {
        std::cerr << "herald_peer_sphinx: " << e.what() << "\n";
        return 1;
    }
}
