// The known-item set of bench/compare (bench/README.md, "Known items across paragraphs"):
// reading its TSV, ranking one answer, and the JSON line every engine's driver prints for it.
// Header-only and engine-neutral: a driver supplies a function that answers one query with the
// article ids of its hits, best first. Benchmarks only, not a public API.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <vector>

#include "bench_util.hpp"

namespace herald::bench {

/// How many distinct articles of a ranking are looked at (success@10, MRR@10).
inline constexpr std::size_t kKnownDepth = 10;

/// One known item: a two-word query and the one article it was made from.
struct KnownItem {
    std::string query;       ///< "w1 w2", lower-cased surface forms
    std::string article_id;  ///< the target
    BenchQuery parsed;       ///< both words required (parse_title_query)
};

/// @brief Reads a known-item TSV (`query<TAB>article_id` a line; empty lines skipped).
/// @throws std::runtime_error naming the file and line for a line without exactly one tab,
///         an empty field, or a query with no word; or when the file cannot be read.
inline std::vector<KnownItem> read_known_items(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read known-item set " + path.string());
    std::vector<KnownItem> items;
    std::string line;
    for (std::size_t number = 1; std::getline(in, line); ++number) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        const std::size_t tab = line.find('\t');
        const auto where = path.string() + ":" + std::to_string(number);
        if (tab == std::string::npos || line.find('\t', tab + 1) != std::string::npos)
            throw std::runtime_error(where + ": want query<TAB>article_id");
        KnownItem item{line.substr(0, tab), line.substr(tab + 1), {}};
        item.parsed = parse_title_query(item.query);
        if (item.article_id.empty() || item.parsed.clauses.empty())
            throw std::runtime_error(where + ": empty query or article id");
        items.push_back(std::move(item));
    }
    return items;
}

/// @brief The 1-based rank of @p target among the first kKnownDepth distinct articles of
///        @p hit_articles (hit order; repeated ids, as paragraph hits give, count once), or 0
///        when it is not among them.
inline std::size_t known_rank(const std::vector<std::string>& hit_articles,
                              const std::string& target) {
    std::unordered_set<std::string> seen;
    for (const auto& id : hit_articles) {
        if (!seen.insert(id).second) continue;
        if (id == target) return seen.size();
        if (seen.size() == kKnownDepth) break;
    }
    return 0;
}

/// Answers one known-item query: the article ids of the hits, best first (repeats allowed),
/// at least kKnownDepth distinct ones when the engine has that many matches. Throws for a
/// failed query.
using KnownRun = std::function<std::vector<std::string>(const KnownItem&)>;

/// @brief Runs @p items @p passes times (the first pass warms the cache and is not timed unless
///        it is the only one) and scores the last pass: success@10 (share of queries whose
///        target is in the top 10 articles) and MRR@10 (mean of 1/rank, 0 when not in the top 10).
///        A failed query is reported on stderr, counted in "failed_queries" and scores 0.
/// @return latency_report() for set "known" ("queries" = the items scored, "timed_queries" the
///         latencies behind p50 and p99) plus "mode", "success_at_10", "mrr_at_10", "found"
///         (targets in the top 10) and "failed_queries"; "hits" counts distinct articles (at
///         most 10 a query). @p ranks, when given, receives each item's rank (0: not found).
inline nlohmann::json time_known_set(const std::string& engine,
                                     const std::string& mode,
                                     const std::vector<KnownItem>& items,
                                     int passes,
                                     const KnownRun& run,
                                     std::vector<std::size_t>* ranks = nullptr) {
    std::vector<double> latencies;
    std::size_t hits = 0, zero_hit = 0, failed = 0, found = 0;
    double reciprocal = 0;
    for (int pass = 0; pass < passes; ++pass) {
        const bool last = pass == passes - 1;
        for (const auto& item : items) {
            std::vector<std::string> articles;
            bool ok = true;
            const auto t0 = Clock::now();
            try {
                articles = run(item);
            } catch (const std::exception& e) {
                ok = false;
                if (last)
                    std::cerr << engine << ": query failed: " << item.query << ": " << e.what()
                              << "\n";
            }
            const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
            if (ok && (pass > 0 || passes == 1)) latencies.push_back(ms);
            if (!last) continue;
            const std::size_t rank = ok ? known_rank(articles, item.article_id) : 0;
            if (ranks) ranks->push_back(rank);
            found += rank > 0;
            reciprocal += rank > 0 ? 1.0 / static_cast<double>(rank) : 0.0;
            std::unordered_set<std::string> distinct(articles.begin(), articles.end());
            hits += std::min(distinct.size(), kKnownDepth);
            zero_hit += ok && articles.empty();
            failed += !ok;
        }
    }
    nlohmann::json out = latency_report(engine, "known", latencies, hits, zero_hit);
    const double n = items.empty() ? 1.0 : static_cast<double>(items.size());
    out["timed_queries"] = latencies.size();
    out["queries"] = items.size();
    out["mode"] = mode;
    out["success_at_10"] = static_cast<double>(found) / n;
    out["mrr_at_10"] = reciprocal / n;
    out["found"] = found;
    out["failed_queries"] = failed;
    return out;
}

}  // namespace herald::bench
