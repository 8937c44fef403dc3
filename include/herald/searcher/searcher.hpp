// Searching a Herald index: the request, the result, and its JSON form
// (docs/http-api.md; herald-search --json prints exactly this).
#pragma once

#include <herald/searcher/entity_groups.hpp>
#include <herald/searcher/query.hpp>
#include <herald/searcher/snippet.hpp>
#include <herald/text/article.hpp>
#include <herald/text/index_layout.hpp>

#include <nlohmann/json.hpp>
#include <xapian.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace herald {

enum class SortOrder { relevance, date };

/// @brief What a query matches, ranks and counts (docs/http-api.md, `within`).
enum class SearchUnit {
    /// Stories (the default): an article matches when the article as a whole satisfies the
    /// query — plain words, `AND OR NOT + -` across all its paragraphs and its title; phrases
    /// and `NEAR` inside one paragraph; filters on the article. One hit per article, totals
    /// and facet counts in articles.
    article,
    /// Single paragraphs, for a quote or a co-occurrence: a paragraph matches when it alone
    /// satisfies the query. Hits, totals and facets are paragraphs (articles with collapse).
    paragraph,
};

/// @brief Parses "article" or "paragraph" (an empty value: article).
/// @throws QueryError naming the value for anything else.
SearchUnit parse_search_unit(std::string_view name);

/// @brief "article" or "paragraph".
const char* to_string(SearchUnit unit);

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
    std::size_t facet_size = 10;  ///< values per facet, most frequent first (1 to 1000)
    std::string from;             ///< inclusive lower date bound (date_bound_key syntax), or ""
    std::string to;               ///< inclusive upper date bound, or ""
    SortOrder sort = SortOrder::relevance;    ///< date: newest first, then by relevance
    SearchUnit within = SearchUnit::article;  ///< stories (default) or single paragraphs
    /// Paragraph mode only: best paragraph per article only. Story hits are articles already.
    bool collapse = false;
    std::size_t offset = 0;           ///< hits to skip
    std::size_t limit = 10;           ///< hits to return, at most kMaxLimit
    std::size_t snippet_bytes = 200;  ///< see SnippetOptions::max_bytes; 16 to 100,000
    /// false: hits carry no snippet (Hit::snippet empty), which saves most of the time of
    /// a 1,000-hit search; for evaluation runs and clients that show ids only. Library only.
    bool snippets = true;

    /// How plain words combine: all required (the default of docs/cli.md) or any (ranked by BM25).
    DefaultOperator default_operator = DefaultOperator::all_words;

    /// BM25 term-frequency saturation k1, in [kMinBm25K1, kMaxBm25K1]; 0 ignores how often a
    /// word occurs. Ranking only: never changes which paragraphs match.
    /// @see S. Robertson and H. Zaragoza, "The Probabilistic Relevance Framework: BM25 and
    ///      Beyond", Foundations and Trends in IR 3(4), 2009; Xapian::BM25Weight.
    double bm25_k1 = kDefaultBm25K1;
    /// BM25 length normalization b, in [0, 1]: 0 ignores paragraph length, 1 normalizes fully.
    double bm25_b = kDefaultBm25B;

    /// Pseudo-relevance feedback: when > 0, the query is run, its top feedback_documents
    /// paragraphs are taken as relevant (a Xapian::RSet), Xapian's expand set proposes
    /// feedback_terms new terms from them, and the query is run again with those terms
    /// OR-ed in at a lower weight (Searcher::search documents the details). 0 (the
    /// default) = off; at most kMaxFeedbackDocuments.
    std::size_t feedback_documents = 0;
    /// Expansion terms added by feedback, 1 to kMaxFeedbackTerms (used only when
    /// feedback_documents > 0).
    std::size_t feedback_terms = kDefaultFeedbackTerms;

    /// Story mode: weight of the best paragraph's BM25 score added to the article's own
    /// (Searcher::search documents the combination); 0 ranks by the article score alone.
    /// Library only, for evaluation; in [0, kMaxPassageWeight].
    double passage_weight = kDefaultPassageWeight;

    static constexpr std::size_t kMaxLimit = 1000;
    static constexpr double kDefaultPassageWeight = 0.1;
    static constexpr double kMaxPassageWeight = 10.0;
    static constexpr std::size_t kMaxOffset = 100000;
    static constexpr std::size_t kMinSnippetBytes = 16;
    static constexpr std::size_t kMaxSnippetBytes = 100000;
    /// Xapian's own BM25 defaults (Xapian::BM25Weight()), kept for news search: README.md
    /// ("Ranking options") gives their effect on the CACM test collection.
    static constexpr double kDefaultBm25K1 = 1.0;
    static constexpr double kDefaultBm25B = 0.5;
    static constexpr double kMinBm25K1 = 0.0, kMaxBm25K1 = 10.0;
    static constexpr std::size_t kMaxFeedbackDocuments = 100;
    static constexpr std::size_t kDefaultFeedbackTerms = 10;
    static constexpr std::size_t kMaxFeedbackTerms = 50;
};

