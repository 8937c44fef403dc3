// Entity mentions of news paragraphs and their canonical names within an article.
#pragma once

#include <herald/ner/aliases.hpp>
#include <herald/ner/model.hpp>
#include <herald/text/article.hpp>

#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace herald {

/// @brief An acronym an article defines: "Securities and Exchange Commission (SEC)".
struct AcronymDefinition {
    EntityType type = EntityType::organization;  ///< the type of the name it stands for
    std::string acronym;                         ///< its schema::entity_key() ("sec")
    std::string name;                            ///< the canonical name it stands for
};

/// @brief One entity mention in a paragraph.
struct Mention {
    EntityType type = EntityType::misc;
    /// The name as written, without a trailing possessive (`’s`, `'s`, `'`) and, for people,
    /// without leading titles and honorifics ("Varga", "Ines Morvan").
    std::string text;
    /// The name after canonicalize() (extract() sets it to `text`).
    std::string canonical;
    std::size_t begin = 0;  ///< UTF-8 byte offset of `text` in the paragraph
    std::size_t end = 0;  ///< one past its last byte: paragraph.substr(begin, end - begin) == text
    std::size_t paragraph = 0;  ///< 0-based paragraph index within the article (set by the caller)
};

/// @brief Finds the people, places, organizations and other names (misc) of paragraphs.
///
/// Tokenizes a paragraph (tokenize()), splits it into sentences (split_sentences()), tags the
/// sentences as one document with a NerModel, then trims each entity: possessives, and for people
/// the leading titles and honorifics (see is_title()) and the qualifiers before them ("Labour MP",
/// "Foreign Minister"); other entities lose trailing titles ("Labour MP" → "Labour").
///
/// Thread-safety: immutable after construction; extract() may run in many threads at once.
class EntityExtractor {
   public:
    /// @brief Loads the model (NerModel::load()).
    /// @throws std::runtime_error when the model file is missing or corrupt.
    explicit EntityExtractor(const std::filesystem::path& model_file);
    /// @brief Uses an already loaded or trained model.
    explicit EntityExtractor(NerModel model);

    /// @brief The entities of one paragraph of UTF-8 text, in reading order, with byte
    ///        offsets into @p paragraph_text; `canonical` == `text` and `paragraph` == 0.
    std::vector<Mention> extract(std::string_view paragraph_text) const;

    /// @brief The entities of all paragraphs of one article, tagged as one document
    ///        (NerModel::tag_document(): the second pass sees how a name was tagged in the
    ///        other paragraphs). Mentions are in reading order with `paragraph` set to the
    ///        index in @p paragraphs and byte offsets into that paragraph; `canonical` == `text`.
    std::vector<Mention> extract_article(const std::vector<std::string_view>& paragraphs) const;

    const NerModel& model() const { return model_; }

   private:
    NerModel model_;
};

/// @brief True for a title or honorific that is never part of a person's name, compared
///        case-insensitively and without a final period: "President", "Gov.", "Dr.", "Mr.",
///        "Mrs.", "Minister", "MP", "Chancellor", "Sen.", "Judge", "Pope", "Sheikh", ...
bool is_title(std::string_view word);

/// @brief Sets `canonical` of each mention of one article.
///
/// Rules, applied to @p mentions in reading order (paragraph, then begin), with @p given
/// (the article's own `entities` list) taken as mentions that come before all of them:
/// 1. Case variants fold to one label: mentions of a type whose names are equal ignoring case
///    get the form with both upper- and lower-case letters seen first (else an all-lower-case
///    form; an ALL-CAPS-only name is title-cased word by word, except words with periods
///    (`U.S.`), without vowels (`BBC`) or of at most two letters (`UN`), and an organization or
///    misc name of one word of at most five capitals keeps them (`OPEC`, `NATO`): "RED CROSS"
///    and "Red Cross" → "Red Cross".
/// 2. A mention whose words (case-insensitively) occur as a contiguous run in the words of an
///    earlier, longer mention of the same type takes the canonical name of the longest such
///    mention ("Putin" after "Vladimir Putin" → "Vladimir Putin"; "Kim" after "Kim Jong Un" →
///    "Kim Jong Un"). A mention seen before the longer one keeps its own name.
/// 3. A place, organization or misc mention with no such container of its own type that is
///    contained in an earlier person's name is that person: its `type` becomes "person" and
///    it takes the person's name (a lone surname at a sentence start is often mistyped).
/// Titles are removed by EntityExtractor before; canonicalize() does not change `text`.
/// @param mentions the article's extracted mentions (any order; their order is kept).
/// @param given mentions given with the article (only `type` and `text` are read).
void canonicalize(std::vector<Mention>& mentions, const std::vector<Mention>& given = {});

/// @brief The shipped model: `corpus/models/ner-en.bin` of the source tree (compiled in).
std::filesystem::path default_ner_model();

/// @brief The shipped word cluster table the shipped model was trained with:
///        `corpus/models/clusters-en.tsv` of the source tree (training only; the model file
///        holds its own copy).
std::filesystem::path default_cluster_table();

/// @brief The entities of each paragraph of @p article, with canonical names: the mentions
///        @p extractor finds (none when it is nullptr) and the article's given entities
///        (`article.entities`), canonicalized together within the article. A given entity
///        belongs to the paragraphs whose text contains its name (case-insensitively), or to
///        the lead paragraph when none does. Each paragraph lists an entity once.
///        A leading "The " ("the ", "THE ") is dropped from a mention ("The Kremlin said" →
///        "Kremlin", as CoNLL-2003 annotates it) unless @p aliases knows the whole name.
///        After canonicalize(): place mentions that are degrees or single initials
///        ("Ph.D.", "J.") are dropped; a place, organization or misc mention whose name
///        @p aliases knows under one other type only takes that type (a demonym tagged as a
///        place becomes misc, "OPEC" tagged as a place an organization, "Philippines"
///        tagged as an organization a place, and so the seats of government and the capitals
///        of the shipped table: README "Hard cases"; people are never retyped); an acronym the
///        article defines in parentheses after a name whose initials it spells ("Securities
///        and Exchange Commission (SEC)") is that name wherever the article uses it;
///        organizations lose trailing corporate designators ("Texaco Inc" → "Texaco"); a
///        name @p aliases knows takes its canonical label ("U.S." → "United States"); a name
///        left that is only a kind of body ("Bank", "Commission", "Finance Ministry",
///        "Central Bank": a head noun after words naming its field) is dropped, since it
///        would merge every country's under one facet value.
/// @param aliases the alias table (none when nullptr).
/// @param definitions when not nullptr, receives the acronyms the article defines, with the
///        names (after the rules above) they stand for.
/// @return one list per paragraph, in article order. Thread-safe if @p extractor is.
std::vector<std::vector<Entity>> paragraph_entities(
    const Article& article,
    const EntityExtractor* extractor,
    const AliasTable* aliases = nullptr,
    std::vector<AcronymDefinition>* definitions = nullptr);

}  // namespace herald
