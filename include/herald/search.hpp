// Searching a Herald index: the request, the result, and its JSON form
// (DESIGN.md "HTTP API"; herald-search --json prints exactly this).
#pragma once

#include <herald/article.hpp>
#include <herald/query.hpp>
#include <herald/snippet.hpp>

#include <nlohmann/json.hpp>
#include <xapian.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace herald {

enum class SortOrder { relevance, date };

/// @brief Parses "relevance" or "date".
/// @throws QueryError for anything else.
SortOrder parse_sort_order(std::string_view name);

/// One search, validated once and passed around as a plain struct.
struct SearchRequest {
    std::string query;                 ///< QueryBuilder syntax; may be empty
    std::vector<std::string> sources;  ///< OR-ed exact sources (case-folded)
    /// Entity filters: values OR-ed within one list, lists AND-ed (names compared by
    /// schema::entity_key: case, apostrophes and possessives do not matter).
    std::vector<std::string> persons, places, orgs;
    /// Facets to count over the whole match set: "person", "place", "org", "misc" or a
    /// corpus tag "tag.places", "tag.people", "tag.orgs", "tag.exchanges", "tag.topics".
    std::vector<std::string> facets;
    std::size_t facet_size = 10;       ///< values per facet, most frequent first (1 to 1000)
    std::string from;                  ///< inclusive lower date bound (date_bound_key syntax), or ""
    std::string to;                    ///< inclusive upper date bound, or ""
    SortOrder sort = SortOrder::relevance;  ///< date: newest first, then by relevance
    bool collapse = false;             ///< best paragraph per article only
    std::size_t offset = 0;            ///< hits to skip
    std::size_t limit = 10;            ///< hits to return, at most kMaxLimit
    std::size_t snippet_bytes = 200;   ///< see SnippetOptions::max_bytes; 16 to 100,000
    static constexpr std::size_t kMaxLimit = 1000;
    static constexpr std::size_t kMaxOffset = 100000;
    static constexpr std::size_t kMinSnippetBytes = 16;
    static constexpr std::size_t kMaxSnippetBytes = 100000;
};

struct Hit {
    std::string id;          ///< paragraph id: `<article_id>#<paragraph>`
    std::string article_id;
    unsigned paragraph = 0;  ///< 1-based
    std::string title;
    std::string url;
    std::string source;
    std::string published;   ///< ISO 8601 UTC or ""
    double score = 0;        ///< BM25 weight (0 for queries with no ranked terms)
    std::string snippet;     ///< HTML-escaped, matches in <mark>…</mark>
    std::vector<Entity> entities;
};

/// One value of a facet and how many hits carry it (paragraphs; articles with collapse).
struct FacetValue {
    std::string value;
    Xapian::doccount count = 0;
    /// Largest possible count: == count when the facets are exact.
    Xapian::doccount count_upper_bound = 0;
};

/// The facet names every search can count (SearchRequest::facets).
const std::vector<std::string>& known_facets();

struct SearchResult {
    std::string query;
    /// Number of matching paragraphs (articles with collapse), as Xapian's MSet estimates it.
    Xapian::doccount estimate = 0, lower_bound = 0, upper_bound = 0;
    double took_ms = 0;  ///< wall time of the search in milliseconds
    std::vector<Hit> hits;
    /// Requested facets in request order, each value list sorted by count then name.
    std::vector<std::pair<std::string, std::vector<FacetValue>>> facets;
    /// True when every matching paragraph was counted (up to Searcher::kMaxFacetDocuments are).
    bool facets_exact = true;
};

/// @brief Searches one index. Owns its Xapian::Database, Enquire and QueryBuilder:
///        not thread-safe, use one Searcher per thread.
class Searcher {
   public:
    /// @param index_dir a folder written by IndexWriter.
    /// @param language stemming language of queries: that of the articles to be found
    ///        (ISO code or Snowball name; "none" or an unknown language: no stemming).
    /// @throws std::runtime_error naming the folder when it is missing or not an index.
    explicit Searcher(const std::filesystem::path& index_dir, const std::string& language = "en");

    /// @brief Runs @p request. A query without terms and without filters gives no hits.
    ///        When the index changes under the search (Xapian::DatabaseModifiedError),
    ///        the database is reopened and the whole search rerun.
    /// @throws QueryError for a bad query, date, limit, offset or snippet length (a user error).
    /// @throws std::runtime_error when the index cannot be read.
    SearchResult search(const SearchRequest& request);

    /// @brief Options for the snippets of later searches (escape_html, markers).
    void set_snippet_style(const SnippetOptions& options) { snippet_style_ = options; }

    /// @brief Moves to the latest committed revision, and to a new generation after a
    ///        rebuild (index_layout.hpp). Cheap when nothing changed (reads the stub file).
    /// @return whether the index may have changed.
    /// @throws std::runtime_error when the index cannot be opened any more.
    bool reopen();

    const Xapian::Database& database() const { return db_; }

    /// Most paragraphs a facet count examines; beyond it counts are lower bounds.
    static constexpr Xapian::doccount kMaxFacetDocuments = 2000000;

   private:
    SearchResult run(const SearchRequest& request);
    void open_database();

    std::filesystem::path dir_;
    std::string stub_;  // the stub's text when db_ was opened
    Xapian::Database db_;
    QueryBuilder builder_;
    SnippetOptions snippet_style_;
    Xapian::Stem stemmer_;
};

/// @brief The JSON of DESIGN.md: {"query", "total": {"estimate", "lower_bound",
///        "upper_bound"}, "took_ms", "hits": [{"id", "article_id", "paragraph",
///        "title", "url", "source", "published", "score", "snippet", "entities": [{"name",
///        "type"}]}], "facets": {"person": [{"value", "count"}], ...}, "facets_exact",
///        "suggestion": null}. When facets_exact is false each value also has
///        "count_upper_bound".
nlohmann::json to_json(const SearchResult& result);

}  // namespace herald
