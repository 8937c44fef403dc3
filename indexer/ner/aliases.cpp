// Entity alias tables (see include/herald/ner/aliases.hpp).
#include <herald/ner/aliases.hpp>
#include <herald/text/schema.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

#ifndef HERALD_ALIAS_DIR
#define HERALD_ALIAS_DIR "corpus/aliases"
#endif

namespace herald {

namespace {

constexpr std::uint64_t kFnvPrime = 1099511628211ull;

void fnv(std::uint64_t& h, std::string_view bytes) {
    for (unsigned char c : bytes) {
        h ^= c;
        h *= kFnvPrime;
    }
}

std::string hex16(std::uint64_t h) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

std::optional<EntityType> alias_type(std::string_view s) {
    if (s == "org") return EntityType::organization;
    return parse_entity_type(s);
}

}  // namespace

void AliasTable::add(EntityType type,
                     std::string_view canonical,
                     const std::vector<std::string>& aliases) {
    auto& map = maps_[static_cast<std::size_t>(type)];
    const std::string label(canonical);
    map[schema::entity_key(label)] = label;
    for (const auto& a : aliases) {
        const std::string key = schema::entity_key(a);
        if (!key.empty()) map[key] = label;
    }
    fnv(hash_, entity_type_name(type));
    fnv(hash_, std::string_view("\t", 1));
    fnv(hash_, label);
    for (const auto& a : aliases) {
        fnv(hash_, std::string_view("\t", 1));
        fnv(hash_, a);
    }
    fnv(hash_, std::string_view("\n", 1));
    ++size_;
}

void AliasTable::load_text(std::string_view text, std::string_view name) {
    std::size_t line_no = 0, pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view line = trim(text.substr(pos, end - pos));
        pos = end + 1;
        ++line_no;
        if (line.empty() || line.front() == '#') continue;
        auto fail = [&](const std::string& message) {
            throw AliasError(std::string(name) + ":" + std::to_string(line_no) + ": " + message);
        };
        std::vector<std::string> fields;
        for (std::size_t at = 0;;) {
            const std::size_t tab = line.find('\t', at);
            fields.emplace_back(
                trim(line.substr(at, tab == std::string_view::npos ? tab : tab - at)));
            if (tab == std::string_view::npos) break;
            at = tab + 1;
        }
        if (fields.size() < 2) {
            fail("expected type<TAB>canonical<TAB>alias... (fields are separated by tabs)");
        }
        const auto type = alias_type(fields[0]);
        if (!type) {
            fail("unknown entity type \"" + fields[0] +
                 "\" (expected person, place, org, organization or misc)");
        }
        if (schema::entity_key(fields[1]).empty()) fail("empty canonical name");
        std::vector<std::string> aliases;
        for (std::size_t i = 2; i < fields.size(); ++i) {
            if (fields[i].empty()) fail("empty alias in field " + std::to_string(i + 1));
            aliases.push_back(fields[i]);
        }
        add(*type, fields[1], aliases);
    }
}

void AliasTable::load(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw AliasError(file.string() + ": cannot read the alias file");
    std::ostringstream text;
    text << in.rdbuf();
    load_text(text.str(), file.string());
}

const std::string* AliasTable::canonical(EntityType type, std::string_view name) const {
    if (size_ == 0) return nullptr;
    const auto& map = maps_[static_cast<std::size_t>(type)];
    const auto it = map.find(schema::entity_key(name));
    return it == map.end() ? nullptr : &it->second;
}

std::optional<EntityType> AliasTable::only_type(std::string_view name) const {
    if (size_ == 0) return std::nullopt;
    const std::string key = schema::entity_key(name);
    std::optional<EntityType> found;
    for (std::size_t t = 0; t < kEntityTypes; ++t) {
        if (maps_[t].count(key)) {
            if (found) return std::nullopt;
            found = static_cast<EntityType>(t);
        }
    }
    return found;
}

bool AliasTable::knows(std::string_view name) const {
    if (size_ == 0) return false;
    const std::string key = schema::entity_key(name);
    for (const auto& map : maps_)
        if (map.count(key)) return true;
    return false;
}

std::string AliasTable::content_hash() const {
    return hex16(hash_);
}

std::filesystem::path default_alias_table() {
    return std::filesystem::path(HERALD_ALIAS_DIR) / "entities-en.tsv";
}

std::string file_content_hash(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return {};
    std::uint64_t h = 1469598103934665603ull;
    char buf[1 << 16];
    while (in) {
        in.read(buf, sizeof buf);
        fnv(h, std::string_view(buf, static_cast<std::size_t>(in.gcount())));
    }
    return hex16(h);
}

}  // namespace herald
