// The Xapian document of a news paragraph: data, terms and value slots (the word rule
// itself is in text/words.hpp).
#pragma once

#include <herald/text/article.hpp>
#include <herald/text/paragraph_data.hpp>

#include <xapian.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace herald {

/// @brief Builds the Xapian documents of an article (docs/index-layout.md): one per
///        paragraph, and one for the article as a whole (its story document).
///
///        A paragraph document has:
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

    /// @brief The story document of @p article: what a story-level query (SearchUnit::article)
    ///        matches, ranks and counts. Document data: encode_paragraph_data() with paragraph 0,
    ///        no text, and the union of the paragraphs' entities; the same data with every
    ///        paragraph's text and entities in slot schema::kStoryRecord (encode_story_record()),
    ///        so a story hit is shown from that one value. Terms: title words with prefix
    ///        `S` (weight schema::kTitleWeight) and with prefix schema::kStoryWord (weight
    ///        schema::kHeadlineWeight), then every paragraph's words with prefix
    ///        schema::kStoryWord, positional, paragraph n from position
    ///        n × schema::kParagraphStride, so that a phrase or a `NEAR` never joins two
    ///        paragraphs and a position tells its paragraph (schema::paragraph_of_position());
    ///        boolean terms: schema::kStoryDocument, the unique id schema::unique_term(id, 0),
    ///        article, language, source, tags, and every entity of any paragraph with wdf 1 (so the
    ///        entity term's collection frequency counts articles); value slots as a paragraph's,
    ///        with paragraph 0 and the facet values of all paragraphs, each (facet, name) once.
    /// @param entities per paragraph, as for paragraph_document() (missing entries: none).
    /// @throws nothing beyond std::bad_alloc and Xapian errors.
    Xapian::Document article_document(const Article& article,
                                      const std::vector<std::vector<Entity>>& entities);

    /// @brief The stemmer of @p language (cached; unknown languages do not stem).
    const Xapian::Stem& stemmer(const std::string& language);

   private:
    // What the data of paragraph @p number (0: the story document) holds.
    static ParagraphData data_of(const Article& article,
                                 unsigned number,
                                 std::string_view text,
                                 const std::vector<Entity>& entities);
    // A new document with @p data as its data and generator_ set up to index into it in the
    // article's language.
    Xapian::Document start(const Article& article, const ParagraphData& data);
    // The boolean terms, entity terms (with @p entity_wdf), tag terms and value slots that
    // paragraph and story documents share.
    void finish(Xapian::Document& doc,
                const Article& article,
                unsigned number,
                const std::vector<Entity>& entities,
                Xapian::termcount entity_wdf);

    Xapian::TermGenerator generator_;
    std::unordered_map<std::string, Xapian::Stem> stemmers_;
};

}  // namespace herald
