#include <herald/searcher/searcher.hpp>
#include <herald/searcher/weight.hpp>
#include <herald/text/index_layout.hpp>
#include <herald/text/paragraph_data.hpp>
#include <herald/text/schema.hpp>
#include <herald/text/strings.hpp>
#include <herald/text/words.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <system_error>
#include <unordered_map>
#include <unordered_set>

namespace herald {

namespace {
// Matches counted exactly before Xapian estimates the rest (Elasticsearch counts 10,000).
constexpr Xapian::doccount kCheckAtLeast = 1000;
// With collapse, paragraphs examined to count articles exactly.
constexpr Xapian::doccount kCollapseCount = 10000;

// Hits of one page with equal scores (exact copies of a wire story score alike): the earlier
// published first (undated last), then the smaller article id (numerically when both are
// numbers), then the earlier paragraph. Xapian alone would order them by document id, which a
// sharded build assigns by a hash of the article id, so the order would change with --threads.
bool before_on_tie(const Hit& a, const Hit& b) {
    const std::string ka = timestamp_key(a.published), kb = timestamp_key(b.published);
    if (ka != kb) return kb.empty() || (!ka.empty() && ka < kb);
    const auto digits = [](const std::string& s) {
        return !s.empty() && std::all_of(s.begin(), s.end(),
                                         [](unsigned char c) { return c >= '0' && c <= '9'; });
    };
    if (a.article_id != b.article_id) {
        if (digits(a.article_id) && digits(b.article_id) &&
            a.article_id.size() != b.article_id.size())
            return a.article_id.size() < b.article_id.size();
        return a.article_id < b.article_id;
    }
    return a.paragraph < b.paragraph;
}

// Orders a page of hits ranked by relevance by score, ties by before_on_tie().
void order_ties(std::vector<Hit>& hits, std::size_t first) {
    std::stable_sort(hits.begin() + static_cast<std::ptrdiff_t>(first), hits.end(),
                     [](const Hit& a, const Hit& b) {
                         if (a.score != b.score) return a.score > b.score;
                         return before_on_tie(a, b);
                     });
}

// The word of @p term when it is a word term with prefix @p words (schema::kStoryWord, or ""
// for the unprefixed words of paragraphs), else "". A word never starts with an ASCII capital,
// so other prefixed terms never pass for words.
std::string_view word_of(std::string_view term, std::string_view words) {
    if (term.size() <= words.size() || term.compare(0, words.size(), words) != 0) return {};
    const char first = term[words.size()];
    if (first >= 'A' && first <= 'Z') return {};
    return term.substr(words.size());
}

// Counts the facet values (slot schema::kFacets) of every document the matcher examines.
// Xapian shows a spy each matching paragraph, collapsed or not; with collapse the spy
// counts each (article, value) pair once, so counts are articles.
class FacetSpy : public Xapian::MatchSpy {
   public:
    // @p resolution: entity values count under their target (entity_groups.hpp).
    FacetSpy(const std::vector<std::string>& facets,
             bool collapse,
             const EntityResolution* resolution = nullptr)
        : wanted_(facets.begin(), facets.end()), collapse_(collapse), resolution_(resolution) {}

    void operator()(const Xapian::Document& doc, double) override {
        ++documents_;
        const std::string article = collapse_ ? doc.get_value(schema::kArticleId) : std::string();
        if (collapse_) articles_.insert(article);
        const std::string slot = doc.get_value(schema::kFacets);
        if (slot.empty()) return;
        in_document_.clear();
        schema::decode_facets(slot, [&](std::string_view facet, std::string_view name) {
            std::optional<ResolvedValue> resolved;
            if (resolution_ != nullptr) resolved = resolve_facet_value(facet, name, *resolution_);
            if (resolved) facet = resolved->facet;
            if (!wanted_.count(std::string(facet))) return;
            std::string key(facet);
            key += '\x1f';
            key += resolved ? resolved->key : schema::entity_key(name);
            // Two values of one document may resolve to one entity: count it once.
            if (resolved && !in_document_.insert(key).second) return;
            if (collapse_ && !seen_.insert(article + '\x1e' + key).second) return;
            auto [it, fresh] = counts_.try_emplace(std::move(key));
            if (fresh) {
                it->second.display = std::string(name);
                if (resolved) it->second.term = std::move(resolved->term);
            }
            ++it->second.count;
        });
    }

    std::string name() const override { return "herald.FacetSpy"; }
    Xapian::doccount documents() const { return documents_; }
    /// Distinct articles seen (counted only with collapse).
    Xapian::doccount articles() const { return static_cast<Xapian::doccount>(articles_.size()); }

    // Values of @p facet, most frequent first, then by name; at most @p size.
    // Entity values show the best label stored for their (target) term, when @p db has one.
    std::vector<FacetValue> top(const std::string& facet,
                                std::size_t size,
                                Xapian::doccount unseen,
                                const Xapian::Database* db = nullptr) const {
        std::vector<std::pair<FacetValue, const std::string*>> values;  // with the label term
        const std::string prefix = facet + '\x1f';
        for (const auto& [key, entry] : counts_) {
            if (key.compare(0, prefix.size(), prefix) == 0) {
                values.push_back({{entry.display, entry.count, entry.count + unseen}, &entry.term});
            }
        }
        auto by_count = [](const auto& a, const auto& b) {
            return a.first.count != b.first.count ? a.first.count > b.first.count
                                                  : a.first.value < b.first.value;
        };
        std::sort(values.begin(), values.end(), by_count);
        std::vector<FacetValue> out;
        for (std::size_t i = 0; i < values.size() && i < size; ++i) {
            out.push_back(values[i].first);
            if (db == nullptr || values[i].second->empty()) continue;
            const std::string label = db->get_metadata(schema::display_key(*values[i].second));
            if (!label.empty()) out.back().value = label;
        }
        return out;
    }

