// The article: what every reader produces and the indexer consumes.
#pragma once

#include <herald/text/entity_type.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald {

/// An entity mention given with the input (JSONL `entities`) or extracted.
struct Entity {
    std::string text;  ///< the name as written (UTF-8)
    EntityType type = EntityType::misc;
};

/// One news article, split into paragraphs. All strings are valid UTF-8.
struct Article {
    std::string id;         ///< unique within the index; non-empty
    std::string title;      ///< may be empty
    std::string published;  ///< ISO 8601 UTC `YYYY-MM-DDThh:mm:ssZ`, or empty when unknown
    std::string source;
    std::string url;
    std::string language = "en";          ///< ISO 639-1 code or a Snowball language name
    std::vector<std::string> paragraphs;  ///< non-empty, white space collapsed
    /// Corpus tags by kind (Reuters: "places", "people", "orgs", "exchanges", "topics").
    std::map<std::string, std::vector<std::string>> tags;
    std::vector<Entity> entities;
};

/// @brief A 16-hex-digit fingerprint (64-bit FNV-1a) of everything indexed of @p article:
///        id, title, published, source, url, language, paragraphs, tags and given entities,
///        plus @p analysis (what the index does with them, e.g. schema and model version).
///        Equal fingerprints mean the article would be indexed identically. Thread-safe.
std::string article_fingerprint(const Article& article, std::string_view analysis);

/// @brief Parses a timestamp into canonical ISO 8601 UTC (`YYYY-MM-DDThh:mm:ssZ`).
/// @param text `YYYY-MM-DD`, `YYYY-MM-DDThh:mm[:ss[.fff]]` with `Z`, `±hh:mm` or
///        no zone (taken as UTC), or a space instead of `T`; or the same in ISO 8601 basic
///        format, without `-` and `:` (`YYYYMMDD`, `YYYYMMDDThhmm[ss]`, zone `±hh[mm]`).
/// @return the canonical form, or std::nullopt when @p text is not such a date or
///         names an impossible day (2024-02-30).
/// @throws nothing. Thread-safe.
std::optional<std::string> parse_timestamp(std::string_view text);

/// @brief The sortable value-slot key of a canonical timestamp:
///        `2024-06-18T09:00:00Z` → `20240618090000`; "" → "".
std::string timestamp_key(std::string_view canonical);

/// @brief Parses one end of a date range as used by `--from/--to` and `a..b`
///        in queries: `YYYY`, `YYYY-MM`, `YYYY-MM-DD` (or `YYYYMMDD`), or a full
///        timestamp. The result is a 14-digit key comparable with timestamp_key().
/// @param upper false: the earliest instant of the period (`2024-06` → `20240601000000`);
///        true: the latest (`2024-06` → `20240630235959`), so ranges are inclusive.
/// @return the key, or std::nullopt if @p text is not a date.
std::optional<std::string> date_bound_key(std::string_view text, bool upper);

}  // namespace herald
