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

/// One passage of a story's snippet: a paragraph and the snippet cut from it.
struct Passage {
    unsigned paragraph = 0;  ///< 1-based
    std::string snippet;     ///< as Highlighter::snippet() returns it
};

/// A text marked by Highlighter::mark(): its words and which of them match.
struct MarkedText {
    std::vector<WordSpan> words;  ///< split_words() of the text
    /// match_id[i]: the index in terms of word i's term, or -1 when word i does not match.
    std::vector<int> match_id;
    std::vector<std::string> terms;  ///< the distinct matching terms, in order of appearance
};

/// A paragraph offered to Highlighter::story_snippet().
struct PassageSource {
    unsigned paragraph = 0;  ///< 1-based
    std::string_view text;   ///< UTF-8 paragraph text
    /// mark(text) when the caller has it already (by the same Highlighter), else nullptr.
    const MarkedText* marked = nullptr;
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

    /// @brief The words of @p text (split_words()) and which of them match. With a stemmer
    ///        that keeps a word's start (stem_keeps_word_start()), a word is not stemmed at
    ///        all when its lower-cased first byte (ASCII) starts no query term and no wildcard
    ///        prefix, or when its first two bytes (ASCII letters) start no query term of four
    ///        bytes or more and every shorter term and every prefix starts with another byte.
    /// @param text UTF-8; the result's spans point into it.
    /// @throws std::bad_alloc only.
    MarkedText mark(std::string_view text) const;

    /// @brief False when no word of @p text can match, found without splitting it into words:
    ///        with a stemmer that keeps a word's start (stem_keeps_word_start()), no wildcard
    ///        prefix, and only query terms of four bytes or more in ASCII without `'` or `_`,
    ///        a matching word starts with all of its term but the last two bytes, so the text
    ///        holds that start (ASCII case aside). True whenever that cannot be shown.
    /// @param text UTF-8.
    /// @throws std::bad_alloc only.
    bool may_hold_match(std::string_view text) const;

    /// @brief The snippet of @p text: the whole text when it fits in
    ///        options.max_bytes, else the window of whole words with the most
    ///        distinct matching terms (then most matches, then a sentence start,
    ///        then the earliest), with an ellipsis where text was left out.
    /// @param text UTF-8 paragraph text.
    /// @return UTF-8; HTML-escaped when options.escape_html.
    /// @throws std::bad_alloc only.
    std::string snippet(std::string_view text, const SnippetOptions& options = {}) const;

    /// @brief The snippet of a story whose matching words may sit in several paragraphs.
    ///        The first of @p paragraphs (the best-ranked) always gives a passage; then, while
    ///        some matching term of the other paragraphs is not yet shown and fewer than
    ///        @p max_passages are taken, the paragraph showing the most such terms (the
    ///        earlier in @p paragraphs on a tie) adds one. Each passage is snippet() of its
    ///        paragraph with an equal share of options.max_bytes, less the separators; no
    ///        passage gets fewer than kMinPassageBytes, so a small cap gives fewer passages.
    /// @param paragraphs best first; empty gives no passage.
    /// @return the passages in paragraph order. join_passages() makes them one snippet.
    /// @throws std::bad_alloc only.
    std::vector<Passage> story_snippet(const std::vector<PassageSource>& paragraphs,
                                       const SnippetOptions& options = {},
                                       std::size_t max_passages = 3) const;

    /// Smallest share of the byte cap story_snippet() gives a passage.
    static constexpr std::size_t kMinPassageBytes = 60;

   private:
    // The snippet of @p text, marked by mark().
    std::string cut(std::string_view text,
                    const MarkedText& marked,
                    const SnippetOptions& options) const;
    // matches(), given the word's term (word_term()) already computed.
    bool matches_term(std::string_view word, const std::string& term) const;
    // Whether the word @p word (not empty) can match (see mark()).
    bool may_match(std::string_view word) const;

    std::unordered_set<std::string> terms_;
    std::vector<std::string> prefixes_;
    Xapian::Stem stemmer_;
    bool start_kept_ = false;     // stem_keeps_word_start(stemmer_)
    bool first_bytes_[128] = {};  // ASCII first bytes of the terms and prefixes
    // The ASCII first bytes that some term shorter than four bytes or some prefix starts with:
    // a word starting with one is stemmed whatever its second byte.
    bool short_first_bytes_[128] = {};
    bool first_pairs_[26][26] = {};  // first two letters ('a'..'z') of the longer terms
    // may_hold_match(): each term but its last two bytes; empty when it cannot decide.
    std::vector<std::string> term_starts_;
    mutable std::string lowered_;  // may_hold_match()'s lower-cased copy of the text
};

/// @brief The passages' snippets joined in order: with " … " (options.ellipsis between
///        spaces) between two passages, or a single space where one side already shows an
///        ellipsis. The joined text, markers aside, stays within the options.max_bytes that
///        story_snippet() was given.
std::string join_passages(const std::vector<Passage>& passages, const SnippetOptions& options = {});

}  // namespace herald
