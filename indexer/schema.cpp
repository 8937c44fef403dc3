#include <herald/schema.hpp>

#include <cstdint>
#include <cstdio>

namespace herald::schema {

namespace {

std::uint64_t fnv1a(std::string_view s) {
    std::uint64_t h = 14695981039346656037ULL;
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return h;
}

}  // namespace

std::string boolean_term(std::string_view prefix, std::string_view value) {
    std::string term(prefix);
    if (prefix.size() > 1 && !value.empty() && value[0] >= 'A' && value[0] <= 'Z') {
        term += ':';
    }
    if (term.size() + value.size() <= kMaxTermBytes) {
        term += value;
        return term;
    }
    char hash[17];
    std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(fnv1a(value)));
    std::size_t keep = kMaxTermBytes - term.size() - 16;
    // Never cut inside a UTF-8 sequence.
    while (keep > 0 && (static_cast<unsigned char>(value[keep]) & 0xC0) == 0x80) --keep;
    term.append(value.substr(0, keep));
    term += hash;
    return term;
}

std::string unique_term(std::string_view article_id, unsigned paragraph) {
    std::string id(article_id);
    id += '#';
    id += std::to_string(paragraph);
    return boolean_term(kUniqueId, id);
}

std::string tag_term(std::string_view kind, std::string_view value) {
    std::string prefix(kTagPrefix);
    for (char c : kind) prefix += static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
    return boolean_term(prefix, value);
}

}  // namespace herald::schema
