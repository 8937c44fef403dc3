// Shared pieces of the end-to-end benchmark drivers (bench/compare): the query sets,
// the one query model every engine translates from, latency statistics and the
// one-line JSON each driver prints. Header-only; benchmarks only, not a public API.
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

namespace herald::bench {

using Clock = std::chrono::steady_clock;

/// One clause of a benchmark query: a word, or a phrase of words.
struct Clause {
    std::vector<std::string> words;  ///< lower-cased, non-empty; more than one = phrase
    bool required = false;           ///< must match (`+` in AOL syntax; every title word)
    bool excluded = false;           ///< must not match (`-` in AOL syntax)
};

/// A query of the benchmark sets, in the one model every engine translates from.
///  - titles set (`reuters-titles-1000.txt`): every word required (AND), like Herald's default.
///  - AOL set (`aol-962.jsonl`, search-benchmark-game's Lucene syntax): `+a +b` intersection,
///    `"a b"` phrase, `a b` union (OR), `-a` exclusion. A query matches when every required
///    clause matches, no excluded clause matches and, if no clause is required, at least one
///    optional clause matches.
struct BenchQuery {
    std::string text;  ///< the line as given
    std::vector<Clause> clauses;
    /// True when every clause that is not excluded is required (intersection); false when
    /// some are optional (a union, or optional words that only add to the score).
    bool all_required() const {
        return std::all_of(clauses.begin(), clauses.end(),
                           [](const Clause& c) { return c.required || c.excluded; });
    }
};

/// @brief Splits @p s into lower-cased words of ASCII letters and digits (other bytes,
///        including non-ASCII, end a word). "U.S." gives "u", "s"; engines tokenize the
///        same text their own way, so drivers should pass these words, not raw text.
inline std::vector<std::string> split_words(const std::string& s) {
    std::vector<std::string> words;
    std::string cur;
    for (unsigned char c : s) {
        if (std::isalnum(c) && c < 0x80) {
            cur.push_back(static_cast<char>(std::tolower(c)));
        } else if (!cur.empty()) {
            words.push_back(std::move(cur));
            cur.clear();
        }
    }
    if (!cur.empty()) words.push_back(std::move(cur));
    return words;
}

/// @brief Parses one AOL-set query (`+a +b`, `"a b"`, `a b`, `-a`) into clauses. A `+` before
///        a word or phrase makes it required, a `-` excluded. Words inside one whitespace token
///        that split into several (`e-mail`) become a phrase, as Lucene's analyzer would make them.
inline BenchQuery parse_lucene_query(const std::string& text) {
    BenchQuery q;
    q.text = text;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
        if (i >= text.size()) break;
        bool required = false, excluded = false;
        if (text[i] == '+' || text[i] == '-') {
            (text[i] == '+' ? required : excluded) = true;
            ++i;
        }
        std::string token;
        if (i < text.size() && text[i] == '"') {
            const std::size_t end = text.find('"', i + 1);
            token = text.substr(i + 1, end == std::string::npos ? std::string::npos : end - i - 1);
            i = end == std::string::npos ? text.size() : end + 1;
        } else {
            const std::size_t start = i;
            while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
            token = text.substr(start, i - start);
        }
        Clause c;
        c.words = split_words(token);
        c.required = required;
        c.excluded = excluded;
        if (!c.words.empty()) q.clauses.push_back(std::move(c));
    }
    return q;
}

/// @brief A titles-set query: every word a required clause.
inline BenchQuery parse_title_query(const std::string& text) {
    BenchQuery q;
    q.text = text;
    for (auto& w : split_words(text)) q.clauses.push_back(Clause{{std::move(w)}, true});
    return q;
}

/// @brief Reads a query set: "titles" (one query a line) or "aol" (JSON Lines with
///        a "query" field). Queries with no word are dropped.
/// @throws std::runtime_error when the file cannot be read, or (aol) a line is not a JSON
///        object with a string "query"; the message names the file and line.
inline std::vector<BenchQuery> read_query_set(const std::filesystem::path& path,
                                              const std::string& kind) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read query set " + path.string());
    std::vector<BenchQuery> out;
    std::string line;
    std::size_t number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (line.empty()) continue;
        BenchQuery q;
        if (kind == "aol") {
            try {
                q = parse_lucene_query(nlohmann::json::parse(line).at("query").get<std::string>());
            } catch (const nlohmann::json::exception& e) {
                throw std::runtime_error(
                    path.string() + ":" + std::to_string(number) +
                    ": not an AOL-set line ({\"query\": \"...\"}): " + e.what());
            }
        } else {
            q = parse_title_query(line);
        }
        if (!q.clauses.empty()) out.push_back(std::move(q));
    }
    return out;
}

/// @brief Nearest-rank percentile (@p p in 0..100) of @p v, in v's unit; 0 when empty.
inline double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const auto i = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

/// @brief Total size in bytes of the regular files under @p dir (or of @p dir if a file).
inline std::uintmax_t path_bytes(const std::filesystem::path& dir) {
    namespace fs = std::filesystem;
    if (fs::is_regular_file(dir)) return fs::file_size(dir);
    std::uintmax_t total = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        if (e.is_regular_file()) total += e.file_size();
    }
    return total;
}

/// @brief The JSON line a driver prints for one query set: latencies in milliseconds
///        (mean, p50, p99 over @p latencies_ms), queries run, hits returned, and queries
///        that returned no hit.
inline nlohmann::json latency_report(const std::string& engine,
                                     const std::string& set,
                                     const std::vector<double>& latencies_ms,
                                     std::size_t hits,
                                     std::size_t zero_hit_queries) {
    const double mean = latencies_ms.empty()
                            ? 0
                            : std::accumulate(latencies_ms.begin(), latencies_ms.end(), 0.0) /
                                  static_cast<double>(latencies_ms.size());
    return {{"engine", engine},
            {"set", set},
            {"queries", latencies_ms.size()},
            {"mean_ms", mean},
            {"p50_ms", percentile(latencies_ms, 50)},
            {"p99_ms", percentile(latencies_ms, 99)},
            {"hits", hits},
            {"zero_hit_queries", zero_hit_queries}};
}

/// @brief Times @p queries one at a time, @p passes times; the first pass warms the cache and
///        is not reported unless it is the only one. @p run answers one query (top 10 with
///        snippets) and returns its hit count, or throws for a failed query (reported on
///        stderr, counted, and left out of the latencies). Hits, no-hit and failed queries are
///        those of the last pass.
/// @return latency_report() plus "failed_queries".
inline nlohmann::json time_query_set(const std::string& engine,
                                     const std::string& set,
                                     const std::vector<BenchQuery>& queries,
                                     int passes,
                                     const std::function<std::size_t(const BenchQuery&)>& run) {
    std::vector<double> latencies;
    std::size_t hits = 0, zero_hit = 0, failed = 0;
    for (int pass = 0; pass < passes; ++pass) {
        const bool last = pass == passes - 1;
        for (const auto& q : queries) {
            std::size_t n = 0;
            bool ok = true;
            const auto t0 = Clock::now();
            try {
                n = run(q);
            } catch (const std::exception& e) {
                ok = false;
                if (last)
                    std::cerr << engine << ": query failed: " << q.text << ": " << e.what() << "\n";
            }
            const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
            if (ok && (pass > 0 || passes == 1)) latencies.push_back(ms);
            if (last) {
                hits += n;
                zero_hit += ok && n == 0;
                failed += !ok;
            }
        }
    }
    nlohmann::json out = latency_report(engine, set, latencies, hits, zero_hit);
    out["failed_queries"] = failed;
    return out;
}

}  // namespace herald::bench
