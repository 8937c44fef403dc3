// herald_peer_xapian: the Xapian Omega peer of bench/compare.
//
//   herald_peer_xapian index --tsv FILE --dir DIR [--script S] [--scriptindex PROG]
//   herald_peer_xapian query --dir DIR --set titles|aol --queries FILE [--passes 3]
//   herald_peer_xapian omega --dir DIR --set titles|aol --queries FILE [--passes 3] [--limit 300]
//
// Index: Omega's own indexer. DIR is removed, then `scriptindex --overwrite --stemmer=english
// DIR bench/omega/paragraphs.script` runs with its standard input fed by this program, which
// turns each TSV line into a scriptindex record (`docid=`, `article=`, `paragraph=`, `title=`,
// `text=` lines, a blank line after each) as it streams the file. index_seconds covers the
// whole pipe, conversion included, until scriptindex has exited (so its last commit is in).
//
// Query ("xapian-omega-index (bare API, like quest)"): the bare Xapian C++ API on that
// database, the way Omega queries it (less its stopword list, see below): Xapian::QueryParser with
// the English stemmer and STEM_SOME (words stemmed, phrase words not), FLAG_DEFAULT (phrases, +/-,
// boolean operators in capitals only); Enquire with BM25Weight's defaults; get_mset(0, 10); then
// for each hit the stored fields and MSet::snippet(text, 200 bytes, <mark>...</mark>, "…" for
// cuts). The query string is rebuilt from herald::bench's clauses rather than the raw AOL text, so
// every engine answers the same model (excluded clauses, AOL `-word`, get `-`):
//   - all clauses required (titles set, AOL intersections): words and "phrases" separated by
//     spaces, default operator AND;
//   - otherwise: default operator OR with `+` before each required clause, so required
//     clauses must match and optional ones only add to the score (Xapian's AND_MAYBE).
// Timing per query (steady_clock): parse, search, fetch the 10 documents, make the snippets.
// The first pass warms the cache and is not reported.
//
// omega ("omega-cgi (process per query)"): the real Omega CGI, one process a query, run as a
// web server would (REQUEST_METHOD=GET, QUERY_STRING with DB, P = the same query string as
// above, DEFAULTOP and FMT=paragraphs, the template in bench/omega/templates that prints one
// line a hit with $snippet of the text). A temporary omega.conf points database_dir at DIR's
// parent folder. Timed from spawn to exit, output read; --limit keeps the first N queries.
// Omega's query differs from the bare one in one way: it drops English stopwords (e.g. "of" in
// `+university +of +washington`) unless the query is nothing but stopwords.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <xapian.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_util.hpp"

extern char** environ;

namespace fs = std::filesystem;
namespace hb = herald::bench;

namespace {

constexpr const char* kEngine = "xapian-omega-index (bare API, like quest)";
constexpr const char* kOmegaEngine = "omega-cgi (process per query)";

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

/// Starts @p args (a program looked up in PATH, then its arguments) with a pipe on its
/// standard input when @p feed_stdin, else on its standard output, and sets @p parent_fd to
/// our end of that pipe. A child we feed writes its output to our standard error, keeping our
/// standard output for the JSON line. @p env is the child's environment.
pid_t spawn_piped(const std::vector<std::string>& args,
                  char* const* env,
                  bool feed_stdin,
                  int& parent_fd) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    const int child_end = feed_stdin ? fds[0] : fds[1];
    parent_fd = feed_stdin ? fds[1] : fds[0];
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (feed_stdin) {
        posix_spawn_file_actions_adddup2(&actions, child_end, STDIN_FILENO);
        posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
    } else {
        posix_spawn_file_actions_adddup2(&actions, child_end, STDOUT_FILENO);
    }
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), env);
    posix_spawn_file_actions_destroy(&actions);
    close(child_end);
    if (rc != 0) {
        close(parent_fd);
        throw std::runtime_error("cannot run " + args[0] + ": " + std::strerror(rc));
    }
    return pid;
}

