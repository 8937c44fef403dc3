// The one home of Herald's index schema: term prefixes, value slots and the
// layout of the document data. Prefix letters follow Xapian Omega's
// conventions (docs/termprefixes.rst): `Q` unique id, `S` title, `L` language,
// `X…` for Herald's own prefixes, with a `:` between a multi-letter prefix and
// a value that starts with a capital letter.
#pragma once

#include <xapian.h>

#include <string>
#include <string_view>

namespace herald::schema {

/// Unique id of a paragraph document: `Q` + `<article id>#<paragraph number>`.
inline constexpr std::string_view kUniqueId = "Q";
/// Title words (stemmed, positional), searchable with `title:`.
inline constexpr std::string_view kTitle = "S";
/// ISO 639 language code of the article, boolean.
inline constexpr std::string_view kLanguage = "L";
/// Article id, boolean: every paragraph of an article carries it, so a whole
/// article can be found, replaced or deleted.
inline constexpr std::string_view kArticle = "XA";
/// Source (publisher) lowercased, boolean, searchable with `source:`.
inline constexpr std::string_view kSource = "XS";
/// Prefix of corpus tags (Reuters PLACES, PEOPLE, ORGS, EXCHANGES, TOPICS):
/// `XT` + the upper-cased tag kind, e.g. `XTPLACES` + `usa`.
inline constexpr std::string_view kTagPrefix = "XT";

/// Value slots.
enum Slot : Xapian::valueno {
    /// Publication time as `YYYYMMDDhhmmss` (UTC), string-sortable; empty when unknown.
    kPublished = 0,
    /// Article id: the collapse key (best paragraph per article).
    kArticleId = 1,
    /// Paragraph number (1-based) as `Xapian::sortable_serialise`.
    kParagraph = 2,
};

/// Weight of a title word relative to a body word (wdf increment).
inline constexpr Xapian::termcount kTitleWeight = 3;

/// Longest term Herald writes. Xapian's limit is 245 bytes for a whole term;
/// boolean values longer than this are replaced by a hash (see boolean_term).
inline constexpr std::size_t kMaxTermBytes = 240;

/// @brief Builds a boolean (filter) term from a prefix and an exact value,
///        following Omega's rule: a `:` separates a multi-letter prefix from a
///        value whose first byte is an ASCII capital letter.
/// @param prefix one of the prefixes above (e.g. kArticle).
/// @param value the exact value in UTF-8, any length.
/// @return the term; if it would exceed kMaxTermBytes bytes, the value is
///         replaced by its first bytes plus a 16-hex-digit FNV-1a hash of the
///         whole value, so distinct long values keep distinct terms.
/// @throws nothing. Thread-safe.
std::string boolean_term(std::string_view prefix, std::string_view value);

/// @brief The unique-id term of paragraph @p paragraph (1-based) of article @p article_id.
std::string unique_term(std::string_view article_id, unsigned paragraph);

/// @brief The boolean term of a corpus tag, e.g. tag_term("places", "usa") == "XTPLACES" "usa".
/// @param kind tag kind, lowercase ASCII ("places", "people", "orgs", "exchanges", "topics").
/// @param value the tag value as the corpus gives it.
std::string tag_term(std::string_view kind, std::string_view value);

/// Keys of the JSON object stored as each paragraph's document data.
namespace data {
inline constexpr const char* kArticleId = "article_id";
inline constexpr const char* kParagraph = "paragraph";  // 1-based
inline constexpr const char* kTitle = "title";
inline constexpr const char* kUrl = "url";
inline constexpr const char* kSource = "source";
inline constexpr const char* kPublished = "published";  // ISO 8601 UTC or ""
inline constexpr const char* kLanguage = "language";
inline constexpr const char* kText = "text";
inline constexpr const char* kTags = "tags";  // {"places": ["usa", ...], ...}
inline constexpr const char* kEntities = "entities";
}  // namespace data

}  // namespace herald::schema
