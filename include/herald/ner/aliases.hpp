// Entity alias tables: one real-world entity, one canonical name (issue 13).
#pragma once

#include <herald/text/entity_type.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace herald {

/// @brief A malformed alias file; what() is "FILE:LINE: message" (LINE from 1).
class AliasError : public std::runtime_error {
   public:
    using std::runtime_error::runtime_error;
};

/// @brief Names that stand for one entity: each alias of a type maps to a canonical name.
///
/// File format (UTF-8, one entity a line; the shipped `corpus/aliases/entities-en.tsv` and
/// `herald-index --aliases FILE` use it): `type<TAB>canonical<TAB>alias<TAB>alias…`, where
/// `type` is `person`, `place`, `org` (or `organization`) or `misc`; empty lines and lines
/// starting with `#` are skipped; at least one alias unless the line only fixes a label. Names
/// are compared by schema::entity_key() (case, apostrophes, possessives, corporate designators
/// and -isation/-ization spellings do not matter). A later entry for a key replaces an earlier
/// one, so a user file loaded after the shipped table overrides it.
///
/// Thread-safety: immutable after loading; lookups may run in many threads at once.
class AliasTable {
   public:
    /// @brief Adds the entries of @p file (see the class comment).
    /// @throws AliasError naming the file and line of the first malformed line, or the file
    ///         when it cannot be read.
    void load(const std::filesystem::path& file);

    /// @brief Adds the entries of @p text; @p name is the file name errors cite.
    /// @throws AliasError as load().
    void load_text(std::string_view text, std::string_view name);

    /// @brief Adds one entry: @p canonical and each of @p aliases stand for @p canonical.
    void add(EntityType type, std::string_view canonical, const std::vector<std::string>& aliases);

    /// @brief The canonical name of @p name as a @p type, or nullptr when the table has none.
    const std::string* canonical(EntityType type, std::string_view name) const;

    /// @brief The type the table gives @p name when it has it under exactly one type.
    std::optional<EntityType> only_type(std::string_view name) const;

    /// @brief Whether the table has @p name (by its entity_key) under any type.
    bool knows(std::string_view name) const;

    /// @brief Every (type, alias key, canonical name), in no particular order.
    template <class Fn>
    void for_each(Fn&& fn) const {
        for (std::size_t t = 0; t < 4; ++t) {
            for (const auto& [key, canonical] : maps_[t])
                fn(static_cast<EntityType>(t), key, canonical);
        }
    }

    /// @brief A 16-hex-digit FNV-1a hash of everything loaded, in loading order (for the index
    ///        fingerprint: a changed table re-indexes the articles on the next incremental run).
    std::string content_hash() const;

    bool empty() const { return size_ == 0; }

   private:
    std::unordered_map<std::string, std::string> maps_[4];  // by EntityType: key → canonical
    std::uint64_t hash_ = 1469598103934665603ull;
    std::size_t size_ = 0;
};

/// @brief The shipped table: `corpus/aliases/entities-en.tsv` of the source tree (compiled in).
std::filesystem::path default_alias_table();

/// @brief A 16-hex-digit FNV-1a hash of a file's bytes ("" when it cannot be read).
std::string file_content_hash(const std::filesystem::path& file);

}  // namespace herald
