// The collection-wide resolution of entity terms (see include/herald/text/entity_resolution.hpp).
#include <herald/text/entity_resolution.hpp>
#include <herald/text/schema.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <set>

namespace herald {

std::optional<std::pair<EntityType, std::string>> parse_entity_term(std::string_view term) {
    for (std::size_t t = 0; t < kEntityTypes; ++t) {
        const auto type = static_cast<EntityType>(t);
        const std::string_view prefix = schema::entity_prefix(type);
        if (term.size() > prefix.size() && term.compare(0, prefix.size(), prefix) == 0) {
            std::string_view key = term.substr(prefix.size());
            if (!key.empty() && key.front() == ':') key.remove_prefix(1);
            return std::make_pair(type, std::string(key));
        }
    }
    return std::nullopt;
}

namespace {

std::string term_of(EntityType type, const std::string& key) {
    return schema::boolean_term(schema::entity_prefix(type), key);
}

}  // namespace

void EntityResolution::add(const std::string& from, const std::string& to) {
    if (from != to) target_.emplace(from, to);  // the first rule that maps a term wins
}

void EntityResolution::finish() {
    // Follow chains (alias → voted type → ...), at most a few steps; drop cycles.
    for (auto& [from, to] : target_) {
        for (int step = 0; step < 8; ++step) {
            const auto next = target_.find(to);
            if (next == target_.end() || next->second == from) break;
            to = next->second;
        }
    }
    for (auto it = target_.begin(); it != target_.end();) {
        if (it->first == it->second)
            it = target_.erase(it);
        else
            ++it;
    }
    members_.clear();
    for (const auto& [from, to] : target_) members_[to].push_back(from);
    for (auto& [to, list] : members_) std::sort(list.begin(), list.end());
}

EntityResolution EntityResolution::compute(
    const std::vector<std::pair<std::string, Xapian::doccount>>& terms,
    const std::vector<std::pair<std::string, Xapian::doccount>>& definitions,
    const std::vector<std::pair<std::string, std::string>>& aliases) {
    EntityResolution r;
    std::unordered_map<std::string, Xapian::doccount> count(terms.begin(), terms.end());
    // 1. Aliases.
    for (const auto& [alias, canonical] : aliases) r.add(alias, canonical);

    // 2. Acronyms defined across articles: acronym key → (type, name key) → articles.
    std::map<std::string, std::map<std::pair<EntityType, std::string>, Xapian::doccount>> defs;
    const std::string_view dprefix = schema::kAcronymDefinition;
    for (const auto& [term, n] : definitions) {
        if (term.size() < dprefix.size() + 4 || term.compare(0, dprefix.size(), dprefix) != 0)
            continue;
        const int t = term[dprefix.size()] - '0';
        if (t < 0 || t >= static_cast<int>(kEntityTypes)) continue;
        const std::string rest = term.substr(dprefix.size() + 1);
        const std::size_t eq = rest.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == rest.size()) continue;
        defs[rest.substr(0, eq)][{static_cast<EntityType>(t), rest.substr(eq + 1)}] += n;
    }
    for (const auto& [acronym, names] : defs) {
        Xapian::doccount all = 0;
        const std::pair<const std::pair<EntityType, std::string>, Xapian::doccount>* best = nullptr;
        for (const auto& entry : names) {
            all += entry.second;
            if (best == nullptr || entry.second > best->second) best = &entry;
        }
        if (best == nullptr || 3 * best->second < 2 * all) continue;
        const std::string to = term_of(best->first.first, best->first.second);
        for (EntityType t : {EntityType::place, EntityType::organization, EntityType::misc})
            r.add(term_of(t, acronym), to);
    }

    // 3. Type vote: key → articles per type.
    std::unordered_map<std::string, std::array<Xapian::doccount, kEntityTypes>> by_key;
    for (const auto& [term, n] : terms) {
        const auto parsed = parse_entity_term(term);
        if (!parsed) continue;
        auto& slot = by_key[parsed->second];
        slot[static_cast<std::size_t>(parsed->first)] += n;
    }
    // A type's count for a key is that of the key's alias target under the type ("reuter" as
    // an organization counts the articles of "Reuters").
    for (auto& [key, counts] : by_key) {
        for (std::size_t t = 0; t < kEntityTypes; ++t) {
            if (counts[t] != 0) continue;
            const auto to = r.target_.find(term_of(static_cast<EntityType>(t), key));
            if (to == r.target_.end()) continue;
            const auto n = count.find(to->second);
            if (n != count.end()) counts[t] = n->second;
        }
    }
    for (const auto& [key, counts] : by_key) {
        std::size_t best = 0;
        for (std::size_t t = 1; t < kEntityTypes; ++t)
            if (counts[t] > counts[best]) best = t;
        for (std::size_t t = 0; t < kEntityTypes; ++t) {
            if (t == best || counts[t] == 0 || counts[t] >= counts[best]) continue;
            r.add(term_of(static_cast<EntityType>(t), key),
                  term_of(static_cast<EntityType>(best), key));
        }
    }

