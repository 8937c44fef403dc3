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
        std::size_t end = token_end(text, i);
        ++count;
        if (text[i] == '-' && i + 1 < text.size() && text[i + 1] == '(') {
            // `-(a NEAR b)` (guard_positional_operators() brackets a negated chain): up to
            // the matching bracket, which must end a token.
            int depth = 0;
            end = i + 1;
            for (; end < text.size(); ++end) {
                if (text[end] == '"') return std::nullopt;
                if (text[end] == '(') ++depth;
                if (text[end] == ')' && --depth == 0) break;
            }
            if (end == text.size() || (end + 1 < text.size() && !is_space(text[end + 1])))
                return std::nullopt;
            ++end;
        } else if (text[i] != '-' || end - i < 2 || text[i + 1] == '-' || text[i + 1] == '(') {
            return std::nullopt;
        }
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

// ---- NEAR / ADJ guard ------------------------------------------------------------------
//
// libxapian 1.4.22's QueryParser leaks the token it is reading when that token carries a
// parse node (a word, or the window of `NEAR/n`) and it ends the parse with a syntax error:
// 96 bytes per query. With Herald's flags every such error involves NEAR or ADJ, because
// Xapian accepts these only between two single words (`near_expr ::= TERM NEAR TERM`) and
// reads them in states that are easy to reach from user text. The leaking shapes found: a
// negated chain followed by a word or a hyphenated word (`-a NEAR b c`, `-a NEAR/3 b c`,
// `-a NEAR b-c`), a required chain and a hyphenated word after a bare operator
// (`AND +a NEAR b-c`), and a window after an operator, a negated phrase or a negated filter
// (`AND NEAR/2`, `"a b" AND NEAR/2`, `-"a b" NEAR/2`, `-source:x NEAR/2`). The guard below
// hands the parser only chains of single words, each in its own parentheses, where it never
// fails (tested over all token sequences of length 1 to 4 and 1.2 million random ones).

bool is_query_space(unsigned cp) {
    return Xapian::Unicode::is_whitespace(cp);
}

bool is_double_quote(unsigned cp) {
    return cp == '"' || cp == 0x201c || cp == 0x201d;
}

// `NEAR`, `ADJ`, `NEAR/n`, `ADJ/n` (n > 0): the positional operators of Xapian's lexer.
bool is_positional_operator(std::string_view token) {
    for (std::string_view name : {std::string_view("NEAR"), std::string_view("ADJ")}) {
        if (token == name) return true;
        if (token.size() > name.size() + 1 && token.substr(0, name.size()) == name &&
            token[name.size()] == '/') {
            const std::string_view digits = token.substr(name.size() + 1);
            if (std::all_of(digits.begin(), digits.end(),
                            [](char c) { return c >= '0' && c <= '9'; }) &&
                digits.find_first_not_of('0') != std::string_view::npos) {
                return true;
            }
        }
    }
    return false;
}

// Whether a word run of @p text (Xapian's word characters) is `NEAR` or `ADJ`.
bool mentions_positional_word(std::string_view text) {
    std::string run;
    for (Xapian::Utf8Iterator it(text.data(), text.size()); it != Xapian::Utf8Iterator(); ++it) {
        if (Xapian::Unicode::is_wordchar(*it)) {
            append_utf8(run, *it);
            continue;
        }
        if (run == "NEAR" || run == "ADJ") return true;
        run.clear();
    }
    return run == "NEAR" || run == "ADJ";
}

// A single word as Xapian's lexer reads one TERM: word characters, apostrophes inside,
// an optional `title:` prefix; never an operator.
bool is_single_word(std::string_view word) {
    if (word.substr(0, 6) == "title:") word.remove_prefix(6);
    if (word.empty() || word == "AND" || word == "OR" || word == "NOT" || word == "XOR" ||
        word == "NEAR" || word == "ADJ") {
        return false;
    }
    bool previous_word_char = false;
    for (Xapian::Utf8Iterator it(word.data(), word.size()); it != Xapian::Utf8Iterator(); ++it) {
        const unsigned cp = *it;
        if (Xapian::Unicode::is_wordchar(cp)) {
            previous_word_char = true;
        } else if (cp == '\'' && previous_word_char) {
            Xapian::Utf8Iterator next = it;
            ++next;
            if (next == Xapian::Utf8Iterator() || !Xapian::Unicode::is_wordchar(*next))
                return false;
            previous_word_char = false;
        } else {
            return false;
        }
    }
    return true;
}

[[noreturn]] void throw_misplaced(std::string_view op, std::string_view why) {
    throw QueryError("cannot parse query: " + std::string(op) + " " + std::string(why) +
                     " (NEAR and ADJ join single words, as in oil NEAR prices or oil NEAR/5 "
                     "prices; write near in lower case to search for the word)");
}

}  // namespace

