// Text analysis shared by indexing, query parsing and snippets, so the three
// always agree on what a term is.
#pragma once

#include <herald/article.hpp>

#include <xapian.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

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

/// @brief Like make_stemmer(), but an unknown language gives no stemming instead of an
///        error. Language tags are reduced to their primary subtag ("en-US" → "en").
/// @return a stemmer; Xapian::Stem::is_none() when the language has no Snowball stemmer.
Xapian::Stem make_stemmer_or_none(std::string_view language);

/// @brief A new English stop-word list for Xapian (the usual function words:
///        "the", "a", "of", ...) for "en", "en-GB", "english", …; nullptr for other languages. The caller
///        owns it; pass it to QueryParser::set_stopper(stopper->release()).
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

class EntityExtractor;

/// @brief The entities of each paragraph of @p article, with canonical names: the mentions
///        @p extractor finds (none when it is nullptr) and the article's given entities
///        (`article.entities`), canonicalized together within the article. A given entity
///        belongs to the paragraphs whose text contains its name (case-insensitively), or to
///        the lead paragraph when none does. Each paragraph lists an entity once.
/// @return one list per paragraph, in article order. Thread-safe if @p extractor is.
std::vector<std::vector<Entity>> paragraph_entities(const Article& article, const EntityExtractor* extractor);

/// @brief Builds the Xapian document of one paragraph (DESIGN.md "Index"):
///        document data (JSON, keys in schema::data), title words with prefix `S`
///        and weight schema::kTitleWeight (every paragraph), title words unprefixed in the
///        first paragraph only, text words unprefixed (stemmed,
///        positional, `increase_termpos` between fields so a phrase never spans two),
///        boolean terms (unique id, article, language, source, tags) and value slots.
///
/// Not thread-safe: use one Analyzer per thread. Stemmers are cached per language.
class Analyzer {
   public:
    Analyzer();

    /// @brief The document for paragraph @p paragraph (0-based index into
    ///        article.paragraphs; stored and shown 1-based).
    /// @param entities the paragraph's entities with canonical names (see
    ///        paragraph_entities()): boolean terms (schema::entity_term), facet values
    ///        (slot schema::kFacets, with the article's tags) and the data's "entities".
    /// @throws std::out_of_range if @p paragraph is not an index of article.paragraphs.
    Xapian::Document paragraph_document(const Article& article, std::size_t paragraph,
                                        const std::vector<Entity>& entities = {});

    /// @brief The stemmer of @p language (cached; unknown languages do not stem).
    const Xapian::Stem& stemmer(const std::string& language);

   private:
    Xapian::TermGenerator generator_;
    std::unordered_map<std::string, Xapian::Stem> stemmers_;
};

}  // namespace herald
