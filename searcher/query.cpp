#include <herald/searcher/query.hpp>
#include <herald/text/article.hpp>
#include <herald/text/schema.hpp>
#include <herald/text/strings.hpp>
#include <herald/text/words.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

namespace herald {

namespace {

// `a..b` on the publication time; declines (OP_INVALID) what is not a date range,
// so Xapian reports the query as unparseable.
class PublishedRangeProcessor : public Xapian::RangeProcessor {
   public:
    PublishedRangeProcessor() : Xapian::RangeProcessor(schema::kPublished) {}

    Xapian::Query operator()(const std::string& begin, const std::string& end) override {
        try {
            return date_range_query(begin, end);
        } catch (const QueryError&) {
            return Xapian::Query(Xapian::Query::OP_INVALID);
        }
    }
};

bool is_date_bound(std::string_view s) {
    return s.empty() || date_bound_key(s, false).has_value() ||
           (s.size() >= 4 && std::all_of(s.begin(), s.end(), [](char c) {
                return std::isdigit(static_cast<unsigned char>(c)) || c == '-';
            }));
}

// The boolean term of `field:value` for the filter fields, or "" for other fields.
std::string filter_term(std::string_view field, std::string_view value) {
    if (field == "source")
        return schema::boolean_term(schema::kSource, Xapian::Unicode::tolower(std::string(value)));
    if (field == "person") return schema::entity_term(EntityType::person, value);
    if (field == "place") return schema::entity_term(EntityType::place, value);
    if (field == "org") return schema::entity_term(EntityType::organization, value);
    return {};
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// End of the token that starts at text[i]: it runs to white space outside double quotes,
// so `person:"Kim Jong Un"` and `-"crude oil"` are one token each.
std::size_t token_end(std::string_view text, std::size_t i) {
    bool quoted = false;
    while (i < text.size() && (quoted || !is_space(text[i]))) {
        if (text[i] == '"') quoted = !quoted;
        ++i;
    }
    return i;
}

// A query of excluded words only ("-oil -\"crude oil\"") as the OR of those words, which the
// caller negates: Xapian would otherwise search for the excluded words themselves.
std::optional<std::string> excluded_only(std::string_view text) {
    std::string words;
    std::size_t count = 0;
    for (std::size_t i = 0; i < text.size();) {
        if (is_space(text[i])) {
            ++i;
            continue;
        }
        const std::size_t end = token_end(text, i);
        ++count;
        if (text[i] != '-' || end - i < 2 || text[i + 1] == '-' || text[i + 1] == '(')
            return std::nullopt;
        words += (words.empty() ? "" : " OR ") + std::string(text.substr(i + 1, end - i - 1));
        i = end;
    }
    if (count == 0) return std::nullopt;
    return words;
}

// Removes top-level filters — `source:x`, `person:"Kim Jong Un"`, `place:x`, `org:x` and
// date ranges `a..b` — from @p text and appends their queries to @p filters: values of one
// field are OR-ed, fields AND-ed. Tokens inside parentheses stay for the parser.
std::string extract_filters(std::string_view text, std::vector<Xapian::Query>& filters) {
    std::string rest;
    rest.reserve(text.size());
    std::map<std::string, std::vector<Xapian::Query>> by_field;
    int depth = 0;  // of parentheses, outside quotes
    std::size_t i = 0;
    while (i < text.size()) {
        if (is_space(text[i])) {
            rest += text[i++];
            continue;
        }
        const bool top_level = depth == 0;
        const std::size_t end = token_end(text, i);
        const std::string_view token = text.substr(i, end - i);
        i = end;
        bool quoted = false;
        for (char c : token) {
            if (c == '"')
                quoted = !quoted;
            else if (!quoted && c == '(')
                ++depth;
            else if (!quoted && c == ')' && depth > 0)
                --depth;
        }
        const bool has_word = std::any_of(token.begin(), token.end(), [](char ch) {
            return std::isalnum(static_cast<unsigned char>(ch)) ||
                   static_cast<unsigned char>(ch) >= 0x80;
        });
        if (!has_word && token.find("..") != std::string_view::npos)
            continue;  // "...": punctuation
        if (top_level && depth == 0) {
            const std::size_t colon = token.find(':');
            if (colon != std::string_view::npos && colon > 0) {
                std::string_view value = token.substr(colon + 1);
                if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
                    value = value.substr(1, value.size() - 2);
                }
                const std::string term =
                    value.find_first_of("\"()") == std::string_view::npos && !trim(value).empty()
                        ? filter_term(token.substr(0, colon), trim(value))
                        : std::string();
                if (!term.empty()) {
                    by_field[std::string(token.substr(0, colon))].emplace_back(term);
                    continue;
                }
            }
            const std::size_t dots = token.find("..");
            if (dots != std::string_view::npos && token.size() > 2 &&
                token.find('"') == std::string_view::npos && is_date_bound(token.substr(0, dots)) &&
                is_date_bound(token.substr(dots + 2))) {
                filters.push_back(date_range_query(token.substr(0, dots), token.substr(dots + 2)));
                continue;
            }
        }
        rest.append(token);
    }
    for (auto& [field, queries] : by_field)
        filters.emplace_back(Xapian::Query::OP_OR, queries.begin(), queries.end());
    return rest;
}

// `source:Reuters`, `person:"Kim Jong Un"` inside parentheses: the field's boolean term.
class FilterFieldProcessor : public Xapian::FieldProcessor {
   public:
    explicit FilterFieldProcessor(std::string field) : field_(std::move(field)) {}
    Xapian::Query operator()(const std::string& value) override {
        return Xapian::Query(filter_term(field_, trim(value)));
    }

