// Snippets: the best short passage of a paragraph with the matching words marked.
#pragma once

#include <herald/text/words.hpp>

#include <xapian.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace herald {

struct SnippetOptions {
    /// Cap on the snippet's text in bytes of UTF-8, counted before HTML escaping and
    /// without the highlight markers, ellipses included. Never cuts a character.
    std::size_t max_bytes = 200;
    std::string mark_open = "<mark>";
    std::string mark_close = "</mark>";
    bool escape_html = true;          ///< HTML-escape the text (markers are inserted as they are)
    std::string ellipsis = "\u2026";  ///< marks text left out at either end
};

/// @brief Decides which words of a text match a query, and cuts snippets.
///
/// A word matches when its term (word_term(): normalized, lower-cased, stemmed with
/// the index's stemmer) is one of the query's terms, or starts with one of the
/// query's wildcard prefixes; so `floods` highlights "Floods" and "flooding" is
/// not highlighted unless its stem matches.
///
/// Words are runs of Unicode letters, marks, digits and connectors (Xapian's
/// is_wordchar), joined by an apostrophe (’ or ') or, inside initialisms, a dot ("U.S.").
/// Not thread-safe (holds a Xapian::Stem): one per thread.
class Highlighter {
   public:
    /// @param terms query terms as indexed (stemmed, unprefixed).
    /// @param wildcard_prefixes lower-cased prefixes of trailing wildcards.
    Highlighter(std::unordered_set<std::string> terms,
                std::vector<std::string> wildcard_prefixes,
                Xapian::Stem stemmer);

    /// @brief Whether the single word @p word matches.
    bool matches(std::string_view word) const;

    /// @brief The snippet of @p text: the whole text when it fits in
    ///        options.max_bytes, else the window of whole words with the most
    ///        distinct matching terms (then most matches, then a sentence start,
    ///        then the earliest), with an ellipsis where text was left out.
    /// @param text UTF-8 paragraph text.
    /// @return UTF-8; HTML-escaped when options.escape_html.
    /// @throws std::bad_alloc only.
    std::string snippet(std::string_view text, const SnippetOptions& options = {}) const;

   private:
    // matches(), given the word's term (word_term()) already computed.
    bool matches_term(std::string_view word, const std::string& term) const;
    // Per word of @p words, the index of its distinct matched term or -1; @p term_count gets their
    // number.
    std::vector<int> match_words(std::string_view text,
                                 const std::vector<WordSpan>& words,
                                 std::size_t& term_count) const;

    std::unordered_set<std::string> terms_;
    std::vector<std::string> prefixes_;
    Xapian::Stem stemmer_;
};

}  // namespace herald
