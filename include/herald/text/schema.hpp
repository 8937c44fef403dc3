// The one home of Herald's index schema: term prefixes, value slots and the
// layout of the document data. Prefix letters follow Xapian Omega's
// conventions (docs/termprefixes.rst): `Q` unique id, `S` title, `L` language,
// `X…` for Herald's own prefixes, with a `:` between a multi-letter prefix and
// a value that starts with a capital letter.
#pragma once

#include <herald/text/entity_type.hpp>

#include <xapian.h>

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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
/// Kind of document, boolean: `XK` + "article" marks the story document of an article (one
/// per article, beside its paragraph documents); paragraph documents carry no kind term.
inline constexpr std::string_view kKind = "XK";
/// The term of story documents: kKind + "article".
inline constexpr std::string_view kStoryDocument = "XKarticle";
/// Words of story documents (schema 3): kStoryWord + the word's term as a paragraph document
/// indexes it (stemmed, positional), so story and paragraph searches each walk their own
/// posting lists. Paragraph documents index words unprefixed.
inline constexpr std::string_view kStoryWord = "XW";
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
    /// Paragraph number (1-based; 0 on the story document) as `Xapian::sortable_serialise`.
    kParagraph = 2,
    /// Facet values of the paragraph, for counting: encode_facets() of
    /// (facet, display name) pairs, e.g. ("person", "Vladimir Putin"), ("tag.places", "usa").
    kFacets = 3,
    /// Fingerprint of the whole article as indexed (article_fingerprint()), on every
    /// paragraph: an incremental run skips an article whose fingerprint is unchanged.
    kFingerprint = 4,
    /// Story documents only: the number of words of each paragraph, in order, as decimal
    /// numbers separated by spaces (encode_lengths()), for passage scoring.
    kParagraphLengths = 5,
    /// Story documents only (schema 3): everything a story hit shows, the story's data with
    /// every paragraph's text and entities (encode_story_record()). A value slot, not the
    /// document data, because Xapian's glass backend keeps values uncompressed and document
    /// data zlib-compressed: a story hit reads one value and inflates nothing.
    kStoryRecord = 6,
};

/// @brief The kParagraphLengths value of @p lengths.
std::string encode_lengths(const std::vector<Xapian::termcount>& lengths);

/// @brief The lengths encode_lengths() wrote; an empty or malformed value gives none.
std::vector<Xapian::termcount> decode_lengths(std::string_view value);

/// Version of the index layout and analysis; part of every fingerprint, so a new version
/// re-analyzes unchanged articles.
inline constexpr int kSchemaVersion = 3;

/// Entity prefixes: boolean terms of canonical names as entity_key() folds them, so a
/// filter never depends on case, apostrophe style or a possessive.
inline constexpr std::string_view kPerson = "XEP";
inline constexpr std::string_view kPlace = "XEL";
inline constexpr std::string_view kOrganization = "XEO";
inline constexpr std::string_view kMisc = "XEM";

/// @brief The term prefix of an entity type (kPerson, kPlace, kOrganization, kMisc).
std::string_view entity_prefix(EntityType type);

/// @brief The comparison key of a name: apostrophes unified, a final possessive (`’s`, `'s`,
///        `s'`) removed, white space collapsed, Unicode lower case (Xapian::Unicode), the
///        British -isation spelling made -ization, and trailing corporate designators of a
///        name of two or more words removed with a comma or "and"/"&" before them
///        (is_designator_word()). "Putin’s" and "PUTIN" share the key "putin"; "Texaco Inc",
///        "Texaco, Inc." and "TEXACO" the key "texaco"; "Organisation of ..." and
///        "Organization of ..." one key. Thread-safe.
std::string entity_key(std::string_view name);

/// @brief True for a lower-case corporate designator without periods: co, cos, corp,
///        corporation, company, inc, incorporated, ltd, limited, plc, llc, lp, ag, sa, nv, bv,
///        gmbh, spa.
bool is_designator_word(std::string_view word);

/// @brief The boolean term of an entity: entity_prefix(type) + entity_key(name).
std::string entity_term(EntityType type, std::string_view name);