   private:
    struct Entry {
        std::string display;
        std::string term;  // of an entity value: its (target) term, for the label
        Xapian::doccount count = 0;
    };
    std::unordered_set<std::string> wanted_;
    bool collapse_;
    const EntityResolution* resolution_;
    std::unordered_set<std::string> in_document_;  // resolved values of the current document
    Xapian::doccount documents_ = 0;
    std::unordered_map<std::string, Entry> counts_;
    std::unordered_set<std::string> seen_;
    std::unordered_set<std::string> articles_;
};

// Pseudo-relevance feedback: weight of the best expansion term relative to a query word;
// the others are scaled by their expand weight relative to the best. On CACM (README.md,
// "Ranking options") 0.3 to 0.5 gave the same MAP, 0.7 and 1.0 less; a flat weight for
// every term did no better, nor did OP_AND_MAYBE instead of OP_OR.
constexpr double kFeedbackWeight = 0.5;

// A query restricted to the documents of @p filter (unchanged when @p filter is empty).
Xapian::Query filtered(const Xapian::Query& match, const Xapian::Query& filter) {
    return filter.empty() ? match : Xapian::Query(Xapian::Query::OP_FILTER, match, filter);
}

// Accepts as expansion terms only plain (unprefixed) words that are neither in the query
// nor stop words: boolean terms (Q, XA, XE..., XT..., L), title terms (S) and the like
// start with an ASCII capital and are never proposed, so feedback cannot add a filter.
class FeedbackDecider : public Xapian::ExpandDecider {
   public:
    FeedbackDecider(const Xapian::Query& query,
                    const Xapian::Stopper* stopper,
                    std::string_view words)
        : stopper_(stopper), words_(words) {
        for (auto it = query.get_unique_terms_begin(); it != query.get_unique_terms_end(); ++it) {
            query_terms_.insert(*it);
        }
    }

    bool operator()(const std::string& term) const override {
        const std::string_view word = word_of(term, words_);
        if (word.empty()) return false;
        if (query_terms_.count(term) != 0) return false;
        return stopper_ == nullptr || !(*stopper_)(std::string(word));
    }

