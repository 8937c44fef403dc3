// Query parsing: Xapian's QueryParser set up the same way as the indexer
// (docs/cli.md, "Query syntax").
#pragma once

#include <xapian.h>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace herald {

/// @brief @p text with each NUL byte written as the two characters `\0`, so that a message
///        quoting user text survives what() (a C string) whole.
inline std::string with_visible_nul(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (c == '\0')
            out += "\\0";
        else
            out += c;
    }
    return out;
}

/// A query that cannot be run: the message names the problem and is fit for a user.
/// The server maps it to HTTP 400; herald-search exits 1.
class QueryError : public std::invalid_argument {
   public:
    /// @param message for a person; NUL bytes in it are shown as `\0` (with_visible_nul()).
    explicit QueryError(const std::string& message)
        : std::invalid_argument(with_visible_nul(message)) {}
    explicit QueryError(const char* message) : std::invalid_argument(message) {}
};

/// @brief How plain words of a query combine (Xapian::QueryParser::set_default_op).
///        Explicit operators (`AND OR NOT`, `+must -mustnot`) mean the same under both.
enum class DefaultOperator {
    /// Every plain word is required (OP_AND): the default of docs/cli.md, for a newsroom's search.
    all_words,
    /// Any plain word may match (OP_OR); documents are ranked by BM25, so those with more of
    /// the words (and rarer ones) come first; `+word` is still required (FLAG_LOVEHATE).
    /// For natural-language queries such as test-collection topics.
    any_word,
};

/// @brief Parses "and" (DefaultOperator::all_words) or "or" (DefaultOperator::any_word),
///        case-insensitively.
/// @throws QueryError naming the value for anything else.
DefaultOperator parse_default_operator(std::string_view name);

/// @brief The lower-case name of @p op: "and" or "or".
const char* to_string(DefaultOperator op);

/// A parsed query split into what is ranked and what only filters, so a caller can
/// change the ranked part (query expansion) without loosening the filters.
struct ParsedQuery {
    /// Words, phrases and operators; Xapian::Query() (empty) when the text holds no term.
    /// A query of excluded words only is `<alldocuments> AND_NOT (...)` here.
    Xapian::Query match;
    /// The AND of the top-level filters (`source:`, `person:`, `place:`, `org:`, date
    /// ranges); Xapian::Query() when there are none.
    Xapian::Query filter;

    /// @brief match filtered by filter (OP_FILTER); `<alldocuments>` stands for an empty
    ///        match when there is a filter. Empty when both are empty.
    Xapian::Query combined() const;
};

/// @brief Makes the positional operators of @p text safe for libxapian 1.4.22's QueryParser.
///
/// That parser leaks 96 bytes per query when a syntax error stops it at a token holding a
/// parse node (a word, a `NEAR/n` window), and with Herald's flags such errors all come from
/// NEAR and ADJ outside a chain of single words: `-a NEAR b c`, `-a NEAR b-c`,
/// `AND +a NEAR b-c`, `AND NEAR/2`, `-"a b" NEAR/2`, `-source:x NEAR/2`. This function puts
/// every chain `w1 OP w2 ... OP wn` (OP one of `NEAR`, `ADJ`, `NEAR/n`, `ADJ/n`; each w a
/// single word, optionally `title:`-prefixed; the first may carry `+`, `-` and `(`, the last
/// `)`) in parentheses, which keeps its meaning (`-a NEAR b c` is `-(a NEAR b) c`), and refuses any
/// other upper-case `NEAR` or `ADJ` outside quotes. Text inside double quotes is untouched.
/// @param text a query after normalize_for_terms().
/// @return @p text with each chain bracketed (white space between tokens kept).
/// @throws QueryError naming the operator when a NEAR or ADJ is not between two single words.
std::string guard_positional_operators(std::string_view text);

/// Bounds on what one query may ask for.
struct QueryLimits {
    std::size_t max_bytes = 1024;  ///< query string length in bytes
    std::size_t max_terms = 64;    ///< distinct terms after parsing
    Xapian::termcount max_wildcard =
        100;  ///< terms one trailing wildcard expands to (most frequent kept)
};

/// @brief Parses user queries into Xapian queries. Plain words are all required
///        (default operator AND; OR on request, see DefaultOperator) and stemmed with the index's
///        Snowball stemmer (Xapian STEM_ALL, like the indexer); `"phrases"`, `AND OR NOT XOR NEAR`
///        (upper case only: lower-case `or` is a word), `+must -mustnot`, trailing
///        wildcards `sanct*`, `title:` (prefix S) and `source:` (boolean, case-folded),
///        and date ranges `2024-06-01..2024-06-30` (also `2024-06..2024-07`, open
///        ends `2024-06-01..`), inclusive, on the publication time.
///        The text goes through normalize_for_terms() first, as indexed text does.
///        English stop words (make_stopper()) are dropped beside other words under either
///        operator, but kept in phrases and after `+` (Xapian's QueryParser does so).
///
/// Not thread-safe (it owns a Xapian::QueryParser): one per thread.
class QueryBuilder {
   public:
    /// @param language stemming language of the index (Snowball name or ISO code).
    explicit QueryBuilder(const std::string& language = "en", QueryLimits limits = {});

    /// @brief Sets the database wildcards expand against. Must be called before
    ///        parsing a query with a wildcard.
    void set_database(const Xapian::Database& db);

    /// @brief Parses @p text.
    /// @param op how plain words combine (default: all required).
    /// @return the query (ParsedQuery::combined() of parse_parts()); an empty Xapian::Query
    ///         (MatchNothing) when @p text holds no term (empty, blank, punctuation or stop
    ///         words only) and no filter.
    /// @throws QueryError when the text cannot be parsed (`AND AND`, `title:(`),
    ///         is longer than limits.max_bytes bytes, has more than limits.max_terms
    ///         distinct terms, or has a date range with an impossible date.
    Xapian::Query parse(std::string_view text, DefaultOperator op = DefaultOperator::all_words);

    /// @brief Like parse(), but returns the ranked part and the filters apart.
    /// @param word_prefix prefix of the terms of plain words and phrases (schema::kStoryWord
    ///        for story documents; "" for paragraphs); `title:`, `source:` and the other
    ///        fields keep their own prefixes.
    /// @throws QueryError as parse() does (the term limit counts both parts).
    ParsedQuery parse_parts(std::string_view text,
                            DefaultOperator op = DefaultOperator::all_words,
                            const std::string& word_prefix = {});

    /// @brief The lower-cased prefixes of the trailing wildcards of @p text
    ///        (`sanct*` → `sanct`), for highlighting.
    static std::vector<std::string> wildcard_prefixes(std::string_view text);

    const QueryLimits& limits() const { return limits_; }

   private:
    Xapian::QueryParser parser_;
    QueryLimits limits_;
};

/// @brief A value-range query on the publication time between two date bounds
///        (see date_bound_key(); either may be empty for an open end).
/// @throws QueryError when a bound is not a date, or @p from is after @p to.
Xapian::Query date_range_query(std::string_view from, std::string_view to);

}  // namespace herald
