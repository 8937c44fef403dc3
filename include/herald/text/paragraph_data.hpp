// The document data of a paragraph document: what the index stores of each paragraph to
// show it (hits, articles), as one JSON object. The one encoder and the one decoder; the
// keys are listed in docs/index-layout.md.
#pragma once

#include <herald/text/article.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald {

/// @brief What a paragraph document's data holds.
struct ParagraphData {
    std::string article_id;
    unsigned paragraph = 0;  ///< 1-based number within the article
    std::string title;
    std::string url;
    std::string source;
    std::string published;  ///< ISO 8601 UTC (`YYYY-MM-DDThh:mm:ssZ`) or ""
    std::string language;
    std::string text;  ///< the paragraph's text
    /// Corpus tags of the article by kind ({"places": ["usa"]}); empty: not stored.
    std::map<std::string, std::vector<std::string>> tags;
    /// The paragraph's entities with canonical names; empty: not stored.
    std::vector<Entity> entities;
};

/// @brief The document data of @p data: a compact JSON object with the keys `article_id`,
///        `paragraph`, `title`, `url`, `source`, `published`, `language`, `text`, and
///        `tags` and `entities` ([{"name", "type"}], type as entity_type_name()) when not
///        empty. Keys sorted; invalid UTF-8 replaced by U+FFFD.
/// @throws std::bad_alloc only. Thread-safe.
std::string encode_paragraph_data(const ParagraphData& data);

/// @brief Reads document data written by encode_paragraph_data(). A missing key or a value
///        of another JSON type reads as empty (0 for `paragraph`); an entity of an unknown
///        type reads as misc.
/// @return std::nullopt when @p data is not a JSON object (not a Herald document).
/// @throws std::bad_alloc only. Thread-safe.
std::optional<ParagraphData> decode_paragraph_data(std::string_view data);

}  // namespace herald
