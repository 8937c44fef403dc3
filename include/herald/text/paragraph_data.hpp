// The document data of paragraph and story documents: what the index stores to show a hit or
// an article without reading anything else. The one encoder and the one decoder; the byte
// layout is written down in docs/index-layout.md ("Document data").
#pragma once

#include <herald/text/article.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald {

/// @brief One paragraph as a story document's data holds it.
struct StoryParagraph {
    std::string text;  ///< the paragraph's text
    /// Its entities, as indices into the story's ParagraphData::entities (the union).
    std::vector<std::uint32_t> entities;
};

/// @brief What a paragraph or story document's data holds.
struct ParagraphData {
    std::string article_id;
    unsigned paragraph = 0;  ///< 1-based number within the article; 0 for a story document
    std::string title;
    std::string url;
    std::string source;
    std::string published;  ///< ISO 8601 UTC (`YYYY-MM-DDThh:mm:ssZ`) or ""
    std::string language;
    std::string text;  ///< the paragraph's text ("" for a story document)
    /// Corpus tags of the article by kind ({"places": ["usa"]}); empty: not stored.
    std::map<std::string, std::vector<std::string>> tags;
    /// The paragraph's entities with canonical names (a story document: those of all its
    /// paragraphs, each once); empty: not stored.
    std::vector<Entity> entities;
};

/// @brief The document data of @p data, in Herald's binary layout (schema 3): byte 0x01, then
///        the fields in a fixed order, integers as LEB128 varints, strings as a varint byte
///        length and the bytes (docs/index-layout.md). Every string is written as
///        to_valid_utf8() gives it (Article's strings are valid already). An entity index in @p
///        data.paragraphs that is not below data.entities.size() is dropped.
/// @throws std::bad_alloc only. Thread-safe.
std::string encode_paragraph_data(const ParagraphData& data);

/// @brief Reads document data written by encode_paragraph_data(), or by schema 1 and 2, which
///        wrote a JSON object (`article_id`, `paragraph`, `title`, `url`, `source`,
///        `published`, `language`, `text`, `tags`, `entities` [{"name", "type"}]); there a
///        missing key or a value of another JSON type reads as empty (0 for `paragraph`). An
///        entity of an unknown type reads as misc.
/// @return std::nullopt when @p data is neither (not a Herald document), or binary data is
///         cut short or malformed.
/// @throws std::bad_alloc only. Thread-safe.
std::optional<ParagraphData> decode_paragraph_data(std::string_view data);

/// @brief What slot schema::kStoryRecord of a story document holds: everything a story hit
///        shows, in one value.
struct StoryRecord {
    ParagraphData story;                     ///< as the story document's data
    std::vector<StoryParagraph> paragraphs;  ///< every paragraph, in order
};

/// @brief The value of slot schema::kStoryRecord: a varint byte count and
///        encode_paragraph_data() of record.story, then a varint count of paragraphs and per
///        paragraph its text (varint byte length, bytes, as to_valid_utf8() gives it), a varint
///        count of entity indices and the indices as varints. An index not below
///        record.story.entities.size() is dropped.
/// @throws std::bad_alloc only. Thread-safe.
std::string encode_story_record(const StoryRecord& record);

/// @brief Reads a value written by encode_story_record(); entity indices not below the
///        number of the story's entities are dropped.
/// @return std::nullopt for an empty value (an index of schema 2) or one cut short or
///         malformed.
/// @throws std::bad_alloc only. Thread-safe.
std::optional<StoryRecord> decode_story_record(std::string_view value);

}  // namespace herald