   private:
    std::string field_;
};

}  // namespace

Xapian::Query date_range_query(std::string_view from, std::string_view to) {
    std::string lo, hi;
    if (!from.empty()) {
        auto k = date_bound_key(from, false);
        if (!k) throw QueryError("not a date: \"" + std::string(from) + "\" (use YYYY-MM-DD)");
        lo = *k;
    }
    if (!to.empty()) {
        auto k = date_bound_key(to, true);
        if (!k) throw QueryError("not a date: \"" + std::string(to) + "\" (use YYYY-MM-DD)");
        hi = *k;
    }
    if (lo.empty() && hi.empty()) throw QueryError("a date range needs at least one date");
    if (!lo.empty() && !hi.empty() && lo > hi) {
        throw QueryError("date range starts after it ends: " + std::string(from) + ".." +
                         std::string(to));
    }
    // Documents with no date have an empty value and never match a range.
    if (hi.empty()) return Xapian::Query(Xapian::Query::OP_VALUE_GE, schema::kPublished, lo);
    if (lo.empty()) {
        return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, schema::kPublished, "00000000000000",
                             hi);
    }
    return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, schema::kPublished, lo, hi);
}

QueryBuilder::QueryBuilder(const std::string& language, QueryLimits limits) : limits_(limits) {
    Xapian::Stem stemmer = make_stemmer_or_none(language);
    parser_.set_stemming_strategy(stemmer.is_none() ? Xapian::QueryParser::STEM_NONE
                                                    : Xapian::QueryParser::STEM_ALL);
    parser_.set_stemmer(stemmer);
    if (Xapian::Stopper* stopper = make_stopper(language)) parser_.set_stopper(stopper->release());
    parser_.set_default_op(Xapian::Query::OP_AND);
    parser_.add_prefix("title", std::string(schema::kTitle));
    for (const char* field : {"source", "person", "place", "org"}) {
        parser_.add_boolean_prefix(field, (new FilterFieldProcessor(field))->release());
    }
    parser_.add_rangeprocessor((new PublishedRangeProcessor)->release());
    parser_.set_max_expansion(limits_.max_wildcard, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
}

void QueryBuilder::set_database(const Xapian::Database& db) {
    parser_.set_database(db);
}

DefaultOperator parse_default_operator(std::string_view name) {
    const std::string lower = Xapian::Unicode::tolower(std::string(name));
    if (lower == "and") return DefaultOperator::all_words;
    if (lower == "or") return DefaultOperator::any_word;
    throw QueryError("unknown default operator \"" + std::string(name) + "\" (and or or)");
}

const char* to_string(DefaultOperator op) {
    return op == DefaultOperator::any_word ? "or" : "and";
}

Xapian::Query ParsedQuery::combined() const {
    if (filter.empty()) return match;
    return Xapian::Query(Xapian::Query::OP_FILTER, match.empty() ? Xapian::Query::MatchAll : match,
                         filter);
}

Xapian::Query QueryBuilder::parse(std::string_view text, DefaultOperator op) {
    return parse_parts(text, op).combined();
}

ParsedQuery QueryBuilder::parse_parts(std::string_view text, DefaultOperator op) {
    if (text.size() > limits_.max_bytes) {
        throw QueryError("query is " + std::to_string(text.size()) + " bytes long; the limit is " +
                         std::to_string(limits_.max_bytes));
    }
    // Top-level filters (`source:x`, date ranges) restrict the whole query, as in
    // a faceted search: "oil OR gas 2024-06-01..2024-06-30" filters both words.
    // Xapian's parser would bind them to the neighbouring word only.
    std::vector<Xapian::Query> filters;
    const std::string rest = extract_filters(text, filters);
    std::string normalized = normalize_for_terms(rest);
    // Only excluded words ("-oil -gas"): everything except them, like `NOT oil NOT gas`.
    const std::optional<std::string> excluded = excluded_only(normalized);
    const bool only_excluded = excluded.has_value();
    if (only_excluded) normalized = *excluded;
    constexpr unsigned kFlags =
        Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_BOOLEAN |
        Xapian::QueryParser::FLAG_LOVEHATE | Xapian::QueryParser::FLAG_WILDCARD |
        Xapian::QueryParser::FLAG_PURE_NOT;
    Xapian::Query query;
    parser_.set_default_op(op == DefaultOperator::any_word ? Xapian::Query::OP_OR
                                                           : Xapian::Query::OP_AND);
    try {
        query = parser_.parse_query(normalized, kFlags);
    } catch (const Xapian::QueryParserError& e) {
        std::string msg = e.get_msg();
        if (msg == "Unknown range operation")
            msg = "not a valid date range (use YYYY-MM-DD..YYYY-MM-DD)";
        throw QueryError("cannot parse query: " + msg);
    } catch (const Xapian::Error& e) {
        throw QueryError("cannot parse query: " + e.get_msg());
    }
    if (only_excluded && !query.empty()) {
        query = Xapian::Query(Xapian::Query::OP_AND_NOT, Xapian::Query::MatchAll, query);
    }
    ParsedQuery parsed;
    parsed.match = query;
    if (!filters.empty()) {
        parsed.filter = filters.size() == 1
                            ? filters[0]
                            : Xapian::Query(Xapian::Query::OP_AND, filters.begin(), filters.end());
    }
    const Xapian::Query all = parsed.combined();
    std::size_t terms = 0;
    for (auto it = all.get_unique_terms_begin(); it != all.get_unique_terms_end(); ++it) ++terms;
    if (terms > limits_.max_terms) {
        throw QueryError("query has " + std::to_string(terms) + " terms; the limit is " +
                         std::to_string(limits_.max_terms));
    }
    return parsed;
}

std::vector<std::string> QueryBuilder::wildcard_prefixes(std::string_view text) {
    std::vector<std::string> prefixes;
    const std::string s = normalize_for_terms(text);
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '*') continue;
        std::size_t b = i;
        while (b > 0) {
            unsigned char c = static_cast<unsigned char>(s[b - 1]);
            if (std::isalnum(c) || c == '_' || c == '\'' || c >= 0x80)
                --b;
            else
                break;
        }
        if (b < i) prefixes.push_back(Xapian::Unicode::tolower(s.substr(b, i - b)));
    }
    return prefixes;
}

}  // namespace herald
