// Tag schemes, CoNLL-2003 and GMB readers, chunk scores (see include/herald/ner.hpp).
#include <herald/ner.hpp>
#include <herald/text.hpp>

#include <fstream>
#include <stdexcept>

namespace herald {

std::string_view entity_type_name(EntityType type) {
    switch (type) {
        case EntityType::person: return "person";
        case EntityType::place: return "place";
        case EntityType::organization: return "organization";
        case EntityType::misc: return "misc";
    }
    return "misc";
}

std::string_view conll_type_name(EntityType type) {
    switch (type) {
        case EntityType::person: return "PER";
        case EntityType::place: return "LOC";
        case EntityType::organization: return "ORG";
        case EntityType::misc: return "MISC";
    }
    return "MISC";
}

std::optional<EntityType> parse_entity_type(std::string_view name) {
    if (name == "PER" || name == "person") return EntityType::person;
    if (name == "LOC" || name == "place") return EntityType::place;
    if (name == "ORG" || name == "organization") return EntityType::organization;
    if (name == "MISC" || name == "misc") return EntityType::misc;
    return std::nullopt;
}

namespace {

/// 'B', 'I' or 'O' and the type of one IOB tag; malformed tags read as O.
struct IobTag {
    char prefix = 'O';
    EntityType type = EntityType::misc;
};

IobTag parse_iob(std::string_view tag) {
    if (tag.size() < 3 || (tag[0] != 'B' && tag[0] != 'I') || tag[1] != '-') return {};
    auto type = parse_entity_type(tag.substr(2));
    if (!type) return {};
    return {tag[0], *type};
}

}  // namespace

std::vector<Chunk> chunks_from_iob(const std::vector<std::string>& tags) {
    std::vector<Chunk> out;
    bool open = false;
    for (std::size_t i = 0; i < tags.size(); ++i) {
        const IobTag t = parse_iob(tags[i]);
        if (t.prefix == 'O') {
            open = false;
            continue;
        }
        const bool continues = open && t.prefix == 'I' && out.back().type == t.type;
        if (continues) {
            out.back().last = i + 1;
        } else {
            out.push_back({i, i + 1, t.type});
            open = true;
        }
    }
    return out;
}

std::vector<std::string> chunks_to_iob1(const std::vector<Chunk>& chunks, std::size_t n) {
    std::vector<std::string> tags(n, "O");
    for (std::size_t c = 0; c < chunks.size(); ++c) {
        const Chunk& ch = chunks[c];
        const std::string inside = "I-" + std::string(conll_type_name(ch.type));
        for (std::size_t i = ch.first; i < ch.last && i < n; ++i) tags[i] = inside;
        const bool touches_same = c > 0 && chunks[c - 1].last == ch.first && chunks[c - 1].type == ch.type;
        if (touches_same && ch.first < n) tags[ch.first] = "B-" + std::string(conll_type_name(ch.type));
    }
    return tags;
}

std::vector<std::string> chunks_to_bio(const std::vector<Chunk>& chunks, std::size_t n) {
    std::vector<std::string> tags(n, "O");
    for (const Chunk& ch : chunks) {
        const std::string type(conll_type_name(ch.type));
        for (std::size_t i = ch.first; i < ch.last && i < n; ++i) {
            tags[i] = (i == ch.first ? "B-" : "I-") + type;
        }
    }
    return tags;
}

namespace {

void flush(std::vector<LabeledSentence>& out, std::vector<std::string>& words,
           std::vector<std::string>& tags) {
    if (!words.empty()) out.push_back({std::move(words), chunks_from_iob(tags)});
    words.clear();
    tags.clear();
}

}  // namespace

std::vector<LabeledSentence> read_conll(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read CoNLL file " + file.string());
    std::vector<LabeledSentence> out;
    std::vector<std::string> words, tags;
    std::string line;
    while (std::getline(in, line)) {
        auto cols = split_whitespace(line);
        if (cols.empty() || cols[0] == "-DOCSTART-") {
            flush(out, words, tags);
            continue;
        }
        words.emplace_back(cols[0]);
        tags.emplace_back(cols.size() > 1 ? cols.back() : std::string_view("O"));
    }
    flush(out, words, tags);
    return out;
}

namespace {

/// Splits one CSV line into fields (double-quoted fields may hold commas and "" quotes).
std::vector<std::string> split_csv(std::string_view line) {
    std::vector<std::string> out(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                out.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                out.back() += c;
            }
        } else if (c == '"' && out.back().empty()) {
            quoted = true;
        } else if (c == ',') {
            out.emplace_back();
        } else if (c != '\r') {
            out.back() += c;
        }
    }
    return out;
}

std::string gmb_tag(std::string_view tag) {
    if (tag.size() < 3 || tag[1] != '-') return "O";
    std::string_view kind = tag.substr(2);
    std::string type;
    if (kind == "per") type = "PER";
    else if (kind == "org") type = "ORG";
    else if (kind == "geo" || kind == "gpe") type = "LOC";
    else if (kind == "art" || kind == "eve" || kind == "nat") type = "MISC";
    else return "O";
    return std::string(1, tag[0]) + "-" + type;
}

}  // namespace

std::vector<LabeledSentence> read_gmb(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read GMB file " + file.string());
    std::vector<LabeledSentence> out;
    std::vector<std::string> words, tags;
    std::string line;
    while (std::getline(in, line)) {
        auto fields = split_csv(line);
        if (fields.size() < 4 || fields[0] == "Sentence #") continue;
        if (!fields[0].empty()) flush(out, words, tags);
        const std::string& tag = fields[fields.size() - 1];
        // A word holding commas arrives unquoted in some lines: rejoin the middle fields.
        std::string word = fields[1];
        for (std::size_t k = 2; k + 2 < fields.size(); ++k) word += "," + fields[k];
        words.push_back(to_valid_utf8(word));
        tags.push_back(gmb_tag(tag));
    }
    flush(out, words, tags);
    return out;
}

void ChunkScores::add(const std::vector<Chunk>& gold_chunks,
                      const std::vector<Chunk>& predicted_chunks) {
    for (const Chunk& g : gold_chunks) ++gold[static_cast<int>(g.type)];
    for (const Chunk& p : predicted_chunks) {
        ++predicted[static_cast<int>(p.type)];
        for (const Chunk& g : gold_chunks) {
            if (g == p) {
                ++correct[static_cast<int>(p.type)];
                break;
            }
        }
    }
}

namespace {
std::size_t total(const std::size_t (&a)[4], std::optional<EntityType> type) {
    if (type) return a[static_cast<int>(*type)];
    return a[0] + a[1] + a[2] + a[3];
}
}  // namespace

double ChunkScores::precision(std::optional<EntityType> type) const {
    const std::size_t p = total(predicted, type);
    return p == 0 ? 0.0 : static_cast<double>(total(correct, type)) / static_cast<double>(p);
}

double ChunkScores::recall(std::optional<EntityType> type) const {
    const std::size_t g = total(gold, type);
    return g == 0 ? 0.0 : static_cast<double>(total(correct, type)) / static_cast<double>(g);
}

double ChunkScores::f1(std::optional<EntityType> type) const {
    const double p = precision(type), r = recall(type);
    return p + r == 0.0 ? 0.0 : 2 * p * r / (p + r);
}

}  // namespace herald
