// The word rule of Herald, in one place: which runs of text are words, how a word becomes
// the term it is indexed and searched as (normalization, lower case, stem), and the stop
// words of queries. Xapian's TermGenerator (index/document.hpp) and QueryParser
// (searcher/query.hpp) split the text normalize_for_terms() rewrote with Xapian's own rule;
// split_words() reproduces that rule for the snippet highlighter (searcher/snippet.hpp). A
// change to the rule is made here, in both functions when both must follow.
#pragma once

#include <xapian.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace herald {

/// @brief A Xapian stemmer backed by Snowball's libstemmer (Snowball 2.x
///        algorithms, incl. languages Xapian 1.4 lacks: greek, hindi, serbian,
///        yiddish), with a per-object cache of recent stems.
/// @param language a Snowball name ("english") or ISO 639 code ("en", "eng");
///        "none" or "" for no stemming.
/// @return the stemmer. A Xapian::Stem is not thread-safe: use one per thread.
/// @throws std::invalid_argument when libstemmer has no such language.
/// @see https://snowballstem.org/ (Porter, "Snowball: A language for stemming algorithms", 2001)
Xapian::Stem make_stemmer(std::string_view language);

/// @brief Whether @p stemmer keeps the start of a word: a word and its term (word_term())
///        share their first byte, and a term of four bytes or more starts with the word's first
///        two bytes (lower-cased). True for no stemming and for Snowball's English and Porter
///        stemmers: they only rewrite a suffix, by at most two bytes beyond what they cut
///        ("relational" → "relat", "hoping" → "hope", "-biliti" → "-ble"; the exceptional
///        "dying" → "die" and "skies" → "sky" fit too). Checked over every distinct word of
///        Reuters-21578, BBC, CoNLL-2003, the gazetteers and GloVe's 100,000 words
///        (tests/text/test_words.cpp). False for every other language, whose stemmers may
///        rewrite a word's start (Snowball's Irish, Indonesian and Arabic strip prefixes). The
///        highlighter skips stemming the words it rules out this way.
/// @see https://snowballstem.org/algorithms/english/stemmer.html
/// @throws nothing. Thread-safe for distinct stemmers.
bool stem_keeps_word_start(const Xapian::Stem& stemmer);

/// @brief Like make_stemmer(), but an unknown language gives no stemming instead of an
///        error. Language tags are reduced to their primary subtag ("en-US" → "en").
/// @return a stemmer; Xapian::Stem::is_none() when the language has no Snowball stemmer.
Xapian::Stem make_stemmer_or_none(std::string_view language);

/// @brief A new English stop-word list for Xapian (the usual function words:
///        "the", "a", "of", ...) for "en", "en-GB", "english", …; nullptr for other languages. The
///        caller owns it; pass it to QueryParser::set_stopper(stopper->release()).
Xapian::Stopper* make_stopper(std::string_view language);

/// @brief Rewrites text so that Xapian's word splitting (TermGenerator and
///        QueryParser alike) produces the terms news search needs:
///        - curly and modifier apostrophes (U+2019, U+2018, U+02BC, U+FF07) become `'`;
///        - variation selectors (U+FE00–U+FE0F, as in "❤️") are removed;
///        - a possessive `'s` / `'` after a word is removed ("Putin’s" → "Putin",
///          "ministers'" → "ministers"), other apostrophes stay ("O’Neill" → "O'Neill");
///        - initialisms with dots become one underscore-joined word, so they are
///          never confused with a stop word ("U.S." → "U_S", "U.N." → "U_N").
///        Everything else (query syntax included) is left as it is.
/// @param text UTF-8.
/// @return UTF-8, never longer than @p text. Thread-safe.
std::string normalize_for_terms(std::string_view text);

/// @brief The term a single word of text indexes as: normalize_for_terms(),
///        Unicode lower-casing as Xapian does, then @p stemmer.
/// Used by snippets to decide which words match.
std::string word_term(std::string_view word, const Xapian::Stem& stemmer);

/// A word of text, as the highlighter sees it: bytes [begin, end).
struct WordSpan {
    std::size_t begin;
    std::size_t end;
};

/// @brief Splits @p text into words — the same words Xapian's TermGenerator makes of
///        normalize_for_terms(@p text): runs of Unicode letters, marks, digits and connectors
///        (Xapian::Unicode::is_wordchar), joined by an apostrophe (’ or ') followed by a word
///        character, by `.` or `,` between digits ("1,164", "5.93"), and by the dots of an
///        initialism ("U.S.", closing dot included). Offsets are UTF-8 bytes.
std::vector<WordSpan> split_words(std::string_view text);

}  // namespace herald