/// Story documents: the acronyms their article defines, as
/// kAcronymDefinition + type digit (EntityType) + acronym key + '=' + the name's key
/// ("XED2sec=securities and exchange commission"); read by the collection's entity
/// resolution (entity_resolution.hpp).
inline constexpr std::string_view kAcronymDefinition = "XED";

/// @brief The kAcronymDefinition term of an acronym (its entity_key()) that stands for
///        @p name (entity_key() is applied) of @p type.
std::string acronym_term(EntityType type, std::string_view acronym_key, std::string_view name);

/// @brief True when @p candidate is a better label than @p current for the same entity key:
///        a form with both upper- and lower-case letters beats an all-lower-case one, which
///        beats an all-upper-case one; then the form with fewer words typed with the shift key
///        held one letter too long ("New YOrk"); then the byte-wise smaller form (so
///        "McDonald" beats "Mcdonald"). An empty @p current always loses. The label of a key is
///        then the best of every form ever indexed, whatever the order (stable across re-indexing).
bool better_label(std::string_view candidate, std::string_view current);

/// @brief Sets @p current to @p candidate when better_label(); returns whether it changed.
bool keep_better_label(std::string& current, std::string_view candidate);

/// @brief The user-metadata key holding the display form of an entity term
///        ("Vladimir Putin" for the term of entity_key "vladimir putin"): "display:" + term.
std::string display_key(std::string_view term);

/// @brief Serializes (facet, display name) pairs for the kFacets slot. Names must not hold
///        the separator bytes 0x1E or 0x1F (they are replaced by spaces).
std::string encode_facets(const std::vector<std::pair<std::string, std::string>>& values);

/// @brief Calls @p fn(facet, display_name) for each pair encoded in @p slot_value.
void decode_facets(std::string_view slot_value,
                   const std::function<void(std::string_view, std::string_view)>& fn);

/// Weight of a title word relative to a body word (wdf increment) in a paragraph document.
inline constexpr Xapian::termcount kTitleWeight = 3;
/// Weight of a `title:` word (prefix kTitle) in a story document (wdf increment). A
/// document's length is the sum of its wdfs, so each headline count lengthens the story that
/// BM25 normalizes: with this 1 and kHeadlineWeight 2 the headline counts three times, not
/// five. On the development known-item sets (bench/README.md, "Choosing the story ranking")
/// that moved MRR@10 from 0.7936 / 0.7519 to 0.7978 / 0.7547; CACM MAP 0.3439 → 0.3408.
inline constexpr Xapian::termcount kStoryTitleWeight = 1;
/// Weight of an unprefixed headline word (prefix kStoryWord) in a story document (wdf
/// increment); the lead paragraph's document has 1. With 1 the CACM regression check falls
/// below its floor (MAP 0.3315 against 0.3389, with kStoryTitleWeight 1), with 2 it holds.
inline constexpr Xapian::termcount kHeadlineWeight = 2;
/// Positions of a story document per paragraph: the headline starts at position 1, paragraph
/// n (1-based) at n × kParagraphStride. A phrase or NEAR window thus stays inside one
/// paragraph (of fewer than kParagraphStride − window words), and a position tells its
/// paragraph (paragraph_of_position()). Paragraphs after the 65,535th are indexed without
/// positions.
inline constexpr Xapian::termpos kParagraphStride = 65536;

/// @brief The paragraph (1-based) of position @p pos of a story document; 0 for the headline.
constexpr unsigned paragraph_of_position(Xapian::termpos pos) {
    return static_cast<unsigned>(pos / kParagraphStride);
}

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

/// @brief The unique-id term of paragraph @p paragraph (1-based) of article @p article_id;
///        paragraph 0 is the article's story document.
std::string unique_term(std::string_view article_id, unsigned paragraph);

/// @brief The boolean term of a corpus tag, e.g. tag_term("places", "usa") == "XTPLACES" "usa".
/// @param kind tag kind, lowercase ASCII ("places", "people", "orgs", "exchanges", "topics").
/// @param value the tag value as the corpus gives it.
std::string tag_term(std::string_view kind, std::string_view value);

}  // namespace herald::schema
