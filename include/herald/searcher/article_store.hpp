// Reading whole articles and entity names back from an index (the server's
// /api/articles/{id} and /api/entities).
#pragma once

#include <herald/text/article.hpp>

#include <nlohmann/json.hpp>
#include <xapian.h>

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald {

/// An article as stored: its paragraphs in order and the entities of each.
struct ArticleView {
    std::string id, title, url, source, published, language;
    std::vector<std::string> paragraphs;  ///< in order; paragraph n is paragraphs[n-1]
    std::vector<std::vector<Entity>> paragraph_entities;  ///< parallel to paragraphs
    std::map<std::string, std::vector<std::string>> tags;
};

/// @brief The article @p id, read from its paragraph documents (term schema::kArticle).
/// @return std::nullopt when the index holds no paragraph of it.
/// @throws Xapian::Error from the database (e.g. DatabaseModifiedError: reopen and retry).
/// Not thread-safe for one Database object.
std::optional<ArticleView> get_article(const Xapian::Database& db, const std::string& id);

/// @brief {"id", "title", "url", "source", "published", "language", "tags", "paragraphs":
///        [{"paragraph": 1, "text", "entities": [{"name", "type"}]}], "entities": [{"name",
///        "type", "paragraphs": [1, 3]}]} — the article-level list has each entity once.
nlohmann::json to_json(const ArticleView& article);

/// An entity name and how many articles mention it (paragraphs, in an index without story
/// documents).
struct EntityCount {
    std::string name;  ///< display form ("Vladimir Putin")
    EntityType type = EntityType::misc;
    Xapian::doccount count = 0;
};

/// @brief Entity names of @p type with a word that starts with @p prefix (compared as
///        schema::entity_key folds names), for autocomplete: "Pu" and "vladimir p" both find
///        "Vladimir Putin". Most frequent first, then by name. Reads every name of the type
///        (a term-list walk: fine for hundreds of thousands of names); the max(4 × limit, 100)
///        names in most paragraphs are then counted in articles (the term's collection
///        frequency, see DocumentBuilder::article_document) and sorted again.
/// @param type "person", "place", "organization" (or "org") or "misc".
/// @param prefix any text; empty lists the most frequent names of the type.
/// @param limit at most this many names (1 to 1000).
/// @throws std::invalid_argument for an unknown type or a bad limit.
/// @throws Xapian::Error from the database.
std::vector<EntityCount> suggest_entities(const Xapian::Database& db,
                                          std::string_view type,
                                          std::string_view prefix,
                                          std::size_t limit);

}  // namespace herald