   private:
    std::unordered_set<std::string> query_terms_;
    const Xapian::Stopper* stopper_;
    std::string words_;  // the prefix of word terms: schema::kStoryWord in story documents
};

// The request's filters (query filters, sources, dates, entities) AND-ed; @p any tells
// whether there was any filter at all.
Xapian::Query filter_query(const SearchRequest& request,
                           const Xapian::Query& parsed_filter,
                           const EntityResolution& resolution,
                           bool& any) {
    std::vector<Xapian::Query> filters;
    if (!parsed_filter.empty()) filters.push_back(expand_entity_terms(parsed_filter, resolution));
    if (!request.sources.empty()) {
        std::vector<Xapian::Query> any_source;
        for (const auto& s : request.sources) {
            any_source.emplace_back(
                schema::boolean_term(schema::kSource, Xapian::Unicode::tolower(s)));
        }
        filters.emplace_back(Xapian::Query::OP_OR, any_source.begin(), any_source.end());
    }
    if (!request.from.empty() || !request.to.empty())
        filters.push_back(date_range_query(request.from, request.to));
    const std::pair<const std::vector<std::string>*, EntityType> entity_filters[] = {
        {&request.persons, EntityType::person},
        {&request.places, EntityType::place},
        {&request.orgs, EntityType::organization}};
    for (const auto& [values, type] : entity_filters) {
        std::vector<Xapian::Query> any_value;
        for (const auto& v : *values) {
            if (!trim(v).empty())
                any_value.push_back(
                    entity_group_query(schema::entity_term(type, trim(v)), resolution));
        }
        if (!any_value.empty())
            filters.emplace_back(Xapian::Query::OP_OR, any_value.begin(), any_value.end());
    }
    any = !filters.empty();
    return filters.empty()
               ? Xapian::Query()
               : (filters.size() == 1
                      ? filters[0]
                      : Xapian::Query(Xapian::Query::OP_AND, filters.begin(), filters.end()));
}

// What one Enquire run returns: hits [first, first + count) of the match set, collapsed by
// article or not.
struct MSetWindow {
    Xapian::doccount first = 0, count = 10;
    bool collapse = false;
};

// Runs @p query on @p db: sort, collapse and the facet spy (emplaced into @p spy when needed);
// @p check_at_least gets the number of matches the matcher was asked to check.
Xapian::MSet run_enquire(const Xapian::Database& db,
                         const SearchRequest& request,
                         const Xapian::Query& query,
                         const Xapian::Weight& weight,
                         const MSetWindow& window,
                         std::optional<FacetSpy>& spy,
                         Xapian::doccount& check_at_least,
                         const EntityResolution& resolution) {
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    enquire.set_weighting_scheme(weight);
    if (request.sort == SortOrder::date) {
        enquire.set_sort_by_value_then_relevance(schema::kPublished, true);
    }
    if (window.collapse) enquire.set_collapse_key(schema::kArticleId);
    check_at_least = std::max<Xapian::doccount>(window.first + window.count + 1, kCheckAtLeast);
    if (!request.facets.empty() || window.collapse) {
        // Facets need every match; a collapsed total needs the articles of the matches seen.
        spy.emplace(request.facets, window.collapse, &resolution);
        enquire.add_matchspy(&*spy);
        const Xapian::doccount wanted =
            request.facets.empty() ? kCollapseCount : Searcher::kMaxFacetDocuments;
        check_at_least = std::max(check_at_least, std::min(db.get_doccount(), wanted));
    }
    return enquire.get_mset(window.first, window.count, check_at_least);
}

// The facet counts the spy collected into @p result, and with collapse the exact article totals.
void collect_facets(const Xapian::Database& db,
                    const SearchRequest& request,
                    bool collapse,
                    const FacetSpy& spy,
                    const Xapian::MSet& mset,
                    Xapian::doccount check_at_least,
                    SearchResult& result) {
    // The matcher examined every match when it saw fewer than it was asked to check, or
    // was asked to check as many as the index holds: then the spy saw every match.
    const bool all_seen = spy.documents() < check_at_least || check_at_least >= db.get_doccount();
    result.facets_exact = all_seen;
    const Xapian::doccount all = mset.get_uncollapsed_matches_upper_bound();
    const Xapian::doccount unseen =
        result.facets_exact || all <= spy.documents() ? 0 : all - spy.documents();
    if (all_seen && collapse) {
        // Xapian's collapsed totals are estimates; the spy knows the exact article count.
        result.estimate = result.lower_bound = result.upper_bound = spy.articles();
    }
    for (const auto& f : request.facets)
        result.facets.emplace_back(f, spy.top(f, request.facet_size, unseen, &db));
    if (request.facets.empty()) result.facets_exact = true;  // no facets asked: nothing inexact
}

// Whether every document matching @p q holds a word term with prefix @p words (word_of()):
// a leaf word; a conjunction, phrase or NEAR with such a part; a disjunction of such parts;
// the positive side of AND_NOT and AND_MAYBE. False when unsure (wildcards, match-all, value
// ranges), which only costs a filter.
bool needs_word(const Xapian::Query& q, std::string_view words) {
    switch (q.get_type()) {
        case Xapian::Query::LEAF_TERM: {
            auto it = q.get_terms_begin();
            return it != q.get_terms_end() && !word_of(*it, words).empty();
        }
        case Xapian::Query::OP_AND:
        case Xapian::Query::OP_FILTER:
        case Xapian::Query::OP_PHRASE:
        case Xapian::Query::OP_NEAR:
            for (std::size_t i = 0; i < q.get_num_subqueries(); ++i) {
                if (needs_word(q.get_subquery(i), words)) return true;
            }
            return false;
        case Xapian::Query::OP_OR:
        case Xapian::Query::OP_XOR:
        case Xapian::Query::OP_ELITE_SET:
        case Xapian::Query::OP_SYNONYM:
        case Xapian::Query::OP_MAX:
            if (q.get_num_subqueries() == 0) return false;
            for (std::size_t i = 0; i < q.get_num_subqueries(); ++i) {
                if (!needs_word(q.get_subquery(i), words)) return false;
            }
            return true;
        case Xapian::Query::OP_AND_NOT:
        case Xapian::Query::OP_AND_MAYBE:
        case Xapian::Query::OP_SCALE_WEIGHT:
            return q.get_num_subqueries() > 0 && needs_word(q.get_subquery(0), words);
        default:
            return false;
    }
}

// Whether @p term is a title term (schema::kTitle + a word).
bool is_title_term(const std::string& t) {
    return t.size() > schema::kTitle.size() &&
           t.compare(0, schema::kTitle.size(), schema::kTitle) == 0 &&
           !(t[schema::kTitle.size()] >= 'A' && t[schema::kTitle.size()] <= 'Z');
}

// Whether every term of @p q is a title term (false for a query without terms).
bool title_only(const Xapian::Query& q) {
    bool any = false;
    for (auto it = q.get_terms_begin(); it != q.get_terms_end(); ++it) {
        if (!is_title_term(*it)) return false;
        any = true;
    }
    return any;
}

// The passage query of a story query's ranked part: which paragraphs of a matching article
// hold its evidence. Every conjunction becomes a disjunction (a story's words may sit in
// different paragraphs), an exclusion keeps its positive side (the article already has
// none of the excluded words), phrases and NEAR stay as they are (they match inside one
// paragraph), title terms are dropped (every paragraph carries the title alike), and what
// has no term (match-all, value ranges) is dropped. Empty when nothing is left.
Xapian::Query passage_query(const Xapian::Query& q) {
    switch (q.get_type()) {
        case Xapian::Query::LEAF_TERM:
            return title_only(q) ? Xapian::Query() : q;
        case Xapian::Query::OP_AND:
        case Xapian::Query::OP_OR:
        case Xapian::Query::OP_AND_MAYBE:
        case Xapian::Query::OP_XOR:
        case Xapian::Query::OP_ELITE_SET: {
            std::vector<Xapian::Query> parts;
            for (std::size_t i = 0; i < q.get_num_subqueries(); ++i) {
                Xapian::Query part = passage_query(q.get_subquery(i));
                if (!part.empty()) parts.push_back(std::move(part));
            }
            if (parts.empty()) return {};
            if (parts.size() == 1) return parts[0];
            return Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end());
        }
        case Xapian::Query::OP_AND_NOT:
        case Xapian::Query::OP_FILTER:
            return q.get_num_subqueries() > 0 ? passage_query(q.get_subquery(0)) : Xapian::Query();
        case Xapian::Query::LEAF_MATCH_ALL:
        case Xapian::Query::LEAF_MATCH_NOTHING:
        case Xapian::Query::OP_VALUE_RANGE:
        case Xapian::Query::OP_VALUE_GE:
        case Xapian::Query::OP_VALUE_LE:
            return {};
        default:
            // Phrases, NEAR, wildcards, synonyms, scaled expansion terms: kept whole, unless
            // they hold title terms only.
            if (q.get_terms_begin() == q.get_terms_end() || title_only(q)) return {};
            return q;
    }
}

// Terms to highlight: the query's unprefixed terms and its title terms.
std::unordered_set<std::string> highlight_terms(const Xapian::Query& query) {
    std::unordered_set<std::string> terms;
    for (auto it = query.get_unique_terms_begin(); it != query.get_unique_terms_end(); ++it) {
        const std::string& t = *it;
        if (t.empty()) continue;
        if (t[0] >= 'A' && t[0] <= 'Z') {
            // Title words and story words highlight as the words they are.
            for (std::string_view prefix : {schema::kTitle, schema::kStoryWord}) {
                const std::string_view word = word_of(t, prefix);
                if (!word.empty()) terms.emplace(word);
            }
            continue;
        }
        terms.insert(t);
    }
    return terms;
}

double millis_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

const std::vector<std::string>& known_facets() {
    static const std::vector<std::string> names = {
        std::string(entity_facet_name(EntityType::person)),
        std::string(entity_facet_name(EntityType::place)),
        std::string(entity_facet_name(EntityType::organization)),
        std::string(entity_facet_name(EntityType::misc)),
        "tag.places",
        "tag.people",
        "tag.orgs",
        "tag.exchanges",
        "tag.topics"};
    return names;
}

SortOrder parse_sort_order(std::string_view name) {
    if (name == "relevance") return SortOrder::relevance;
    if (name == "date") return SortOrder::date;
    throw QueryError("unknown sort order \"" + std::string(name) + "\" (relevance or date)");
}

SearchUnit parse_search_unit(std::string_view name) {
    if (name.empty() || name == "article") return SearchUnit::article;
    if (name == "paragraph") return SearchUnit::paragraph;
    throw QueryError("unknown search unit \"" + std::string(name) + "\" (article or paragraph)");
}

const char* to_string(SearchUnit unit) {
    return unit == SearchUnit::paragraph ? "paragraph" : "article";
}

Searcher::Searcher(const std::filesystem::path& index_dir, const std::string& language)
    : dir_(index_dir),
      builder_(language),
      stemmer_(make_stemmer_or_none(language)),
      stopper_(make_stopper(language)) {
    std::error_code ec;
    if (!std::filesystem::is_directory(index_dir, ec)) {
        throw std::runtime_error("no index at " + index_dir.string() + " (folder not found)");
    }
    open_database();
}

void Searcher::open_database() {
    try {
        // The identity is read before the database (a switch in between is seen next time)
        // and kept only once the database opened (else the next reopen() tries again).
        auto identity = index_identity(dir_);
        Xapian::Database db(dir_.string());
        const bool story_documents = has_story_documents(db);
        std::string story_words = story_word_prefix(db);
        const Xapian::doccount stories = db.get_termfreq(std::string(schema::kStoryDocument));
        db_ = std::move(db);  // the old generation's files close here
        identity_ = std::move(identity);
        story_documents_ = story_documents;
        story_words_ = std::move(story_words);
        stories_ = stories;
    } catch (const Xapian::Error& e) {
        throw std::runtime_error("cannot open index " + dir_.string() + ": " + e.get_msg());
    }
    builder_.set_database(db_);
}

bool Searcher::switched() const {
    return index_identity(dir_) != identity_;
}

bool Searcher::reopen() {
    try {
        // A rebuild switches the stub to a new generation (or renames a plain index into
        // place); Xapian's reopen() would stay on the old one, so a changed identity means
        // opening the index afresh.
        if (index_identity(dir_) != identity_) {
            open_database();
            return true;
        }
        const bool changed = db_.reopen();
        if (changed) {
            story_documents_ = has_story_documents(db_);
            story_words_ = story_word_prefix(db_);
            stories_ = db_.get_termfreq(std::string(schema::kStoryDocument));
        }
        return changed;
    } catch (const Xapian::Error& e) {
        // The old generation may be gone already: open the live one.
        try {
            open_database();
            return true;
        } catch (const std::exception&) {
            throw std::runtime_error("cannot reopen index " + dir_.string() + ": " + e.get_msg());
        }
    }
}

SearchResult Searcher::search(const SearchRequest& request) {
    if (request.limit > SearchRequest::kMaxLimit) {
        throw QueryError("limit must be at most " + std::to_string(SearchRequest::kMaxLimit));
    }
    if (request.snippet_bytes < SearchRequest::kMinSnippetBytes ||
        request.snippet_bytes > SearchRequest::kMaxSnippetBytes) {
        throw QueryError("snippet length must be between " +
                         std::to_string(SearchRequest::kMinSnippetBytes) + " and " +
                         std::to_string(SearchRequest::kMaxSnippetBytes) + " bytes");
    }
    for (const auto& f : request.facets) {
        if (std::find(known_facets().begin(), known_facets().end(), f) == known_facets().end()) {
            throw QueryError("unknown facet \"" + f +
                             "\" (person, place, org, misc, tag.places, tag.people, "
                             "tag.orgs, tag.exchanges, tag.topics)");
        }
    }
    if (request.facet_size < 1 || request.facet_size > 1000) {
        throw QueryError("facet size must be between 1 and 1000");
    }
    if (request.offset > SearchRequest::kMaxOffset) {
        throw QueryError("offset must be at most " + std::to_string(SearchRequest::kMaxOffset));
    }
    // Written so that NaN fails too.
    if (!(request.bm25_k1 >= SearchRequest::kMinBm25K1 &&
          request.bm25_k1 <= SearchRequest::kMaxBm25K1)) {
        throw QueryError("BM25 k1 must be between 0 and 10");
    }
    if (!(request.bm25_b >= 0.0 && request.bm25_b <= 1.0))
        throw QueryError("BM25 b must be between 0 and 1");
    if (!(request.passage_weight >= 0.0 &&
          request.passage_weight <= SearchRequest::kMaxPassageWeight)) {
        throw QueryError("passage weight must be between 0 and 10");
    }
    if (request.feedback_documents > SearchRequest::kMaxFeedbackDocuments) {
        throw QueryError("feedback documents must be at most " +
                         std::to_string(SearchRequest::kMaxFeedbackDocuments));
    }
    if (request.feedback_terms < 1 || request.feedback_terms > SearchRequest::kMaxFeedbackTerms) {
        throw QueryError("feedback terms must be between 1 and " +
                         std::to_string(SearchRequest::kMaxFeedbackTerms));
    }
    for (int attempt = 0;; ++attempt) {
        try {
            return run(request);
        } catch (const Xapian::DatabaseModifiedError&) {
            if (attempt >= 3)
                throw std::runtime_error("index keeps changing under the search; try again");
            reopen();
        } catch (const Xapian::Error& e) {
            throw std::runtime_error("search failed: " + e.get_description());
        }
    }
}

Highlighter Searcher::highlighter(const std::string& query) {
    return Highlighter(highlight_terms(builder_.parse(query)),
                       QueryBuilder::wildcard_prefixes(query), stemmer_);
}

Xapian::Query Searcher::scoped(const Xapian::Query& query, bool stories) const {
    if (!story_documents_) return query;
    // Since schema 3 story and paragraph documents have words of their own: a query that only
    // matches documents holding one of its words needs no kind filter (walking the kind's
    // postings costs a third of the matching time on Reuters).
    if (!story_words_.empty() && needs_word(query, stories ? story_words_ : std::string()))
        return query;
    const Xapian::Query kind{std::string(schema::kStoryDocument)};
    if (stories) return Xapian::Query(Xapian::Query::OP_FILTER, query, kind);
    return Xapian::Query(Xapian::Query::OP_AND_NOT, query, kind);
}

// One search attempt: filter → enquire → facets → hits.
SearchResult Searcher::run(const SearchRequest& request) {
    const auto t0 = std::chrono::steady_clock::now();
    SearchResult result;
    result.query = request.query;
    // An index written before story documents existed is searched by paragraphs, collapsed.
    const bool stories = request.within == SearchUnit::article && story_documents_;
    const bool collapse = request.collapse || (request.within == SearchUnit::article && !stories);
    result.within = stories ? SearchUnit::article : SearchUnit::paragraph;

    const ParsedQuery parsed = builder_.parse_parts(request.query, request.default_operator,
                                                    stories ? story_words_ : std::string());
    Xapian::Query query = parsed.match;
    bool any_filter = false;
    const EntityResolution& resolution = resolution_cache_.get(db_);
    const Xapian::Query filter = filter_query(request, parsed.filter, resolution, any_filter);

    const bool no_terms = query.empty();
    if (no_terms && !any_filter) {
        result.took_ms = millis_since(t0);
        return result;
    }
    if (no_terms) query = Xapian::Query::MatchAll;
    // Story words (schema 3) occur in story documents only: their idf counts stories.
    const Xapian::BM25Weight paragraph_weight(request.bm25_k1, 0, 1, request.bm25_b, 0.5);
    const SubsetBm25Weight story_weight(stories_, request.bm25_k1, request.bm25_b, 0.5);
    const Xapian::Weight& weight = stories && !story_words_.empty()
                                       ? static_cast<const Xapian::Weight&>(story_weight)
                                       : paragraph_weight;
    if (request.feedback_documents > 0 && !no_terms) {
        query = expand_query(query, filter, stories, weight, request.feedback_documents,
                             request.feedback_terms);
    }
    const Xapian::Query ranked = query;
    query = scoped(filtered(query, filter), stories);

    MSetWindow window;
    window.first = static_cast<Xapian::doccount>(request.offset);
    window.count = static_cast<Xapian::doccount>(request.limit);
    window.collapse = collapse;
    const bool rerank =
        stories && !no_terms && request.sort == SortOrder::relevance && request.passage_weight > 0;
    std::optional<FacetSpy> spy;
    Xapian::doccount check_at_least = 0;
    const Xapian::MSet mset =
        run_enquire(db_, request, query, weight, window, spy, check_at_least, resolution);
    result.estimate = mset.get_matches_estimated();
    result.lower_bound = mset.get_matches_lower_bound();
    result.upper_bound = mset.get_matches_upper_bound();
    if (spy) collect_facets(db_, request, collapse, *spy, mset, check_at_least, result);

    const std::size_t first_hit = result.hits.size();
    if (stories)
        add_story_hits(request, ranked, query, mset, rerank, result);
    else
        add_hits(request, query, mset, result);
    if (request.sort == SortOrder::relevance && !no_terms) order_ties(result.hits, first_hit);
    result.took_ms = millis_since(t0);
    return result;
}

std::vector<Searcher::PassageTerm> Searcher::passage_terms(const Xapian::Query& passage,
                                                           const Xapian::MSet& mset) const {
    std::vector<PassageTerm> terms;
    // Story words count story documents (schema 3); unprefixed words (schema 2) every document.
    const double n = story_words_.empty() ? db_.get_doccount() : stories_;
    for (auto it = passage.get_unique_terms_begin(); it != passage.get_unique_terms_end(); ++it) {
        const std::string& t = *it;
        if (word_of(t, story_words_).empty()) continue;  // not a word of story documents
        // The match set's statistics hold the frequency of each term of the query it ran.
        const double df = mset.get_termfreq(t);
        if (df == 0) continue;
        // Robertson–Spärck Jones idf, as BM25 has it, never below a small positive floor.
        terms.push_back({t, std::max(0.01, std::log((n - df + 0.5) / (df + 0.5)))});
    }
    return terms;
}

std::vector<Searcher::ParagraphMatch> Searcher::score_paragraphs(
    const std::map<unsigned, ParagraphTerms>& found,
    const std::vector<Xapian::termcount>& lengths,
    const std::vector<PassageTerm>& terms,
    double k1,
    double b) const {
    std::vector<ParagraphMatch> out;
    if (found.empty()) return out;
    out.reserve(found.size());
    const double average = std::max(1.0, db_.get_avlength());
    for (const auto& [paragraph, entry] : found) {
        const double length = paragraph <= lengths.size() ? lengths[paragraph - 1] : average;
        const double norm = k1 * ((1 - b) + b * length / average);
        double score = 0;
        for (std::size_t i = 0; i < terms.size(); ++i) {
            if (entry.tf[i] == 0) continue;
            const double tf = entry.tf[i];
            score += terms[i].idf * (k1 + 1) * tf / (norm + tf);
        }
        out.push_back({paragraph, score, entry.held});
    }
    std::stable_sort(out.begin(), out.end(), [](const ParagraphMatch& a, const ParagraphMatch& b) {
        return a.score > b.score;  // ties: the earlier paragraph (the map's order)
    });
    return out;
}

std::vector<Searcher::ParagraphMatch> Searcher::locate(const Xapian::Document& doc,
                                                       Xapian::docid story,
                                                       const std::vector<PassageTerm>& terms,
                                                       double k1,
                                                       double b) const {
    std::map<unsigned, ParagraphTerms> found;
    for (std::size_t i = 0; i < terms.size(); ++i) {
        for (auto p = db_.positionlist_begin(story, terms[i].term);
             p != db_.positionlist_end(story, terms[i].term); ++p) {
            // The headline counts for the lead paragraph's score, as the lead paragraph's
            // document carries it, but is no paragraph's text: it sets no term bit.
            const unsigned at = schema::paragraph_of_position(*p);
            auto& entry = found[at == 0 ? 1 : at];
            if (entry.tf.empty()) entry.tf.assign(terms.size(), 0);
            ++entry.tf[i];
            if (at != 0 && i < 64) entry.held |= std::uint64_t{1} << i;
        }
    }
    if (found.empty()) return {};
    return score_paragraphs(found, schema::decode_lengths(doc.get_value(schema::kParagraphLengths)),
                            terms, k1, b);
}

std::vector<Searcher::ParagraphMatch> Searcher::locate(const MarkedText& headline,
                                                       const std::vector<MarkedText>& paragraphs,
                                                       const std::vector<PassageTerm>& terms,
                                                       double k1,
                                                       double b) const {
    // The passage terms as the highlighter's terms (unprefixed words).
    std::vector<std::string_view> words;
    words.reserve(terms.size());
    for (const auto& t : terms) words.push_back(word_of(t.term, story_words_));
    std::map<unsigned, ParagraphTerms> found;
    std::vector<Xapian::termcount> lengths(paragraphs.size());
    // Adds the matches of @p m to paragraph @p n's entry; the headline (@p bits false) counts
    // for the lead paragraph's score but sets no term bit, as in the positions' version.
    auto add = [&](const MarkedText& m, unsigned n, bool bits) {
        if (m.terms.empty()) return;
        // Passage term of each of m's distinct terms, or -1.
        std::vector<int> passage(m.terms.size(), -1);
        bool any = false;
        for (std::size_t j = 0; j < m.terms.size(); ++j) {
            for (std::size_t i = 0; i < words.size(); ++i) {
                if (words[i] == m.terms[j]) {
                    passage[j] = static_cast<int>(i);
                    any = true;
                    break;
                }
            }
        }
        if (!any) return;
        auto& entry = found[n];
        if (entry.tf.empty()) entry.tf.assign(terms.size(), 0);
        for (int id : m.match_id) {
            if (id < 0 || passage[id] < 0) continue;
            const auto i = static_cast<std::size_t>(passage[id]);
            ++entry.tf[i];
            if (bits && i < 64) entry.held |= std::uint64_t{1} << i;
        }
    };
    if (!paragraphs.empty()) add(headline, 1, false);
    for (std::size_t n = 0; n < paragraphs.size(); ++n) {
        lengths[n] = static_cast<Xapian::termcount>(paragraphs[n].words.size());
        add(paragraphs[n], static_cast<unsigned>(n + 1), true);
    }
    return score_paragraphs(found, lengths, terms, k1, b);
}

void Searcher::add_story_hits(const SearchRequest& request,
                              const Xapian::Query& ranked,
                              const Xapian::Query& query,
                              const Xapian::MSet& mset,
                              bool rerank,
                              SearchResult& result) const {
    struct Story {
        Xapian::Document doc;
        // Schema 3: slot kStoryRecord. Schema 2: the document data, without paragraphs.
        StoryRecord record;
        bool known = false;           // a Herald story document
        bool has_paragraphs = false;  // record.paragraphs was read (schema 3)
        std::string article_id;
        double score = 0;
        std::vector<ParagraphMatch> paragraphs;  // matching, best first
        std::vector<MarkedText> marks;           // schema 3: each paragraph's, marked
        std::vector<bool> marked;                // marks[i] holds mark(): it may match
    };
    if (mset.empty()) return;
    const std::vector<PassageTerm> terms = passage_terms(passage_query(ranked), mset);
    Highlighter highlighter(highlight_terms(query), QueryBuilder::wildcard_prefixes(request.query),
                            stemmer_);
    std::vector<Story> stories;
    stories.reserve(mset.size());
    for (auto it = mset.begin(); it != mset.end(); ++it) {
        Story story;
        story.doc = it.get_document();
        story.score = it.get_weight();
        if (auto record = decode_story_record(story.doc.get_value(schema::kStoryRecord))) {
            story.record = std::move(*record);
            story.known = story.has_paragraphs = true;
        } else if (auto data = decode_paragraph_data(story.doc.get_data())) {
            story.record.story = std::move(*data);
            story.known = true;
        }
        story.article_id =
            story.known ? story.record.story.article_id : story.doc.get_value(schema::kArticleId);
        if (story.has_paragraphs) {
            // Schema 3: the paragraphs' texts are at hand; marking them once locates the
            // query words and marks the passages, without reading positions.
            // A paragraph that cannot hold a query word is not split into words (the lead
            // always is: it gives the passage when no paragraph matches).
            story.marks.reserve(story.record.paragraphs.size());
            story.marked.reserve(story.record.paragraphs.size());
            for (const StoryParagraph& p : story.record.paragraphs) {
                const bool lead = story.marks.empty();
                const bool mark = lead || highlighter.may_hold_match(p.text);
                story.marks.push_back(mark ? highlighter.mark(p.text) : MarkedText{});
                story.marked.push_back(mark);
            }
            story.paragraphs = locate(highlighter.mark(story.record.story.title), story.marks,
                                      terms, request.bm25_k1, request.bm25_b);
        } else {
            story.paragraphs = locate(story.doc, *it, terms, request.bm25_k1, request.bm25_b);
        }
        stories.push_back(std::move(story));
    }
    if (rerank) {
        // Callan (1994): the article's score plus the weighted score of its best paragraph,
        // within the page (so pages stay consecutive slices of one ranking).
        // Only the first kRerankDepth hits of the match set: deeper ones keep their order.
        const std::size_t depth =
            request.offset >= kRerankDepth
                ? 0
                : std::min<std::size_t>(stories.size(), kRerankDepth - request.offset);
        for (std::size_t i = 0; i < depth; ++i) {
            if (!stories[i].paragraphs.empty())
                stories[i].score += request.passage_weight * stories[i].paragraphs.front().score;
        }
        std::stable_sort(stories.begin(), stories.begin() + static_cast<std::ptrdiff_t>(depth),
                         [](const Story& a, const Story& b) { return a.score > b.score; });
    }

    SnippetOptions snippet_options = snippet_style_;
    snippet_options.max_bytes = request.snippet_bytes;
    for (Story& story : stories) {
        if (!story.known) continue;  // not a Herald document
        ParagraphData& data = story.record.story;
        Hit hit;
        hit.article_id = story.article_id;
        hit.score = story.score;
        hit.title = std::move(data.title);
        hit.url = std::move(data.url);
        hit.source = std::move(data.source);
        hit.published = std::move(data.published);
        for (const auto& m : story.paragraphs) {
            if (m.terms != 0) hit.paragraphs.push_back(m.paragraph);  // words in its text
        }
        hit.paragraph = hit.paragraphs.empty() ? 1 : hit.paragraphs.front();
        hit.id = hit.article_id + "#" + std::to_string(hit.paragraph);
        if (!request.snippets) {
            hit.entities = std::move(data.entities);
            result.hits.push_back(std::move(hit));
            continue;
        }
        // The passages: the best paragraph (the lead when none matches: a title or filter
        // match), then those holding query words it lacks, at most kMaxPassages.
        std::vector<unsigned> chosen = {hit.paragraph};
        std::uint64_t shown = 0;
        for (const auto& m : story.paragraphs) {
            if (m.paragraph == hit.paragraph) shown = m.terms;
        }
        while (chosen.size() < kMaxPassages) {
            const ParagraphMatch* best = nullptr;
            int best_new = 0;
            for (const auto& m : story.paragraphs) {
                const int fresh = __builtin_popcountll(m.terms & ~shown);
                if (fresh > best_new) best = &m, best_new = fresh;
            }
            if (best == nullptr) break;
            chosen.push_back(best->paragraph);
            shown |= best->terms;
        }
        // Their texts and entities: from the story document (schema 3), or from the
        // paragraph documents (an index of schema 2).
        std::vector<PassageSource> sources;
        std::unordered_set<std::string> seen;
        auto add_entity = [&](const Entity& e) {
            if (seen.insert(schema::entity_term(e.type, e.text)).second) hit.entities.push_back(e);
        };
        std::vector<ParagraphData> fetched;
        if (story.has_paragraphs) {
            const std::vector<StoryParagraph>& paragraphs = story.record.paragraphs;
            for (unsigned n : chosen) {
                if (n == 0 || n > paragraphs.size()) continue;
                const StoryParagraph& p = paragraphs[n - 1];
                sources.push_back({n, p.text, story.marked[n - 1] ? &story.marks[n - 1] : nullptr});
                for (std::uint32_t e : p.entities) add_entity(data.entities[e]);
            }
        } else {
            for (unsigned n : chosen) {
                const std::string unique = schema::unique_term(story.article_id, n);
                auto p = db_.postlist_begin(unique);
                if (p == db_.postlist_end(unique)) continue;
                if (auto t = decode_paragraph_data(db_.get_document(*p).get_data()))
                    fetched.push_back(std::move(*t));
            }
            for (const auto& t : fetched) {
                sources.push_back({t.paragraph, t.text});
                for (const auto& e : t.entities) add_entity(e);
            }
        }
        if (sources.empty()) {
            hit.entities = std::move(data.entities);
        } else {
            hit.passages = highlighter.story_snippet(sources, snippet_options, kMaxPassages);
            hit.snippet = join_passages(hit.passages, snippet_options);
        }
        result.hits.push_back(std::move(hit));
    }
}

// The hits of @p mset, with snippets highlighting the terms of @p query, appended to @p result.
void Searcher::add_hits(const SearchRequest& request,
                        const Xapian::Query& query,
                        const Xapian::MSet& mset,
                        SearchResult& result) const {
    Highlighter highlighter(highlight_terms(query), QueryBuilder::wildcard_prefixes(request.query),
                            stemmer_);
    SnippetOptions snippet_options = snippet_style_;
    snippet_options.max_bytes = request.snippet_bytes;

    for (auto it = mset.begin(); it != mset.end(); ++it) {
        std::optional<ParagraphData> data = decode_paragraph_data(it.get_document().get_data());
        if (!data) continue;  // not a Herald document
        Hit hit;
        hit.article_id = std::move(data->article_id);
        hit.paragraph = data->paragraph;
        hit.id = hit.article_id + "#" + std::to_string(hit.paragraph);
        hit.title = std::move(data->title);
        hit.url = std::move(data->url);
        hit.source = std::move(data->source);
        hit.published = std::move(data->published);
        hit.score = it.get_weight();
        if (request.snippets) hit.snippet = highlighter.snippet(data->text, snippet_options);
        hit.entities = std::move(data->entities);
        result.hits.push_back(std::move(hit));
    }
}

Xapian::Query Searcher::expand_query(const Xapian::Query& match,
                                     const Xapian::Query& filter,
                                     bool stories,
                                     const Xapian::Weight& weight,
                                     std::size_t documents,
                                     std::size_t terms) {
    // A query of excluded words only ranks nothing: there is nothing to feed back.
    const bool excluded_only = match.get_type() == Xapian::Query::OP_AND_NOT &&
                               match.get_num_subqueries() > 0 &&
                               match.get_subquery(0).get_type() == Xapian::Query::LEAF_MATCH_ALL;
    if (excluded_only || match.get_type() == Xapian::Query::LEAF_MATCH_ALL) return match;

    Xapian::Enquire first(db_);
    first.set_query(scoped(filtered(match, filter), stories));
    first.set_weighting_scheme(weight);
    const Xapian::MSet top = first.get_mset(0, static_cast<Xapian::doccount>(documents));
    Xapian::RSet rset;
    for (auto it = top.begin(); it != top.end(); ++it) rset.add_document(*it);
    if (rset.empty()) return match;

    const FeedbackDecider decider(match, stopper_.get(), stories ? story_words_ : std::string());
    const Xapian::ESet eset = first.get_eset(static_cast<Xapian::termcount>(terms), rset, &decider);
    if (eset.empty()) return match;
    std::vector<Xapian::Query> expansion;
    const double top_weight = eset.begin().get_weight();
    for (auto it = eset.begin(); it != eset.end(); ++it) {
        const double w = kFeedbackWeight * (top_weight > 0 ? it.get_weight() / top_weight : 1.0);
        expansion.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(*it), w);
    }
    Xapian::Query added(Xapian::Query::OP_OR, expansion.begin(), expansion.end());
    // `a b -c`: a paragraph with the excluded word must not come back through an added term.
    if (match.get_type() == Xapian::Query::OP_AND_NOT) {
        std::vector<Xapian::Query> excluded;
        for (std::size_t i = 1; i < match.get_num_subqueries(); ++i)
            excluded.push_back(match.get_subquery(i));
        added =
            Xapian::Query(Xapian::Query::OP_AND_NOT, added,
                          Xapian::Query(Xapian::Query::OP_OR, excluded.begin(), excluded.end()));
    }
    return Xapian::Query(Xapian::Query::OP_OR, match, added);
}

