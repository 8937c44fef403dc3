// One entity, one facet value across the collection: which entity terms count as which.
#pragma once

#include <herald/text/entity_type.hpp>

#include <xapian.h>

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace herald {

/// @brief The collection-wide resolution of entity terms (schema::entity_term()): each term
///        that stands for another entity's value maps to that value's term (its target).
///
/// Computed by the indexer after every run from the whole database (compute() over the
/// entity terms' article counts, the acronym definitions articles carry, and the alias
/// tables) and stored in the database's user metadata; read by the searcher, which counts a
/// facet value under its target and expands a filter on any term of a group to every term
/// of it. Computing it from the database, not from one run's articles, keeps it right under
/// incremental indexing: an article added or deleted changes the counts, and the next run
/// recomputes the map. Documents keep their own (within-article canonical) terms.
///
/// Rules, in order (each maps a term to the target of the term it names):
/// 1. aliases: an alias term of the alias tables maps to its canonical name's term (for
///    queries; the indexer already writes canonical names);
/// 2. acronyms: an acronym some articles define ("Securities and Exchange Commission (SEC)")
///    maps, as any non-person type, to the name at least 2/3 of its definitions give;
/// 3. type vote: a name held under several types counts as the type with the most articles
///    (strictly more than each other type; a type where the name is an alias counts its
///    canonical name's articles): "Chrysler" as a person → the organization, "Reuter" as a
///    person → the organization "Reuters";
/// 4. surnames: a one-word person name maps to the multi-word person name ending in that
///    word that has at least 80% of the articles of all such names (and 2 or more): "Volcker"
///    → "Paul Volcker"; every such surname is mapped, present as a term or not, so a filter
///    on the surname finds the full name.
///
/// Thread-safety: immutable after construction.
class EntityResolution {
   public:
    /// @brief Computes the resolution.
    /// @param terms every entity term with its number of articles.
    /// @param definitions every schema::acronym_term() with its number of articles.
    /// @param aliases (alias term, canonical term) pairs of the alias tables.
    static EntityResolution compute(
        const std::vector<std::pair<std::string, Xapian::doccount>>& terms,
        const std::vector<std::pair<std::string, Xapian::doccount>>& definitions,
        const std::vector<std::pair<std::string, std::string>>& aliases);

    /// @brief The target of @p term (@p term itself when it maps nowhere).
    const std::string& resolve(const std::string& term) const;

    /// @brief Every term whose documents count as @p term's target: the target and the terms
    ///        mapping to it (for a filter: OR them).
    std::vector<std::string> group(const std::string& term) const;

    bool empty() const { return target_.empty(); }
    std::size_t size() const { return target_.size(); }

    /// @brief Serialized form (lines `term<TAB>target`); decode(encode()) is the same map.
    std::string encode() const;
    static EntityResolution decode(std::string_view text);

   private:
    void add(const std::string& from, const std::string& to);
    void finish();  // follows chains, builds members_
    std::unordered_map<std::string, std::string> target_;
    std::unordered_map<std::string, std::vector<std::string>> members_;
};

/// User-metadata keys of the stored resolution: the encoded map and a hash of it (readers
/// compare the hash to decide whether to reload).
inline constexpr std::string_view kResolutionKey = "herald:entity-resolution";
inline constexpr std::string_view kResolutionVersionKey = "herald:entity-resolution-version";

/// @brief Computes the resolution of @p db's entity terms (article counts: collection
///        frequency where story documents exist, else term frequency) and its acronym
///        definitions, with @p aliases, and stores it in @p db's metadata (not committed).
/// @throws Xapian::Error on a database error.
void store_entity_resolution(Xapian::WritableDatabase& db,
                             const std::vector<std::pair<std::string, std::string>>& aliases);

/// @brief The resolution stored in @p db (empty when none: an index written before it).
/// @throws Xapian::Error on a database error.
EntityResolution load_entity_resolution(const Xapian::Database& db);

/// @brief The entity type and key of an entity term, or nullopt for another term.
std::optional<std::pair<EntityType, std::string>> parse_entity_term(std::string_view term);

}  // namespace herald
