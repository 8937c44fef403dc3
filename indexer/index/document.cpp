#include <herald/index/document.hpp>
#include <herald/text/paragraph_data.hpp>
#include <herald/text/schema.hpp>
#include <herald/text/words.hpp>

#include <cstdint>
#include <unordered_map>

namespace herald {

DocumentBuilder::DocumentBuilder() = default;

const Xapian::Stem& DocumentBuilder::stemmer(const std::string& language) {
    auto it = stemmers_.find(language);
    if (it == stemmers_.end())
        it = stemmers_.emplace(language, make_stemmer_or_none(language)).first;
    return it->second;
}

ParagraphData DocumentBuilder::data_of(const Article& article,
                                       unsigned number,
                                       std::string_view text,
                                       const std::vector<Entity>& entities) {
    ParagraphData data;
    data.article_id = article.id;
    data.paragraph = number;
    data.title = article.title;
    data.url = article.url;
    data.source = article.source;
    data.published = article.published;
    data.language = article.language;
    data.text = std::string(text);
    data.tags = article.tags;
    data.entities = entities;
    return data;
}

Xapian::Document DocumentBuilder::start(const Article& article, const ParagraphData& data) {
    Xapian::Document doc;
    doc.set_data(encode_paragraph_data(data));

    const Xapian::Stem& stem = stemmer(article.language);
    generator_.set_stemmer(stem);
    // Without a stemmer, STEM_ALL would index no words at all: index them as written.
    generator_.set_stemming_strategy(stem.is_none() ? Xapian::TermGenerator::STEM_NONE
                                                    : Xapian::TermGenerator::STEM_ALL);
    generator_.set_document(doc);
    return doc;
}

void DocumentBuilder::finish(Xapian::Document& doc,
                             const Article& article,
                             unsigned number,
                             const std::vector<Entity>& entities,
                             Xapian::termcount entity_wdf) {
    doc.add_boolean_term(schema::unique_term(article.id, number));
    doc.add_boolean_term(schema::boolean_term(schema::kArticle, article.id));
    if (!article.language.empty())
        doc.add_boolean_term(schema::boolean_term(schema::kLanguage, article.language));
    if (!article.source.empty()) {
        doc.add_boolean_term(
            schema::boolean_term(schema::kSource, Xapian::Unicode::tolower(article.source)));
    }
    std::vector<std::pair<std::string, std::string>> facets;
    for (const auto& e : entities) {
        doc.add_term(schema::entity_term(e.type, e.text), entity_wdf);
        facets.emplace_back(std::string(entity_facet_name(e.type)), e.text);
    }
    for (const auto& [kind, values] : article.tags) {
        for (const auto& v : values) {
            doc.add_boolean_term(schema::tag_term(kind, v));
            facets.emplace_back("tag." + kind, v);
        }
    }
    if (!facets.empty()) doc.add_value(schema::kFacets, schema::encode_facets(facets));
    doc.add_value(schema::kPublished, timestamp_key(article.published));
    doc.add_value(schema::kArticleId, article.id);
    doc.add_value(schema::kParagraph, Xapian::sortable_serialise(number));
}

Xapian::Document DocumentBuilder::paragraph_document(const Article& article,
                                                     std::size_t paragraph,
                                                     const std::vector<Entity>& entities) {
    const std::string& text = article.paragraphs.at(paragraph);
    const auto number = static_cast<unsigned>(paragraph + 1);
    Xapian::Document doc = start(article, data_of(article, number, text, entities));
    if (!article.title.empty()) {
        const std::string title = normalize_for_terms(article.title);
        // Every paragraph answers `title:`; the lead paragraph also carries the headline as
        // ordinary words, so plain queries find an article by its headline without every
        // paragraph of it matching through words it does not contain.
        generator_.index_text(title, schema::kTitleWeight, std::string(schema::kTitle));
        generator_.increase_termpos();
        if (paragraph == 0) {
            generator_.index_text(title);
            generator_.increase_termpos();
        }
    }
    generator_.index_text(normalize_for_terms(text));

    finish(doc, article, number, entities, 0);
    return doc;
}

Xapian::Document DocumentBuilder::article_document(
    const Article& article, const std::vector<std::vector<Entity>>& entities) {
    // The union of the paragraphs' entities, each (type, canonical key) once, first form kept.
    // Each paragraph's text keeps its entities as indices into the union.
    std::vector<Entity> all;
    std::unordered_map<std::string, std::uint32_t> index;  // entity term → index in all
    std::vector<StoryParagraph> paragraphs(article.paragraphs.size());
    for (std::size_t i = 0; i < article.paragraphs.size(); ++i) {
        paragraphs[i].text = article.paragraphs[i];
        if (i >= entities.size()) continue;
        for (const auto& e : entities[i]) {
            const auto next = static_cast<std::uint32_t>(all.size());
            const auto [it, fresh] = index.emplace(schema::entity_term(e.type, e.text), next);
            if (fresh) all.push_back(e);
            paragraphs[i].entities.push_back(it->second);
        }
    }
    StoryRecord record{data_of(article, 0, {}, all), std::move(paragraphs)};
    Xapian::Document doc = start(article, record.story);
    if (!article.title.empty()) {
        const std::string title = normalize_for_terms(article.title);
        generator_.index_text(title, schema::kStoryTitleWeight, std::string(schema::kTitle));
        generator_.increase_termpos();
        generator_.index_text(title, schema::kHeadlineWeight, std::string(schema::kStoryWord));
    }
    constexpr std::size_t kPositioned = 0xFFFFFFFFu / schema::kParagraphStride - 1;
    std::vector<Xapian::termcount> lengths;  // words of each positioned paragraph
    const std::string words(schema::kStoryWord);
    for (std::size_t i = 0; i < article.paragraphs.size(); ++i) {
        const std::string text = normalize_for_terms(article.paragraphs[i]);
        if (i < kPositioned) {
            const auto start = static_cast<Xapian::termpos>(i + 1) * schema::kParagraphStride;
            generator_.set_termpos(start);
            generator_.index_text(text, 1, words);
            lengths.push_back(generator_.get_termpos() - start);
        } else {
            generator_.index_text_without_positions(text, 1, words);
        }
    }

    doc.add_boolean_term(std::string(schema::kStoryDocument));
    // Entities with wdf 1, where paragraphs carry them with wdf 0: an entity term's
    // collection frequency is then the number of articles that mention it.
    finish(doc, article, 0, all, 1);
    doc.add_value(schema::kParagraphLengths, schema::encode_lengths(lengths));
    doc.add_value(schema::kStoryRecord, encode_story_record(record));
    return doc;
}

}  // namespace herald