struct Hit {
    std::string id;  ///< paragraph id: `<article_id>#<paragraph>` (story hits: the best paragraph)
    std::string article_id;
    unsigned paragraph = 0;  ///< 1-based; story hits: the best matching paragraph
    std::string title;
    std::string url;
    std::string source;
    std::string published;         ///< ISO 8601 UTC or ""
    double score = 0;              ///< BM25 weight (0 for queries with no ranked terms)
    std::string snippet;           ///< HTML-escaped, matches in <mark>…</mark>
    std::vector<Entity> entities;  ///< the paragraph's; story hits: the whole article's
    /// Story hits: the numbers of the paragraphs that match the query words (any of them),
    /// best first; empty when only the title or the filters match. Paragraph hits: empty.
    std::vector<unsigned> paragraphs;
    /// Story hits: the passages of the snippet in paragraph order (snippet is their text
    /// joined with " … "). Paragraph hits: empty.
    std::vector<Passage> passages;
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
    /// What the search matched and counted: SearchRequest::within, except that a story search
    /// of an index without story documents (has_story_documents()) runs on paragraphs,
    /// collapsed by article.
    SearchUnit within = SearchUnit::article;
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
    ///
    ///        Story search (SearchUnit::article) runs the query and its filters on the story
    ///        documents (herald/index/document.hpp), so totals and facet counts are articles.
    ///        Ranked by relevance, each page of hits within the first kRerankDepth of the
    ///        match set is then reordered by score(article) + passage_weight × score(best
    ///        paragraph) (within the page, so pages stay consecutive slices of one ranking).
    ///        A paragraph's score is BM25 over its own words (locate()), for the words of the
    ///        passage query: the query's ranked part with conjunctions made disjunctions and
    ///        excluded and title words dropped. Which paragraphs hold which words is read from
    ///        the story document's positions (schema::paragraph_of_position()); that also gives
    ///        each hit its matching paragraphs (Hit::paragraphs, best first) and the paragraphs
    ///        of its passages (the best one, then those showing words it lacks; cut by
    ///        Highlighter::story_snippet). An article matched only by its title or the filters
    ///        shows its lead paragraph. A hit's entities are those of its passages' paragraphs.
    ///        passage_weight 0.1 was chosen on development known-item sets (bench/README.md,
    ///        "Choosing the story ranking").
    ///        Sorted by date, articles are not reranked.
    ///        Ranked by relevance (with query words), hits of equal score (exact copies of
    ///        a story) go to the earlier published, then the smaller article id (numbers
    ///        numerically, before other ids), undated last, then the earlier paragraph: the
    ///        order does not depend on document ids, which a sharded build assigns by hash.
    /// @see J. P. Callan, "Passage-level evidence in document retrieval", SIGIR 1994 (the
    ///      combination of document and best-passage scores).
    ///
    ///        Ranking is Xapian::BM25Weight(bm25_k1, 0, 1, bm25_b, 0.5) over paragraphs, and
    ///        the same BM25 over story documents with N the number of stories
    ///        (SubsetBm25Weight: story words occur in story documents only). With
    ///        feedback_documents > 0 (pseudo-relevance feedback), the query with its filters
    ///        is first run for its top feedback_documents paragraphs; they form a
    ///        Xapian::RSet, and Enquire::get_eset (Xapian's default probabilistic expansion
    ///        weighting) proposes up to feedback_terms terms from them, skipping the query's
    ///        own terms, stop words and every term that starts with an ASCII capital (the
    ///        prefixed title, source, entity, tag, language and id terms of schema.hpp), so
    ///        feedback never adds a filter (story searches take story words, schema::kStoryWord,
    ///        and nothing else). The query is then run as `query OR expansion`,
    ///        the best expansion term weighted 0.5 (OP_SCALE_WEIGHT) and the others by their
    ///        expand weight relative to it; the filters restrict the whole query as before
    ///        and words excluded at the top level (`-word`) stay excluded. Queries with no
    ///        ranked word (filters only, excluded words only) are not expanded. Cost: about
    ///        one more search. Expansion terms are highlighted in snippets like query words.
    /// @see J. J. Rocchio, "Relevance feedback in information retrieval" (1971) for the idea;
    ///      S. E. Robertson, "On term selection for query expansion" (1990) for the weights.
    /// @throws QueryError for a bad query, date, limit, offset or snippet length, bm25_k1
    ///         outside [0, 10], bm25_b outside [0, 1] (NaN included), feedback_documents
    ///         over kMaxFeedbackDocuments, passage_weight outside [0, 10], or feedback_terms
    ///         outside [1, kMaxFeedbackTerms] (a user error).
    /// @throws std::runtime_error when the index cannot be read.
    SearchResult search(const SearchRequest& request);

