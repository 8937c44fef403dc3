// Entity groups at search time (see include/herald/searcher/entity_groups.hpp).
#include <herald/searcher/entity_groups.hpp>
#include <herald/text/schema.hpp>

#include <vector>

namespace herald {

const EntityResolution& ResolutionCache::get(const Xapian::Database& db) {
    const std::string version = db.get_metadata(std::string(kResolutionVersionKey));
    if (version != version_) {
        resolution_ = version.empty() ? EntityResolution() : load_entity_resolution(db);
        version_ = version;
    }
    return resolution_;
}

Xapian::Query entity_group_query(const std::string& term, const EntityResolution& resolution) {
    const std::vector<std::string> terms = resolution.group(term);
    if (terms.size() == 1) return Xapian::Query(terms.front());
    return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

Xapian::Query expand_entity_terms(const Xapian::Query& query, const EntityResolution& resolution) {
    if (resolution.empty() || query.empty()) return query;
    const auto type = query.get_type();
    if (type == Xapian::Query::LEAF_TERM) {
        const auto it = query.get_terms_begin();
        if (it == query.get_terms_end()) return query;
        const std::string term = *it;
        return parse_entity_term(term) ? entity_group_query(term, resolution) : query;
    }
    switch (type) {
        case Xapian::Query::OP_AND:
        case Xapian::Query::OP_OR:
        case Xapian::Query::OP_AND_NOT:
        case Xapian::Query::OP_FILTER:
        case Xapian::Query::OP_XOR:
        case Xapian::Query::OP_AND_MAYBE: {
            std::vector<Xapian::Query> parts;
            for (std::size_t i = 0; i < query.get_num_subqueries(); ++i)
                parts.push_back(expand_entity_terms(query.get_subquery(i), resolution));
            return Xapian::Query(static_cast<Xapian::Query::op>(type), parts.begin(), parts.end());
        }
        default:
            return query;
    }
}

std::optional<ResolvedValue> resolve_facet_value(std::string_view facet,
                                                 std::string_view name,
                                                 const EntityResolution& resolution) {
    std::optional<EntityType> type;
    for (std::size_t t = 0; t < kEntityTypes; ++t) {
        if (facet == entity_facet_name(static_cast<EntityType>(t)))
            type = static_cast<EntityType>(t);
    }
    if (!type) return std::nullopt;
    std::string term = schema::entity_term(*type, name);
    const std::string& target = resolution.resolve(term);
    if (target == term) return ResolvedValue{std::string(facet), schema::entity_key(name), term};
    const auto parsed = parse_entity_term(target);
    if (!parsed) return ResolvedValue{std::string(facet), schema::entity_key(name), term};
    return ResolvedValue{std::string(entity_facet_name(parsed->first)), parsed->second, target};
}

}  // namespace herald
