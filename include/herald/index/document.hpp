// The Xapian document of a news paragraph: data, terms and value slots (the word rule
// itself is in text/words.hpp).
#pragma once

#include <herald/text/article.hpp>

#include <xapian.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace herald {

/// @brief Builds the Xapian document of one paragraph (docs/index-layout.md):
///        document data (encode_paragraph_data()), title words with prefix `S`
///        and weight schema::kTitleWeight (every paragraph), title words unprefixed in the
///        first paragraph only, text words unprefixed (stemmed,
///        positional, `increase_termpos` between fields so a phrase never spans two),
///        boolean terms (unique id, article, language, source, tags) and value slots.
///
/// Not thread-safe: use one DocumentBuilder per thread. Stemmers are cached per language.
class DocumentBuilder {
   public:
    DocumentBuilder();

    /// @brief The document for paragraph @p paragraph (0-based index into
    ///        article.paragraphs; stored and shown 1-based).
    /// @param entities the paragraph's entities with canonical names (see
    ///        paragraph_entities()): boolean terms (schema::entity_term), facet values
    ///        (slot schema::kFacets, with the article's tags) and the data's "entities".
    /// @throws std::out_of_range if @p paragraph is not an index of article.paragraphs.
    Xapian::Document paragraph_document(const Article& article,
                                        std::size_t paragraph,
                                        const std::vector<Entity>& entities = {});

    /// @brief The stemmer of @p language (cached; unknown languages do not stem).
    const Xapian::Stem& stemmer(const std::string& language);

   private:
    Xapian::TermGenerator generator_;
    std::unordered_map<std::string, Xapian::Stem> stemmers_;
};

}  // namespace herald
