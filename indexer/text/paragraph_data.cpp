// Paragraph document data (see herald/text/paragraph_data.hpp).
#include <herald/text/paragraph_data.hpp>

#include <nlohmann/json.hpp>

namespace herald {

namespace {

// The keys of the JSON object; never renamed (indexes on disk hold them).
constexpr const char* kArticleId = "article_id";
constexpr const char* kParagraph = "paragraph";
constexpr const char* kTitle = "title";
constexpr const char* kUrl = "url";
constexpr const char* kSource = "source";
constexpr const char* kPublished = "published";
constexpr const char* kLanguage = "language";
constexpr const char* kText = "text";
constexpr const char* kTags = "tags";
constexpr const char* kEntities = "entities";
constexpr const char* kEntityName = "name";
constexpr const char* kEntityType = "type";

std::string string_at(const nlohmann::json& object, const char* key) {
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string encode_paragraph_data(const ParagraphData& p) {
    nlohmann::json data = {
        {kArticleId, p.article_id}, {kParagraph, p.paragraph},
        {kTitle, p.title},          {kUrl, p.url},
        {kSource, p.source},        {kPublished, p.published},
        {kLanguage, p.language},    {kText, p.text},
    };
    if (!p.tags.empty()) data[kTags] = p.tags;
    if (!p.entities.empty()) {
        auto& list = data[kEntities] = nlohmann::json::array();
        for (const auto& e : p.entities) {
            list.push_back(
                {{kEntityName, e.text}, {kEntityType, std::string(entity_type_name(e.type))}});
        }
    }
    return data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<ParagraphData> decode_paragraph_data(std::string_view text) {
    const nlohmann::json data = nlohmann::json::parse(text, nullptr, false);
    if (data.is_discarded() || !data.is_object()) return std::nullopt;
    ParagraphData p;
    p.article_id = string_at(data, kArticleId);
    if (auto n = data.find(kParagraph); n != data.end() && n->is_number_unsigned()) {
        p.paragraph = n->get<unsigned>();
    }
    p.title = string_at(data, kTitle);
    p.url = string_at(data, kUrl);
    p.source = string_at(data, kSource);
    p.published = string_at(data, kPublished);
    p.language = string_at(data, kLanguage);
    p.text = string_at(data, kText);
    if (auto t = data.find(kTags); t != data.end() && t->is_object()) {
        for (const auto& [kind, values] : t->items()) {
            if (!values.is_array()) continue;
            for (const auto& v : values) {
                if (v.is_string()) p.tags[kind].push_back(v.get<std::string>());
            }
        }
    }
    if (auto e = data.find(kEntities); e != data.end() && e->is_array()) {
        for (const auto& x : *e) {
            if (!x.is_object()) continue;
            Entity entity;
            entity.text = string_at(x, kEntityName);
            entity.type = parse_entity_type(string_at(x, kEntityType)).value_or(EntityType::misc);
            p.entities.push_back(std::move(entity));
        }
    }
    return p;
}

}  // namespace herald
