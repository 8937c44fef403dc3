#include <herald/searcher/article_store.hpp>
#include <herald/text/entity_resolution.hpp>
#include <herald/text/index_layout.hpp>
#include <herald/text/paragraph_data.hpp>
#include <herald/text/schema.hpp>

#include <algorithm>
#include <set>
#include <stdexcept>

namespace herald {

std::optional<ArticleView> get_article(const Xapian::Database& db, const std::string& id) {
    const std::string term = schema::boolean_term(schema::kArticle, id);
    std::vector<ParagraphData> parts;
    for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it) {
        auto data = decode_paragraph_data(db.get_document(*it).get_data());
        if (data && data->paragraph > 0) parts.push_back(std::move(*data));  // 0: story document
    }
    if (parts.empty()) return std::nullopt;
    std::sort(parts.begin(), parts.end(), [](const ParagraphData& a, const ParagraphData& b) {
        return a.paragraph < b.paragraph;
    });
    ParagraphData& first = parts.front();
    ArticleView a;
    a.id = id;
    a.title = first.title;
    a.url = first.url;
    a.source = first.source;
    a.published = first.published;
    a.language = first.language;
    a.tags = first.tags;
    for (auto& part : parts) {
        a.paragraphs.push_back(std::move(part.text));
        a.paragraph_entities.push_back(std::move(part.entities));
    }
    return a;
}

nlohmann::json to_json(const ArticleView& article) {
    nlohmann::json paragraphs = nlohmann::json::array();
    nlohmann::json entities = nlohmann::json::array();
    std::vector<std::string> keys;  // type + key of each entry of `entities`
    for (std::size_t i = 0; i < article.paragraphs.size(); ++i) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& e : article.paragraph_entities[i]) {
            list.push_back({{"name", e.text}, {"type", std::string(entity_type_name(e.type))}});
            const std::string key =
                std::string(entity_type_name(e.type)) + '\x1f' + schema::entity_key(e.text);
            auto at = std::find(keys.begin(), keys.end(), key);
            if (at == keys.end()) {
                keys.push_back(key);
                entities.push_back({{"name", e.text},
                                    {"type", std::string(entity_type_name(e.type))},
                                    {"paragraphs", nlohmann::json::array()}});
                at = keys.end() - 1;
            }
            entities[static_cast<std::size_t>(at - keys.begin())]["paragraphs"].push_back(i + 1);
        }
        paragraphs.push_back(
            {{"paragraph", i + 1}, {"text", article.paragraphs[i]}, {"entities", std::move(list)}});
    }
    return {{"id", article.id},
            {"title", article.title},
            {"url", article.url},
            {"source", article.source},
            {"published", article.published},
            {"language", article.language},
            {"tags", article.tags},
            {"paragraphs", std::move(paragraphs)},
            {"entities", std::move(entities)}};
}

std::vector<EntityCount> suggest_entities(const Xapian::Database& db,
                                          std::string_view type,
                                          std::string_view prefix,
                                          std::size_t limit) {
    const std::optional<EntityType> entity_type = parse_entity_type(type);
    if (!entity_type)
        throw std::invalid_argument("unknown entity type \"" + std::string(type) + "\"");
    const std::string term_prefix(schema::entity_prefix(*entity_type));
    if (limit < 1 || limit > 1000) throw std::invalid_argument("limit must be between 1 and 1000");
    const std::string want = schema::entity_key(prefix);

    struct Candidate {
        std::string term;
        Xapian::doccount count;
    };
    std::vector<Candidate> found;
    for (auto it = db.allterms_begin(term_prefix); it != db.allterms_end(term_prefix); ++it) {
        const std::string term = *it;
        std::string_view key(term);
        key.remove_prefix(term_prefix.size());
        if (!key.empty() && key.front() == ':') key.remove_prefix(1);
        bool match = want.empty();
        for (std::size_t at = 0; !match;) {  // at each word start
            match = key.compare(at, want.size(), want) == 0;
            at = key.find(' ', at);
            if (at == std::string_view::npos) break;
            ++at;
        }
        if (match) found.push_back({term, it.get_termfreq()});
    }
    auto by_count = [](const Candidate& a, const Candidate& b) {
        return a.count != b.count ? a.count > b.count : a.term < b.term;
    };
    std::sort(found.begin(), found.end(), by_count);
    if (has_story_documents(db)) {
        // Count articles: a story document carries the term with wdf 1, paragraphs with 0.
        // The most frequent by paragraphs are re-counted; beyond them no article count can
        // win a place but by an unusual spread over paragraphs.
        const std::size_t recount = std::max<std::size_t>(4 * limit, 100);
        if (found.size() > recount) found.resize(recount);
        for (auto& c : found) c.count = db.get_collection_freq(c.term);
        std::sort(found.begin(), found.end(), by_count);
    }
    // The collection's entity groups: a surname or alias counts with the name it stands for
    // ("volcker" → "Paul Volcker"), a name voted to another type drops out.
    const EntityResolution resolution = load_entity_resolution(db);
    if (!resolution.empty()) {
        std::vector<Candidate> merged;
        for (const auto& c : found) {
            const std::string& target = resolution.resolve(c.term);
            if (target.compare(0, term_prefix.size(), term_prefix) != 0) continue;
            auto at = std::find_if(merged.begin(), merged.end(),
                                   [&](const Candidate& m) { return m.term == target; });
            if (at != merged.end() && target == c.term) continue;  // counted with a member
            if (at == merged.end()) {
                const Xapian::doccount own =
                    target == c.term
                        ? 0
                        : (has_story_documents(db)
                               ? static_cast<Xapian::doccount>(db.get_collection_freq(target))
                               : db.get_termfreq(target));
                merged.push_back({target, own});
                at = merged.end() - 1;
            }
            at->count += c.count;
        }
        found = std::move(merged);
        std::sort(found.begin(), found.end(), by_count);
    }
    if (found.size() > limit) found.resize(limit);
    std::vector<EntityCount> out;
    for (const auto& c : found) {
        std::string name = db.get_metadata(schema::display_key(c.term));
        if (name.empty()) {
            name = c.term.substr(term_prefix.size());
            if (!name.empty() && name.front() == ':') name.erase(0, 1);
        }
        out.push_back({std::move(name), *entity_type, c.count});
    }
    return out;
}

}  // namespace herald