    // 4. Surnames: last word → multi-word person names ending in it.
    std::unordered_map<std::string, std::vector<std::pair<std::string, Xapian::doccount>>> by_last;
    for (const auto& [key, counts] : by_key) {
        const Xapian::doccount n = counts[static_cast<std::size_t>(EntityType::person)];
        const std::size_t space = key.rfind(' ');
        if (n == 0 || space == std::string::npos) continue;
        const std::string term = term_of(EntityType::person, key);
        if (r.target_.count(term)) continue;  // voted to another type
        by_last[key.substr(space + 1)].emplace_back(key, n);
    }
    for (const auto& [last, names] : by_last) {
        if (last.size() < 2) continue;
        Xapian::doccount all = 0;
        const std::pair<std::string, Xapian::doccount>* best = nullptr;
        for (const auto& entry : names) {
            all += entry.second;
            if (best == nullptr || entry.second > best->second ||
                (entry.second == best->second && entry.first < best->first))
                best = &entry;
        }
        if (best->second < 2 || 5 * best->second < 4 * all) continue;
        const std::string from = term_of(EntityType::person, last);
        const auto own = by_key.find(last);
        if (own != by_key.end()) {
            // The surname must be a person by the vote (else rule 3 mapped it).
            if (r.target_.count(from)) continue;
        }
        r.add(from, term_of(EntityType::person, best->first));
    }
    r.finish();
    return r;
}

const std::string& EntityResolution::resolve(const std::string& term) const {
    const auto it = target_.find(term);
    return it == target_.end() ? term : it->second;
}

std::vector<std::string> EntityResolution::group(const std::string& term) const {
    const std::string& to = resolve(term);
    std::vector<std::string> out{to};
    const auto it = members_.find(to);
    if (it != members_.end()) out.insert(out.end(), it->second.begin(), it->second.end());
    return out;
}

std::string EntityResolution::encode() const {
    std::vector<std::pair<std::string, std::string>> sorted(target_.begin(), target_.end());
    std::sort(sorted.begin(), sorted.end());
    std::string out;
    for (const auto& [from, to] : sorted) {
        out += from;
        out += '\t';
        out += to;
        out += '\n';
    }
    return out;
}

EntityResolution EntityResolution::decode(std::string_view text) {
    EntityResolution r;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view line = text.substr(pos, end - pos);
        const std::size_t tab = line.find('\t');
        if (tab != std::string_view::npos)
            r.target_.emplace(std::string(line.substr(0, tab)), std::string(line.substr(tab + 1)));
        pos = end + 1;
    }
    for (const auto& [from, to] : r.target_) r.members_[to].push_back(from);
    for (auto& [to, list] : r.members_) std::sort(list.begin(), list.end());
    return r;
}

void store_entity_resolution(Xapian::WritableDatabase& db,
                             const std::vector<std::pair<std::string, std::string>>& aliases) {
    const bool stories = db.get_termfreq(std::string(schema::kStoryDocument)) > 0;
    std::vector<std::pair<std::string, Xapian::doccount>> terms, definitions;
    for (auto it = db.allterms_begin("XE"); it != db.allterms_end("XE"); ++it) {
        const std::string term = *it;
        if (term.compare(0, schema::kAcronymDefinition.size(), schema::kAcronymDefinition) == 0) {
            definitions.emplace_back(term, it.get_termfreq());
        } else if (parse_entity_term(term)) {
            terms.emplace_back(term,
                               stories ? static_cast<Xapian::doccount>(db.get_collection_freq(term))
                                       : it.get_termfreq());
        }
    }
    const EntityResolution r = EntityResolution::compute(terms, definitions, aliases);
    const std::string encoded = r.encode();
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : encoded) {
        h ^= c;
        h *= 1099511628211ull;
    }
    char version[17];
    std::snprintf(version, sizeof version, "%016llx", static_cast<unsigned long long>(h));
    if (db.get_metadata(std::string(kResolutionVersionKey)) != version) {
        db.set_metadata(std::string(kResolutionKey), encoded);
        db.set_metadata(std::string(kResolutionVersionKey), version);
    }
}

EntityResolution load_entity_resolution(const Xapian::Database& db) {
    return EntityResolution::decode(db.get_metadata(std::string(kResolutionKey)));
}

}  // namespace herald
