// The searcher's side of the collection-wide entity resolution (herald/text/entity_resolution.hpp):
// filters expanded to every term of an entity's group, facet values counted under their target.
#pragma once

#include <herald/text/entity_resolution.hpp>

#include <xapian.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace herald {

/// @brief The resolution stored in a database, reloaded only when the indexer stored a new
///        one (one metadata read per call otherwise). Not thread-safe: one per Searcher.
class ResolutionCache {
   public:
    /// @brief The resolution of @p db's current revision (empty for an index without one).
    /// @throws Xapian::Error on a database error.
    const EntityResolution& get(const Xapian::Database& db);

   private:
    std::string version_;
    EntityResolution resolution_;
};

/// @brief The filter for entity @p term: the OR of every term of its group (the term alone
///        when the resolution does not map it).
Xapian::Query entity_group_query(const std::string& term, const EntityResolution& resolution);

/// @brief @p query with each entity term leaf replaced by entity_group_query() (through
///        AND, OR, AND_NOT, FILTER, XOR and AND_MAYBE; other subqueries are kept as they are).
Xapian::Query expand_entity_terms(const Xapian::Query& query, const EntityResolution& resolution);

/// @brief For an entity facet value (@p facet "person", "place", "org" or "misc" and a display
///        name), the facet and key it counts under after resolution, and the target's term;
///        nullopt for a tag facet.
struct ResolvedValue {
    std::string facet, key, term;
};
std::optional<ResolvedValue> resolve_facet_value(std::string_view facet,
                                                 std::string_view name,
                                                 const EntityResolution& resolution);

}  // namespace herald