nlohmann::json to_json(const SearchResult& result) {
    nlohmann::json hits = nlohmann::json::array();
    for (const auto& h : result.hits) {
        nlohmann::json entities = nlohmann::json::array();
        for (const auto& e : h.entities) {
            entities.push_back({{"name", e.text}, {"type", std::string(entity_type_name(e.type))}});
        }
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
        if (result.within == SearchUnit::article) {
            nlohmann::json passages = nlohmann::json::array();
            for (const auto& p : h.passages)
                passages.push_back({{"paragraph", p.paragraph}, {"snippet", p.snippet}});
            hits.back()["paragraphs"] = h.paragraphs;
            hits.back()["passages"] = std::move(passages);
        }
    }
    nlohmann::json facets = nlohmann::json::object();
    for (const auto& [name, values] : result.facets) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& v : values) {
            nlohmann::json item = {{"value", v.value}, {"count", v.count}};
            if (!result.facets_exact) item["count_upper_bound"] = v.count_upper_bound;
            list.push_back(std::move(item));
        }
        facets[name] = std::move(list);
    }
    return {{"query", result.query},
            {"total",
             {{"estimate", result.estimate},
              {"lower_bound", result.lower_bound},
              {"upper_bound", result.upper_bound}}},
            {"took_ms", result.took_ms},
            {"within", to_string(result.within)},
            {"hits", std::move(hits)},
            {"facets", std::move(facets)},
            {"facets_exact", result.facets_exact},
            {"suggestion", nullptr}};
}

}  // namespace herald
