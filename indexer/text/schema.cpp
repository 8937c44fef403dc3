#include <herald/text/schema.hpp>

#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <vector>

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

std::string_view entity_prefix(EntityType type) {
    switch (type) {
        case EntityType::person:
            return kPerson;
        case EntityType::place:
            return kPlace;
        case EntityType::organization:
            return kOrganization;
        case EntityType::misc:
            return kMisc;
    }
    return kMisc;
}

bool is_designator_word(std::string_view w) {
    static const std::string_view kWords[] = {
        "co",  "cos", "corp", "corporation", "company", "inc", "incorporated", "ltd",  "limited",
        "plc", "llc", "lp",   "ag",          "sa",      "nv",  "bv",           "gmbh", "spa"};
    for (std::string_view k : kWords) {
        if (w == k) return true;
    }
    return false;
}

std::string entity_key(std::string_view name) {
    std::string s;
    s.reserve(name.size());
    bool space = false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const auto c = static_cast<unsigned char>(name[i]);
        if (c == 0xE2 && i + 2 < name.size() && static_cast<unsigned char>(name[i + 1]) == 0x80 &&
            (static_cast<unsigned char>(name[i + 2]) == 0x99 ||
             static_cast<unsigned char>(name[i + 2]) == 0x98)) {
            i += 2;
            if (space && !s.empty()) s += ' ';
            space = false;
            s += '\'';
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = true;
            continue;
        }
        if (space && !s.empty()) s += ' ';
        space = false;
        s += static_cast<char>(c);
    }
    if (s.size() > 2 &&
        (s.compare(s.size() - 2, 2, "'s") == 0 || s.compare(s.size() - 2, 2, "'S") == 0)) {
        s.resize(s.size() - 2);
    } else if (s.size() > 2 && s.back() == '\'' &&
               (s[s.size() - 2] == 's' || s[s.size() - 2] == 'S')) {
        s.pop_back();
    }
    s = Xapian::Unicode::tolower(s);
    // Words: spelling variants (-isation → -ization), then trailing corporate designators.
    std::vector<std::string> words;
    for (std::size_t at = 0; at <= s.size();) {
        std::size_t end = s.find(' ', at);
        if (end == std::string::npos) end = s.size();
        if (end > at) words.emplace_back(s, at, end - at);
        at = end + 1;
    }
    for (auto& w : words) {
        for (std::string_view from : {"isation", "isations"}) {
            if (w.size() >= from.size() + 3 &&
                w.compare(w.size() - from.size(), from.size(), from) == 0) {
                w[w.size() - from.size() + 1] = 'z';
            }
        }
    }
    bool folded = false;
    while (words.size() > 1) {
        std::string w;
        for (char c : words.back())
            if (c != '.' && c != ',') w += c;
        if (!is_designator_word(w)) break;
        words.pop_back();
        folded = true;
        if (words.size() > 1 && (words.back() == "and" || words.back() == "&")) words.pop_back();
    }
    if (!folded && words.size() == 1) return words.front();
    std::string out;
    for (auto& w : words) {
        if (folded && &w == &words.back()) {
            while (!w.empty() && (w.back() == ',')) w.pop_back();
        }
        if (!out.empty()) out += ' ';
        out += w;
    }
    return out;
}

std::string entity_term(EntityType type, std::string_view name) {
    return boolean_term(entity_prefix(type), entity_key(name));
}

std::string acronym_term(EntityType type, std::string_view acronym_key, std::string_view name) {
    std::string t(kAcronymDefinition);
    t += static_cast<char>('0' + static_cast<int>(type));
    t += acronym_key;
    t += '=';
    t += entity_key(name);
    return t;
}

namespace {
int label_rank(std::string_view s) {
    bool lower = false, upper = false;
    for (Xapian::Utf8Iterator it(s.data(), s.size()); it != Xapian::Utf8Iterator(); ++it) {
        const auto cat = Xapian::Unicode::get_category(*it);
        lower = lower || cat == Xapian::Unicode::LOWERCASE_LETTER;
        upper = upper || cat == Xapian::Unicode::UPPERCASE_LETTER ||
                cat == Xapian::Unicode::TITLECASE_LETTER;
    }
    return lower && upper ? 0 : lower ? 1 : 2;
}

// Words typed with the shift key held one letter too long: "YOrk", "STock", "FIrst".
int shift_typos(std::string_view s) {
    int n = 0;
    for (std::size_t i = 0; i + 2 < s.size(); ++i) {
        const bool start = i == 0 || s[i - 1] == ' ';
        if (start && s[i] >= 'A' && s[i] <= 'Z' && s[i + 1] >= 'A' && s[i + 1] <= 'Z' &&
            s[i + 2] >= 'a' && s[i + 2] <= 'z')
            ++n;
    }
    return n;
}
}  // namespace

bool better_label(std::string_view candidate, std::string_view current) {
    if (candidate.empty()) return false;
    if (current.empty()) return true;
    const int a = label_rank(candidate), b = label_rank(current);
    if (a != b) return a < b;
    const int ta = shift_typos(candidate), tb = shift_typos(current);
    return ta != tb ? ta < tb : candidate < current;
}

bool keep_better_label(std::string& current, std::string_view candidate) {
    if (!better_label(candidate, current)) return false;
    current = std::string(candidate);
    return true;
}

std::string display_key(std::string_view term) {
    return "display:" + std::string(term);
}

std::string encode_facets(const std::vector<std::pair<std::string, std::string>>& values) {
    std::string out;
    for (const auto& [facet, name] : values) {
        if (!out.empty()) out += '\x1e';
        out += facet;
        out += '\x1f';
        for (char c : name) out += (c == '\x1e' || c == '\x1f') ? ' ' : c;
    }
    return out;
}

void decode_facets(std::string_view slot_value,
                   const std::function<void(std::string_view, std::string_view)>& fn) {
    std::size_t pos = 0;
    while (pos < slot_value.size()) {
        std::size_t end = slot_value.find('\x1e', pos);
        if (end == std::string_view::npos) end = slot_value.size();
        const std::string_view item = slot_value.substr(pos, end - pos);
        const std::size_t sep = item.find('\x1f');
        if (sep != std::string_view::npos) fn(item.substr(0, sep), item.substr(sep + 1));
        pos = end + 1;
    }
}

std::string tag_term(std::string_view kind, std::string_view value) {
    std::string prefix(kTagPrefix);
    for (char c : kind) prefix += static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
    return boolean_term(prefix, value);
}

std::string encode_lengths(const std::vector<Xapian::termcount>& lengths) {
    std::string out;
    for (Xapian::termcount n : lengths) {
        if (!out.empty()) out += ' ';
        out += std::to_string(n);
    }
    return out;
}

std::vector<Xapian::termcount> decode_lengths(std::string_view value) {
    std::vector<Xapian::termcount> out;
    Xapian::termcount n = 0;
    bool digits = false;
    for (char c : value) {
        if (c >= '0' && c <= '9') {
            n = n * 10 + static_cast<Xapian::termcount>(c - '0');
            digits = true;
        } else if (c == ' ' && digits) {
            out.push_back(n);
            n = 0;
            digits = false;
        } else {
            return {};
        }
    }
    if (digits) out.push_back(n);
    return out;
}

}  // namespace herald::schema
