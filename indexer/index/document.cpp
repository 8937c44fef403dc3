#include <herald/index/document.hpp>
#include <herald/text/paragraph_data.hpp>
#include <herald/text/schema.hpp>
#include <herald/text/words.hpp>

#include <unordered_set>

namespace herald {

DocumentBuilder::DocumentBuilder() = default;

const Xapian::Stem& DocumentBuilder::stemmer(const std::string& language) {
    auto it = stemmers_.find(language);
    if (it == stemmers_.end())
        it = stemmers_.emplace(language, make_stemmer_or_none(language)).first;
    return it->second;
}

void DocumentBuilder::start(Xapian::Document& doc, const std::string& language) {
    const Xapian::Stem& stem = stemmer(language);
    generator_.set_stemmer(stem);
    // Without a stemmer, STEM_ALL would index no words at all: index them as written.
    generator_.set_stemming_strategy(stem.is_none() ? Xapian::TermGenerator::STEM_NONE
                                                    : Xapian::TermGenerator::STEM_ALL);
    generator_.set_document(doc);
}

Xapian::Document DocumentBuilder::paragraph_document(const Article& article,
                                                     std::size_t paragraph,
                                                     const std::vector<Entity>& entities) {
    const std::string& text = article.paragraphs.at(paragraph);
    const auto number = static_cast<unsigned>(paragraph + 1);
    ParagraphData data;
    data.article_id = article.id;
    data.paragraph = number;
    data.title = article.title;
    data.url = article.url;
    data.source = article.source;
    data.published = article.published;
    data.language = article.language;
    data.text = text;
    data.tags = article.tags;
    data.entities = entities;

    Xapian::Document doc;
    doc.set_data(encode_paragraph_data(data));
    start(doc, article.language);
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
        doc.add_boolean_term(schema::entity_term(e.type, e.text));
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
    return doc;
}

Xapian::Document DocumentBuilder::article_document(
    const Article& article, const std::vector<std::vector<Entity>>& entities) {
    // The union of the paragraphs' entities, each (type, canonical key) once, first form kept.
    std::vector<Entity> all;
    std::unordered_set<std::string> seen;
    for (const auto& list : entities) {
        for (const auto& e : list) {
            if (seen.insert(schema::entity_term(e.type, e.text)).second) all.push_back(e);
        }
    }
    ParagraphData data;
    data.article_id = article.id;
    data.paragraph = 0;
    data.title = article.title;
    data.url = article.url;
    data.source = article.source;
    data.published = article.published;
    data.language = article.language;
    data.tags = article.tags;
    data.entities = all;

    Xapian::Document doc;
    doc.set_data(encode_paragraph_data(data));
    start(doc, article.language);
    if (!article.title.empty()) {
        const std::string title = normalize_for_terms(article.title);
        generator_.index_text(title, schema::kTitleWeight, std::string(schema::kTitle));
        generator_.increase_termpos();
        generator_.index_text(title, schema::kHeadlineWeight);
    }
    constexpr std::size_t kPositioned = 0xFFFFFFFFu / schema::kParagraphStride - 1;
    std::vector<Xapian::termcount> lengths;  // words of each positioned paragraph
    for (std::size_t i = 0; i < article.paragraphs.size(); ++i) {
        const std::string text = normalize_for_terms(article.paragraphs[i]);
        if (i < kPositioned) {
            const auto start = static_cast<Xapian::termpos>(i + 1) * schema::kParagraphStride;
            generator_.set_termpos(start);
            generator_.index_text(text);
            lengths.push_back(generator_.get_termpos() - start);
        } else {
            generator_.index_text_without_positions(text);
        }
    }

    doc.add_boolean_term(std::string(schema::kStoryDocument));
    doc.add_boolean_term(schema::unique_term(article.id, 0));
    doc.add_boolean_term(schema::boolean_term(schema::kArticle, article.id));
    if (!article.language.empty())
        doc.add_boolean_term(schema::boolean_term(schema::kLanguage, article.language));
    if (!article.source.empty()) {
        doc.add_boolean_term(
            schema::boolean_term(schema::kSource, Xapian::Unicode::tolower(article.source)));
    }
    std::vector<std::pair<std::string, std::string>> facets;
    for (const auto& e : all) {
        // wdf 1, where paragraphs carry the term with wdf 0: the term's collection frequency
        // is then the number of articles that mention the entity.
        doc.add_term(schema::entity_term(e.type, e.text), 1);
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
    doc.add_value(schema::kParagraph, Xapian::sortable_serialise(0));
    doc.add_value(schema::kParagraphLengths, schema::encode_lengths(lengths));
    return doc;
}

}  // namespace herald