int run_index(const fs::path& tsv,
              const fs::path& dir,
              const fs::path& script,
              const std::string& scriptindex) {
    std::ifstream in(tsv);
    if (!in) throw std::runtime_error("cannot read " + tsv.string());
    if (!fs::is_regular_file(script))
        throw std::runtime_error("no index script " + script.string());
    fs::remove_all(dir);

    std::signal(SIGPIPE, SIG_IGN);  // if scriptindex dies, writes fail and we report it
    const auto t0 = hb::Clock::now();
    int fd = -1;
    const pid_t pid = spawn_piped(
        {scriptindex, "--overwrite", "--stemmer=english", dir.string(), script.string()}, environ,
        true, fd);
    FILE* out = fdopen(fd, "w");
    if (!out) throw std::runtime_error("fdopen failed");
    std::size_t documents = 0;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        const auto f = split_tabs(line);
        if (f.size() != 5) {
            fclose(out);
            waitpid(pid, nullptr, 0);
            throw std::runtime_error("bad TSV line (want 5 fields): " + line.substr(0, 80));
        }
        // TSV fields hold no newline, so no value needs scriptindex's "=" continuation lines.
        std::fprintf(out, "docid=%s\narticle=%s\nparagraph=%s\ntitle=%s\ntext=%s\n\n", f[0].c_str(),
                     f[1].c_str(), f[2].c_str(), f[3].c_str(), f[4].c_str());
        ++documents;
    }
    const bool write_failed = std::fclose(out) != 0;
    int status = 0;
    waitpid(pid, &status, 0);
    const double seconds = std::chrono::duration<double>(hb::Clock::now() - t0).count();
    if (write_failed || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        throw std::runtime_error(scriptindex + " failed (exit status " +
                                 std::to_string(WEXITSTATUS(status)) + ")");
    }
    const Xapian::Database db(dir.string());
    if (db.get_doccount() != documents) {
        throw std::runtime_error("scriptindex indexed " + std::to_string(db.get_doccount()) +
                                 " of " + std::to_string(documents) + " records");
    }
    const nlohmann::json report = {
        {"engine", kEngine},
        {"documents", documents},
        {"index_seconds", seconds},
        {"index_bytes", hb::path_bytes(dir)},
    };
    std::cout << report.dump() << "\n";
    return 0;
}

/// One hit as an application would show it.
struct Hit {
    Xapian::docid docid = 0;
    std::string article_id;
    long paragraph = 0;
    std::string title;
    std::string snippet;
};

/// The QueryParser input for @p q and whether its default operator is AND (see the top of the
/// file).
std::string query_string(const hb::BenchQuery& q, bool& default_and) {
    default_and = q.all_required();
    std::string s;
    for (const auto& c : q.clauses) {
        if (!s.empty()) s += ' ';
        if (c.excluded) s += '-';
        if (c.required && !default_and) s += '+';
        if (c.words.size() > 1) s += '"';
        for (std::size_t i = 0; i < c.words.size(); ++i) s += (i ? " " : "") + c.words[i];
        if (c.words.size() > 1) s += '"';
    }
    return s;
}

/// Runs one query: top 10 by BM25 with their fields and snippets.
void search(const Xapian::Database& db,
            Xapian::QueryParser& parser,
            const Xapian::Stem& stemmer,
            const hb::BenchQuery& q,
            std::vector<Hit>& page) {
    bool default_and = false;
    const std::string text = query_string(q, default_and);
    parser.set_default_op(default_and ? Xapian::Query::OP_AND : Xapian::Query::OP_OR);
    Xapian::Enquire enquire(db);
    enquire.set_query(parser.parse_query(text, Xapian::QueryParser::FLAG_DEFAULT));
    enquire.set_weighting_scheme(Xapian::BM25Weight());
    const Xapian::MSet mset = enquire.get_mset(0, 10);
    for (auto it = mset.begin(); it != mset.end(); ++it) {
        Hit hit;
        hit.docid = *it;
        // scriptindex stores the record as "name=value" lines.
        const std::string data = it.get_document().get_data();
        std::string body;
        for (std::size_t start = 0; start < data.size();) {
            std::size_t end = data.find('\n', start);
            if (end == std::string::npos) end = data.size();
            const std::size_t eq = data.find('=', start);
            if (eq < end) {
                const std::string name = data.substr(start, eq - start),
                                  value = data.substr(eq + 1, end - eq - 1);
                if (name == "article")
                    hit.article_id = value;
                else if (name == "paragraph")
                    hit.paragraph = std::stol(value);
                else if (name == "title")
                    hit.title = value;
                else if (name == "text")
                    body = value;
            }
            start = end + 1;
        }
        hit.snippet =
            mset.snippet(body, 200, stemmer,
                         Xapian::MSet::SNIPPET_BACKGROUND_MODEL | Xapian::MSet::SNIPPET_EXHAUSTIVE,
                         "<mark>", "</mark>", "…");
        page.push_back(std::move(hit));
    }
}

int run_query(const fs::path& dir,
              const std::string& set,
              const fs::path& queries_file,
              int passes) {
    const auto queries = hb::read_query_set(queries_file, set);
    const Xapian::Database db(dir.string());
    const Xapian::Stem stemmer("english");
    Xapian::QueryParser parser;
    parser.set_database(db);
    parser.set_stemmer(stemmer);
    parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);

    std::vector<Hit> page;
    const nlohmann::json out =
        hb::time_query_set(kEngine, set, queries, passes, [&](const hb::BenchQuery& q) {
            page.clear();
            try {
                search(db, parser, stemmer, q, page);
            } catch (const Xapian::Error& e) {
                throw std::runtime_error(e.get_description());
            }
            return page.size();
        });
    std::cout << out.dump() << "\n";
    return 0;
}

