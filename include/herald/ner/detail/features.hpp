// Internal to the NER implementation: labels, feature hashing and the word statistics that
// the model carries (not a public header; included by indexer/ner*.cpp only).
#pragma once

#include <herald/ner/model.hpp>

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace herald::ner_detail {

constexpr int kTypes = static_cast<int>(kEntityTypes);  // a change breaks the model file format
constexpr int kLabels = 1 + 4 * kTypes;                 // O, then B I L U for each type
enum Position { kBegin = 0, kInside = 1, kLast = 2, kUnit = 3 };

inline int label_of(int type, int pos) {
    return 1 + 4 * type + pos;
}
inline int type_of(int label) {
    return (label - 1) / 4;
}
inline int pos_of(int label) {
    return (label - 1) % 4;
}

/// May label @p cur follow label @p prev (-1: sentence start) in a well-formed BILOU sequence?
inline bool allowed(int prev, int cur) {
    const bool open = prev > 0 && (pos_of(prev) == kBegin || pos_of(prev) == kInside);
    if (open) {
        return cur > 0 && type_of(cur) == type_of(prev) &&
               (pos_of(cur) == kInside || pos_of(cur) == kLast);
    }
    return cur == 0 || pos_of(cur) == kBegin || pos_of(cur) == kUnit;
}
inline bool can_end(int label) {
    return label == 0 || pos_of(label) == kLast || pos_of(label) == kUnit;
}

std::vector<int> labels_from_chunks(const std::vector<Chunk>& chunks, std::size_t n);
std::vector<Chunk> chunks_from_labels(const std::vector<int>& labels);

/// Seed of hash_bytes(). FNV's 64-bit offset basis is 14695981039346656037; this value is
/// that number with its last digit dropped, a slip made when the model format was written.
/// Any odd seed hashes as well, and the shipped model's feature table depends on this one,
/// so it stays.
inline constexpr std::uint64_t kFeatureHashSeed = 1469598103934665603ULL;

/// The FNV-1a byte loop (64-bit prime 1099511628211) from kFeatureHashSeed: a 64-bit hash
/// of feature strings. Not FNV-1a's published values, because of the seed.
inline std::uint64_t hash_bytes(std::string_view s, std::uint64_t h = kFeatureHashSeed) {
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return h;
}
/// splitmix64's finalizer.
inline std::uint64_t mix(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}
inline std::uint64_t combine(std::uint64_t a, std::uint64_t b) {
    return mix(a * 0x100000001B3ULL ^ b);
}

/// Lower-cases ASCII letters and the Latin-1 capitals À–Þ (as UTF-8); other bytes as they are.
std::string lower_case(std::string_view word);

/// Word statistics from unlabeled news and gazetteers, all keyed by 64-bit hashes.
struct Lexicon {
    /// hash(lower-cased word) → capitalization class inside sentences (1..8); absent = unseen.
    std::unordered_map<std::uint64_t, std::uint8_t> capitalization;
    /// hash(lower-cased phrase, tokens joined by one space) → bit mask of EntityType.
    std::unordered_map<std::uint64_t, std::uint8_t> gazetteer;
};

constexpr std::size_t kMaxGazetteerTokens = 5;

/// Appends the hashed feature rows of every token of a sentence: the rows of token i are
/// feats[offsets[i] .. offsets[i+1]) (offsets gets n+1 entries, starting at feats.size()).
void sentence_features(const Lexicon& lexicon,
                       unsigned hash_bits,
                       const std::vector<std::string_view>& words,
                       std::vector<std::uint32_t>& feats,
                       std::vector<std::uint32_t>& offsets);

/// First-order Viterbi over BILOU labels with hard constraints.
/// @param scores n × kLabels emission scores; @param trans (kLabels+1) × kLabels label-bigram
/// weights (row 0: sentence start) followed by kLabels end weights.
std::vector<int> viterbi(const float* scores, std::size_t n, const float* trans);

constexpr std::size_t kTransSize = (kLabels + 1) * kLabels + kLabels;

}  // namespace herald::ner_detail
