// Entity type names (see herald/text/entity_type.hpp).
#include <herald/text/entity_type.hpp>

#include <string>

namespace herald {

std::string_view entity_type_name(EntityType type) {
    switch (type) {
        case EntityType::person:
            return "person";
        case EntityType::place:
            return "place";
        case EntityType::organization:
            return "organization";
        case EntityType::misc:
            return "misc";
    }
    return "misc";
}

std::string_view entity_facet_name(EntityType type) {
    return type == EntityType::organization ? "org" : entity_type_name(type);
}

std::string_view conll_type_name(EntityType type) {
    switch (type) {
        case EntityType::person:
            return "PER";
        case EntityType::place:
            return "LOC";
        case EntityType::organization:
            return "ORG";
        case EntityType::misc:
            return "MISC";
    }
    return "MISC";
}

std::optional<EntityType> parse_entity_type(std::string_view name) {
    if (name == "person") return EntityType::person;
    if (name == "place") return EntityType::place;
    if (name == "organization" || name == "org") return EntityType::organization;
    if (name == "misc") return EntityType::misc;
    return std::nullopt;
}

std::optional<EntityType> parse_conll_type(std::string_view name) {
    if (name == "PER" || name == "person") return EntityType::person;
    if (name == "LOC" || name == "place") return EntityType::place;
    if (name == "ORG" || name == "organization") return EntityType::organization;
    if (name == "MISC" || name == "misc") return EntityType::misc;
    return std::nullopt;
}

std::optional<EntityType> parse_input_entity_type(std::string_view name) {
    std::string t(name);
    for (char& c : t) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    if (t == "person" || t == "per" || t == "people") return EntityType::person;
    if (t == "place" || t == "loc" || t == "location" || t == "gpe" || t == "geo")
        return EntityType::place;
    if (t == "organization" || t == "organisation" || t == "org") return EntityType::organization;
    if (t == "misc" || t == "other") return EntityType::misc;
    return std::nullopt;
}

}  // namespace herald
