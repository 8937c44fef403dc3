// Tag schemes, CoNLL-2003 and GMB readers, chunk scores (see include/herald/ner/model.hpp).
#include <herald/ner/model.hpp>
#include <herald/text/strings.hpp>

#include <fstream>
#include <stdexcept>

namespace herald {

namespace {

/// 'B', 'I' or 'O' and the type of one IOB tag; malformed tags read as O.
struct IobTag {
    char prefix = 'O';
    EntityType type = EntityType::misc;
};

IobTag parse_iob(std::string_view tag) {
    if (tag.size() < 3 || (tag[0] != 'B' && tag[0] != 'I') || tag[1] != '-') return {};
    auto type = parse_conll_type(tag.substr(2));
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
        const bool touches_same =
            c > 0 && chunks[c - 1].last == ch.first && chunks[c - 1].type == ch.type;
        if (touches_same && ch.first < n)
            tags[ch.first] = "B-" + std::string(conll_type_name(ch.type));
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