std::string guard_positional_operators(std::string_view text) {
    struct Token {
        std::string_view space;  // white space before the token
        std::string_view text;
        bool outside = true;    // no double quote in it, not inside a quoted phrase
        bool mentions = false;  // a NEAR or ADJ word outside quotes
    };
    // Quotes hide words from the guard only when they are read by Xapian as they are here:
    // ASCII quotes opening and closing phrases. A quoted filter value (`source:"a b"`, which
    // `""` escapes and only an ASCII quote ends), curly quotes or a quote in a range token
    // make the guard read every NEAR and ADJ as an operator.
    bool plain_quotes = text.find("\xe2\x80\x9c") == std::string_view::npos &&
                        text.find("\xe2\x80\x9d") == std::string_view::npos;
    for (const char* field : {"source:\"", "person:\"", "place:\"", "org:\""}) {
        if (text.find(field) != std::string_view::npos) plain_quotes = false;
    }
    for (std::size_t b = 0; b < text.size();) {
        const std::size_t e = std::min(text.find_first_of(" \t\n\r", b), text.size());
        const std::string_view run = text.substr(b, e - b);
        if (run.find("..") != std::string_view::npos && run.find('"') != std::string_view::npos) {
            plain_quotes = false;
        }
        b = e + 1;
    }
    std::vector<Token> tokens;
    {
        bool in_quotes = false;
        std::size_t space_begin = 0;
        std::size_t token_begin = std::string_view::npos;
        std::string unquoted;  // the token's characters outside quotes, quotes as spaces
        const auto finish = [&](std::size_t at) {
            Token t;
            t.space = text.substr(space_begin, token_begin - space_begin);
            t.text = text.substr(token_begin, at - token_begin);
            t.outside = unquoted == t.text;
            t.mentions = mentions_positional_word(unquoted);
            tokens.push_back(t);
            token_begin = std::string_view::npos;
            space_begin = at;
            unquoted.clear();
        };
        for (Xapian::Utf8Iterator it(text.data(), text.size()); it != Xapian::Utf8Iterator();
             ++it) {
            const auto at = static_cast<std::size_t>(it.raw() - text.data());
            const unsigned cp = *it;
            if (is_query_space(cp)) {
                if (token_begin != std::string_view::npos) finish(at);
                continue;
            }
            if (token_begin == std::string_view::npos) token_begin = at;
            if (is_double_quote(cp)) {
                in_quotes = plain_quotes && !in_quotes;
                unquoted += ' ';
            } else if (in_quotes) {
                unquoted += ' ';
            } else {
                append_utf8(unquoted, cp);
            }
        }
        if (token_begin != std::string_view::npos) finish(text.size());
    }
    const auto is_operator = [&](std::size_t k) {
        return k < tokens.size() && tokens[k].outside && is_positional_operator(tokens[k].text);
    };
    for (std::size_t k = 0; k < tokens.size(); ++k) {
        if (tokens[k].mentions && !is_operator(k)) {
            throw_misplaced(tokens[k].text, "is not an operator Herald can read here");
        }
    }
    std::string out;
    out.reserve(text.size() + 8);
    for (std::size_t k = 0; k < tokens.size();) {
        if (is_operator(k)) throw_misplaced(tokens[k].text, "needs a single word before it");
        out.append(tokens[k].space);
        if (!is_operator(k + 1)) {
            out.append(tokens[k].text);
            ++k;
            continue;
        }
        // A chain `[+-(]w1 OP w2 OP ... wn[)]`: its first word may carry signs and opening
        // brackets, its last closing brackets; it goes to the parser as `[+-(](w1 OP ... wn)[)]`.
        std::string_view first = tokens[k].text;
        const std::size_t lead = first.find_first_not_of("+-(");
        if (lead == std::string_view::npos) {
            throw_misplaced(tokens[k + 1].text, "needs a single word before it");
        }
        out.append(first.substr(0, lead));
        first.remove_prefix(lead);
        if (!tokens[k].outside || !is_single_word(first)) {
            throw_misplaced(tokens[k + 1].text, "needs a single word before it");
        }
        out += '(';
        out.append(first);
        std::string_view trail;
        std::size_t j = k;
        const char kind = tokens[k + 1].text[0];  // 'N' or 'A'
        while (is_operator(j + 1)) {
            const std::string_view op = tokens[j + 1].text;
            if (op[0] != kind) throw_misplaced(op, "follows the other operator in one chain");
            if (j + 2 >= tokens.size() || !tokens[j + 2].outside) {
                throw_misplaced(op, "needs a single word after it");
            }
            std::string_view word = tokens[j + 2].text;
            if (!is_operator(j + 3)) {
                const std::size_t close = word.find_last_not_of(')');
                if (close != std::string_view::npos) {
                    trail = word.substr(close + 1);
                    word = word.substr(0, close + 1);
                }
            }
            if (!is_single_word(word)) throw_misplaced(op, "needs a single word after it");
            out += ' ';
            out.append(op);
            out += ' ';
            out.append(word);
            j += 2;
        }
        out += ')';
        out.append(trail);
        k = j + 1;
    }
    return out;
}

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

ParsedQuery QueryBuilder::parse_parts(std::string_view text,
                                      DefaultOperator op,
                                      const std::string& word_prefix) {
    if (text.size() > limits_.max_bytes) {
        throw QueryError("query is " + std::to_string(text.size()) + " bytes long; the limit is " +
                         std::to_string(limits_.max_bytes));
    }
    // Top-level filters (`source:x`, date ranges) restrict the whole query, as in
    // a faceted search: "oil OR gas 2024-06-01..2024-06-30" filters both words.
    // Xapian's parser would bind them to the neighbouring word only.
    std::vector<Xapian::Query> filters;
    const std::string rest = extract_filters(text, filters);
    // Never hand libxapian 1.4.22's parser a NEAR/ADJ shape it leaks on (see the guard).
    std::string normalized = guard_positional_operators(normalize_for_terms(rest));
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
        query = parser_.parse_query(normalized, kFlags, word_prefix);
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
