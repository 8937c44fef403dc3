#include <herald/analyzer.hpp>
#include <herald/schema.hpp>
#include <herald/search.hpp>

#include <algorithm>
#include <chrono>
#include <system_error>
#include <unordered_set>

namespace herald {

namespace {
// Matches counted exactly before Xapian estimates the rest (Elasticsearch counts 10,000).
constexpr Xapian::doccount kCheckAtLeast = 1000;
}  // namespace

SortOrder parse_sort_order(std::string_view name) {
    if (name == "relevance") return SortOrder::relevance;
    if (name == "date") return SortOrder::date;
    throw QueryError("unknown sort order \"" + std::string(name) + "\" (relevance or date)");
}

Searcher::Searcher(const std::filesystem::path& index_dir, const std::string& language)
    : dir_(index_dir), builder_(language), stemmer_(make_stemmer_or_none(language)) {
    std::error_code ec;
    if (!std::filesystem::is_directory(index_dir, ec)) {
        throw std::runtime_error("no index at " + index_dir.string() + " (folder not found)");
    }
    try {
        db_ = Xapian::Database(index_dir.string());
    } catch (const Xapian::Error& e) {
        throw std::runtime_error("cannot open index " + index_dir.string() + ": " + e.get_msg());
    }
    builder_.set_database(db_);
}

bool Searcher::reopen() {
    try {
        return db_.reopen();
    } catch (const Xapian::Error& e) {
        throw std::runtime_error("cannot reopen index " + dir_.string() + ": " + e.get_msg());
    }
}

SearchResult Searcher::search(const SearchRequest& request) {
    if (request.limit > SearchRequest::kMaxLimit) {
        throw QueryError("limit must be at most " + std::to_string(SearchRequest::kMaxLimit));
    }
    if (request.snippet_bytes < SearchRequest::kMinSnippetBytes ||
        request.snippet_bytes > SearchRequest::kMaxSnippetBytes) {
        throw QueryError("snippet length must be between " + std::to_string(SearchRequest::kMinSnippetBytes) +
                         " and " + std::to_string(SearchRequest::kMaxSnippetBytes) + " bytes");
    }
    if (request.offset > SearchRequest::kMaxOffset) {
        throw QueryError("offset must be at most " + std::to_string(SearchRequest::kMaxOffset));
    }
    for (int attempt = 0;; ++attempt) {
        try {
            return run(request);
        } catch (const Xapian::DatabaseModifiedError&) {
            if (attempt >= 3) throw std::runtime_error("index keeps changing under the search; try again");
            reopen();
        } catch (const Xapian::Error& e) {
            throw std::runtime_error("search failed: " + e.get_description());
        }
    }
}

SearchResult Searcher::run(const SearchRequest& request) {
    const auto t0 = std::chrono::steady_clock::now();
    SearchResult result;
    result.query = request.query;

    Xapian::Query query = builder_.parse(request.query);

    std::vector<Xapian::Query> filters;
    if (!request.sources.empty()) {
        std::vector<Xapian::Query> any;
        for (const auto& s : request.sources) {
            any.emplace_back(schema::boolean_term(schema::kSource, Xapian::Unicode::tolower(s)));
        }
        filters.emplace_back(Xapian::Query::OP_OR, any.begin(), any.end());
    }
    if (!request.from.empty() || !request.to.empty()) filters.push_back(date_range_query(request.from, request.to));

    const bool no_terms = query.empty();
    if (no_terms && filters.empty()) {
        result.took_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        return result;
    }
    if (no_terms) query = Xapian::Query::MatchAll;
    if (!filters.empty()) {
        Xapian::Query filter(Xapian::Query::OP_AND, filters.begin(), filters.end());
        query = Xapian::Query(Xapian::Query::OP_FILTER, query, filter);
    }

    Xapian::Enquire enquire(db_);
    enquire.set_query(query);
    enquire.set_weighting_scheme(Xapian::BM25Weight());
    if (request.sort == SortOrder::date) {
        enquire.set_sort_by_value_then_relevance(schema::kPublished, true);
    }
    if (request.collapse) enquire.set_collapse_key(schema::kArticleId);
    const auto limit = static_cast<Xapian::doccount>(request.limit);
    const auto offset = static_cast<Xapian::doccount>(request.offset);
    Xapian::MSet mset = enquire.get_mset(offset, limit, std::max<Xapian::doccount>(offset + limit + 1, kCheckAtLeast));
    result.estimate = mset.get_matches_estimated();
    result.lower_bound = mset.get_matches_lower_bound();
    result.upper_bound = mset.get_matches_upper_bound();

    // Terms to highlight: the query's unprefixed terms and its title terms.
    std::unordered_set<std::string> terms;
    for (auto it = query.get_unique_terms_begin(); it != query.get_unique_terms_end(); ++it) {
        const std::string& t = *it;
        if (t.empty()) continue;
        if (t[0] >= 'A' && t[0] <= 'Z') {
            if (t.compare(0, schema::kTitle.size(), schema::kTitle) == 0 && t.size() > 1 &&
                !(t[1] >= 'A' && t[1] <= 'Z')) {
                terms.insert(t.substr(schema::kTitle.size()));
            }
            continue;
        }
        terms.insert(t);
    }
    Highlighter highlighter(std::move(terms), QueryBuilder::wildcard_prefixes(request.query), stemmer_);
    SnippetOptions snippet_options = snippet_style_;
    snippet_options.max_bytes = request.snippet_bytes;

    namespace d = schema::data;
    for (auto it = mset.begin(); it != mset.end(); ++it) {
        const Xapian::Document doc = it.get_document();
        Hit hit;
        nlohmann::json data = nlohmann::json::parse(doc.get_data(), nullptr, false);
        if (data.is_discarded() || !data.is_object()) continue;  // not a Herald document
        hit.article_id = data.value(d::kArticleId, "");
        hit.paragraph = data.value(d::kParagraph, 0u);
        hit.id = hit.article_id + "#" + std::to_string(hit.paragraph);
        hit.title = data.value(d::kTitle, "");
        hit.url = data.value(d::kUrl, "");
        hit.source = data.value(d::kSource, "");
        hit.published = data.value(d::kPublished, "");
        hit.score = it.get_weight();
        hit.snippet = highlighter.snippet(data.value(d::kText, ""), snippet_options);
        if (auto e = data.find(d::kEntities); e != data.end() && e->is_array()) {
            for (const auto& x : *e) hit.entities.push_back({x.value("name", ""), x.value("type", "")});
        }
        result.hits.push_back(std::move(hit));
    }
    result.took_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return result;
}

nlohmann::json to_json(const SearchResult& result) {
    nlohmann::json hits = nlohmann::json::array();
    for (const auto& h : result.hits) {
        nlohmann::json entities = nlohmann::json::array();
        for (const auto& e : h.entities) entities.push_back({{"name", e.text}, {"type", e.type}});
        hits.push_back({{"id", h.id},
                        {"article_id", h.article_id},
                        {"paragraph", h.paragraph},
                        {"title", h.title},
                        {"url", h.url},
                        {"source", h.source},
                        {"published", h.published},
                        {"score", h.score},
                        {"snippet", h.snippet},
                        {"entities", std::move(entities)}});
    }
    return {{"query", result.query},
            {"total",
             {{"estimate", result.estimate},
              {"lower_bound", result.lower_bound},
              {"upper_bound", result.upper_bound}}},
            {"took_ms", result.took_ms},
            {"hits", std::move(hits)},
            {"facets", nlohmann::json::object()},
            {"suggestion", nullptr}};
}

}  // namespace herald