    /// @brief The Highlighter of @p query: its words, title words and wildcard prefixes, as
    ///        search() marks them in snippets (for the article view's marked paragraphs).
    /// @throws QueryError when @p query cannot be parsed.
    Highlighter highlighter(const std::string& query);

    /// @brief Options for the snippets of later searches (escape_html, markers).
    void set_snippet_style(const SnippetOptions& options) { snippet_style_ = options; }

    /// @brief Moves to the latest committed revision, and to a new generation after a
    ///        rebuild (herald/text/index_layout.hpp). Cheap when nothing changed (a stat and a read
    ///        of the stub file).
    /// @return whether the index may have changed.
    /// @throws std::runtime_error when the index cannot be opened any more.
    bool reopen();

    /// @brief Whether a rebuild switched the index since this Searcher opened it (the stub
    ///        names another generation, or the folder was replaced): reopen() would open the
    ///        new one and close the old one's files. A stat and a read of the stub; no Xapian
    ///        call. @throws nothing.
    bool switched() const;

    const Xapian::Database& database() const { return db_; }

    /// Most paragraphs a facet count examines; beyond it counts are lower bounds.
    static constexpr Xapian::doccount kMaxFacetDocuments = 2000000;

   private:
    // A word of the passage query and its idf.
    struct PassageTerm {
        std::string term;
        double idf;
    };
    // A paragraph of a story holding passage terms: its number, score and terms (bit i:
    // terms[i] of passage_terms(), the first 64).
    struct ParagraphMatch {
        unsigned paragraph;
        double score;
        std::uint64_t terms;
    };
    // Story ranking: hits past this rank of the match set are not reranked.
    static constexpr std::size_t kRerankDepth = 100;
    // Passages a story snippet shows at most.
    static constexpr std::size_t kMaxPassages = 3;
    SearchResult run(const SearchRequest& request);
    // @p query restricted to story documents (@p stories), or to paragraph documents.
    Xapian::Query scoped(const Xapian::Query& query, bool stories) const;
    // Story hits of @p mset (story documents): each hit's matching paragraphs and passages,
    // reranked within the page when @p rerank; @p ranked is the query's ranked part.
    void add_story_hits(const SearchRequest& request,
                        const Xapian::Query& ranked,
                        const Xapian::Query& query,
                        const Xapian::MSet& mset,
                        bool rerank,
                        SearchResult& result) const;
    // The words of @p passage (a passage query: story words, story_words_ + term) that the
    // index holds, with their idf over story documents; frequencies from @p mset's statistics
    // (no database read for a term of the query).
    std::vector<PassageTerm> passage_terms(const Xapian::Query& passage,
                                           const Xapian::MSet& mset) const;
    // Per paragraph (1-based): the count of each passage term, and bit i set when the
    // paragraph's own text holds terms[i] (the first 64).
    struct ParagraphTerms {
        std::vector<Xapian::termcount> tf;
        std::uint64_t held = 0;
    };
    // The paragraphs of @p found, best first: a paragraph's score is BM25 over its words, sum
    // of idf × (k1 + 1) tf / (k1 ((1 − b) + b len / avg) + tf), with len = lengths[n − 1]
    // (avg when missing) and avg the index's average document length.
    std::vector<ParagraphMatch> score_paragraphs(const std::map<unsigned, ParagraphTerms>& found,
                                                 const std::vector<Xapian::termcount>& lengths,
                                                 const std::vector<PassageTerm>& terms,
                                                 double k1,
                                                 double b) const;
    // The paragraphs of story document @p story (@p doc) holding any of @p terms, best first,
    // read from its positions (schema::paragraph_of_position()), with their lengths from
    // schema::kParagraphLengths: for an index of schema 2, whose story documents hold no text.
    std::vector<ParagraphMatch> locate(const Xapian::Document& doc,
                                       Xapian::docid story,
                                       const std::vector<PassageTerm>& terms,
                                       double k1,
                                       double b) const;
    // The same from the story's texts as Highlighter::mark() marked them (@p headline, and
    // each paragraph's, in order), a paragraph's length its number of words: reads nothing.
    std::vector<ParagraphMatch> locate(const MarkedText& headline,
                                       const std::vector<MarkedText>& paragraphs,
                                       const std::vector<PassageTerm>& terms,
                                       double k1,
                                       double b) const;
    // The hits of @p mset, with snippets highlighting the terms of @p query, appended to @p result.
    void add_hits(const SearchRequest& request,
                  const Xapian::Query& query,
                  const Xapian::MSet& mset,
                  SearchResult& result) const;
    // Pseudo-relevance feedback (see search()): @p match with expansion terms OR-ed in.
    Xapian::Query expand_query(const Xapian::Query& match,
                               const Xapian::Query& filter,
                               bool stories,
                               const Xapian::Weight& weight,
                               std::size_t documents,
                               std::size_t terms);
    void open_database();

    std::filesystem::path dir_;
    std::optional<IndexIdentity> identity_;  // of the index folder when db_ was opened
    Xapian::Database db_;
    bool story_documents_ = false;  // has_story_documents(db_)
    std::string story_words_;       // story_word_prefix(db_)
    Xapian::doccount stories_ = 0;  // story documents in db_ (schema 3)
    QueryBuilder builder_;
    SnippetOptions snippet_style_;
    Xapian::Stem stemmer_;
    std::unique_ptr<Xapian::Stopper> stopper_;  // stop words never proposed by feedback
    ResolutionCache resolution_cache_;          // the collection's entity groups
};

/// @brief The JSON of docs/http-api.md: {"query", "total": {"estimate", "lower_bound",
///        "upper_bound"}, "took_ms", "hits": [{"id", "article_id", "paragraph",
///        "title", "url", "source", "published", "score", "snippet", "entities": [{"name",
///        "type"}]}], "facets": {"person": [{"value", "count"}], ...}, "facets_exact",
///        "suggestion": null}. When facets_exact is false each value also has
///        "count_upper_bound".
nlohmann::json to_json(const SearchResult& result);

}  // namespace herald
