// The entity types of Herald, and every spelling of them, in one place.
//
// On the wire (JSON hits, articles, /api/entities items, herald-ner output, the JSONL input
// after normalization) a type is spelled by entity_type_name(): "person", "place",
// "organization", "misc". Facet names, search filters (`org=`, `--org`, `org:` in queries)
// and facet keys use entity_facet_name(), which differs only for organizations: "org".
// Wherever the API takes a type, both spellings are accepted (parse_entity_type()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace herald {

/// @brief The four entity types (the CoNLL-2003 classes PER, LOC, ORG, MISC).
enum class EntityType : std::uint8_t { person = 0, place = 1, organization = 2, misc = 3 };

/// Number of entity types; EntityType values are 0 … kEntityTypes - 1.
inline constexpr std::size_t kEntityTypes = 4;

/// @brief "person", "place", "organization" or "misc": the type as JSON output spells it.
/// @throws nothing. Thread-safe.
std::string_view entity_type_name(EntityType type);

/// @brief "person", "place", "org" or "misc": the type's facet name and filter parameter.
/// @throws nothing. Thread-safe.
std::string_view entity_facet_name(EntityType type);

/// @brief "PER", "LOC", "ORG" or "MISC" (CoNLL-2003 tag suffixes).
/// @throws nothing. Thread-safe.
std::string_view conll_type_name(EntityType type);

/// @brief Parses a type as the API takes it: entity_type_name() or entity_facet_name()
///        spellings, exact case ("person", "place", "organization", "org", "misc").
/// @return std::nullopt for anything else. Thread-safe.
std::optional<EntityType> parse_entity_type(std::string_view name);

/// @brief Parses the type of a CoNLL tag (`PER`, `LOC`, `ORG`, `MISC`) or an
///        entity_type_name() ("person", …); exact case.
/// @return std::nullopt for anything else. Thread-safe.
std::optional<EntityType> parse_conll_type(std::string_view name);

/// @brief Parses a type as input files write it, ignoring ASCII case: the names above plus
///        "per", "people", "loc", "location", "gpe", "geo", "organisation", "other".
/// @return std::nullopt for anything else. Thread-safe.
std::optional<EntityType> parse_input_entity_type(std::string_view name);

}  // namespace herald
