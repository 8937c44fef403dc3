// How Herald answers a known-item query (bench/known_set.hpp), shared by
// herald_bench_known_items eval and herald_peer_herald query --set known.
#pragma once

#include <herald/searcher/searcher.hpp>

#include <algorithm>
#include <string>
#include <unordered_set>
#include <vector>

#include "known_set.hpp"

namespace herald::bench {

/// The ranking settings of a known-item run; the query and paging are filled in per query.
struct KnownHeraldOptions {
    SearchUnit within = SearchUnit::article;
    bool collapse = false;  ///< paragraph mode: best paragraph per article
    double passage_weight = SearchRequest::kDefaultPassageWeight;
    double bm25_k1 = SearchRequest::kDefaultBm25K1;
    double bm25_b = SearchRequest::kDefaultBm25B;
};

/// @brief "article", "paragraph" or "paragraph-collapse": the mode a report names.
inline std::string known_mode(const KnownHeraldOptions& o) {
    if (o.within == SearchUnit::article) return "article";
    return o.collapse ? "paragraph-collapse" : "paragraph";
}

/// @brief Runs @p query (every word required, no snippets) and returns the article ids of its
///        hits in rank order. Story hits and collapsed paragraph hits are one per article, so one
///        page of kKnownDepth is enough; plain paragraph hits may repeat an article, so further
///        pages (each four times the last, up to SearchRequest::kMaxLimit) are fetched until
///        kKnownDepth distinct articles are seen or the matches run out.
inline std::vector<std::string> herald_known_articles(Searcher& searcher,
                                                      const KnownHeraldOptions& o,
                                                      const std::string& query) {
    SearchRequest request;
    request.query = query;
    request.default_operator = DefaultOperator::all_words;
    request.snippets = false;
    request.within = o.within;
    request.collapse = o.collapse;
    request.passage_weight = o.passage_weight;
    request.bm25_k1 = o.bm25_k1;
    request.bm25_b = o.bm25_b;
    request.limit = kKnownDepth;
    std::vector<std::string> articles;
    std::unordered_set<std::string> distinct;
    while (true) {
        const SearchResult result = searcher.search(request);
        for (const auto& hit : result.hits) {
            articles.push_back(hit.article_id);
            distinct.insert(hit.article_id);
        }
        const bool exhausted = result.hits.size() < request.limit;
        if (exhausted || distinct.size() >= kKnownDepth) break;
        if (request.offset + request.limit >= SearchRequest::kMaxOffset) break;
        request.offset += request.limit;
        request.limit = std::min(request.limit * 4, SearchRequest::kMaxLimit);
    }
    return articles;
}

}  // namespace herald::bench