/// @p s percent-encoded for a CGI query string.
std::string url_encode(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

/// Runs the omega CGI once for @p q and returns the number of hits it printed.
std::size_t omega_search(const std::string& omega,
                         const std::string& config,
                         const std::string& db_name,
                         const hb::BenchQuery& q) {
    bool default_and = false;
    const std::string text = query_string(q, default_and);
    std::vector<std::string> env = {
        "OMEGA_CONFIG_FILE=" + config,
        "REQUEST_METHOD=GET",
        "QUERY_STRING=DB=" + url_encode(db_name) + "&FMT=paragraphs&HITSPERPAGE=10&DEFAULTOP=" +
            (default_and ? "and" : "or") + "&P=" + url_encode(text),
    };
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    int fd = -1;
    const pid_t pid = spawn_piped({omega}, envp.data(), false, fd);
    std::string output;
    char buf[65536];
    for (ssize_t n; (n = read(fd, buf, sizeof buf)) != 0;) {
        if (n > 0)
            output.append(buf, static_cast<std::size_t>(n));
        else if (errno != EINTR)
            break;
    }
    close(fd);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error("omega failed for: " + q.text);
    // The CGI header ends at the first blank line; then the template prints one line a hit.
    const std::size_t body = output.find("\n\n");
    if (body == std::string::npos)
        throw std::runtime_error("omega printed no CGI header for: " + q.text);
    return static_cast<std::size_t>(
        std::count(output.begin() + static_cast<std::ptrdiff_t>(body + 2), output.end(), '\n'));
}

int run_omega(const fs::path& dir,
              const std::string& set,
              const fs::path& queries_file,
              int passes,
              std::size_t limit,
              const std::string& omega) {
    auto queries = hb::read_query_set(queries_file, set);
    if (limit > 0 && queries.size() > limit) queries.resize(limit);
    const fs::path db = fs::absolute(dir);
    if (!fs::is_directory(db)) throw std::runtime_error("no database " + db.string());
    // Omega finds databases and templates through its configuration file.
    const fs::path config =
        fs::temp_directory_path() / ("herald-omega-" + std::to_string(getpid()) + ".conf");
    {
        std::ofstream conf(config);
        conf << "database_dir " << db.parent_path().string() << "\ntemplate_dir "
             << HERALD_OMEGA_TEMPLATES << "\n";
        if (!conf) throw std::runtime_error("cannot write " + config.string());
    }

    const nlohmann::json out =
        hb::time_query_set(kOmegaEngine, set, queries, passes, [&](const hb::BenchQuery& q) {
            return omega_search(omega, config.string(), db.filename().string(), q);
        });
    fs::remove(config);
    std::cout << out.dump() << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "Xapian Omega peer of bench/compare: index the paragraphs TSV with scriptindex, or time a "
        "query set."};
    app.require_subcommand(1);

    fs::path tsv, dir, queries, script = HERALD_OMEGA_SCRIPT;
    std::string set, scriptindex = "scriptindex";
    int passes = 3;
    auto* index = app.add_subcommand(
        "index", "rebuild DIR from the TSV with scriptindex and print the index JSON line");
    index->add_option("--tsv", tsv, "paragraphs TSV from herald_bench_corpus")->required();
    index->add_option("--dir", dir, "Xapian database folder (removed and rebuilt)")->required();
    index->add_option("--script", script, "scriptindex index script")->capture_default_str();
    index->add_option("--scriptindex", scriptindex, "scriptindex program (Debian: xapian-omega)")
        ->capture_default_str();
    const auto add_query_options = [&](CLI::App* sub) {
        sub->add_option("--dir", dir, "database built by `index`")->required();
        sub->add_option("--set", set, "query set kind")
            ->required()
            ->check(CLI::IsMember({"titles", "aol"}));
        sub->add_option("--queries", queries, "query set file")->required();
        sub->add_option("--passes", passes, "passes; the first warms the cache and is not reported")
            ->check(CLI::Range(1, 100));
    };
    auto* query = app.add_subcommand(
        "query", "time a query set (top 10 with snippets) and print its JSON line");
    add_query_options(query);
    std::size_t limit = 300;
    std::string omega = "/usr/lib/cgi-bin/omega/omega";
    auto* cgi = app.add_subcommand(
        "omega", "time the omega CGI, one process a query, and print its JSON line");
    add_query_options(cgi);
    cgi->add_option("--limit", limit, "run only the first N queries of the set (0: all)")
        ->capture_default_str();
    cgi->add_option("--omega", omega, "the omega CGI program (Debian: xapian-omega)")
        ->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    try {
        if (index->parsed()) return run_index(tsv, dir, script, scriptindex);
        if (query->parsed()) return run_query(dir, set, queries, passes);
        return run_omega(dir, set, queries, passes, limit, omega);
    } catch (const Xapian::Error& e) {
        std::cerr << "herald_peer_xapian: " << e.get_description() << "\n";
    } catch (const std::exception& e) {
        std::cerr << "herald_peer_xapian: " << e.what() << "\n";
    }
    return 1;
}
