// Internal to the NER implementation: labels, feature hashing and the word statistics that
// the model carries (not a public header; included by indexer/ner*.cpp only).
#pragma once

#include <herald/ner/model.hpp>

#include <cstdint>
#include <stdexcept>
#include <string_view>
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

/// Word clusters: k-means levels of the cluster table (coarse to fine), a change breaks the
/// model file format.
constexpr int kClusterLevels = 3;

/// What the model knows of one lower-cased word form.
struct WordEntry {
    /// Capitalization class inside sentences of unlabeled news (1..8); 0 = unseen.
    std::uint8_t cap_class = 0;
    /// Cluster id + 1 at each level of the cluster table; 0 = not in the table.
    std::uint16_t cluster[kClusterLevels] = {0, 0, 0};
};

/// Gazetteer sources: bit b of a phrase's mask says source b lists it. Bits 0-3 are the entity
/// types of names seen in labeled text (GMB), by EntityType.
enum GazetteerBit : int {
    kGazMajorCity = 4,    ///< GeoNames city of 100,000 people or more
    kGazTown = 5,         ///< other GeoNames city (1,000 people or more)
    kGazCountry = 6,      ///< ISO 3166-1 country (name, common or official), 3166-3 former one
    kGazRegion = 7,       ///< ISO 3166-2 subdivision
    kGazCompany = 8,      ///< SEC company (with and without its legal form), cspell companies
    kGazFirstName = 9,    ///< English first name
    kGazPersonName = 10,  ///< first or last name (cspell people names)
    kGazSources = 11,
    /// Not a source: a longer listed phrase starts with this one (matching stops at a miss).
    kGazPrefix = 15,
};

/// @brief A map from 64-bit keys (hashes already) to small values, by open addressing with
///        linear probing in one array kept at most half full (Knuth, TAOCP vol. 3, 6.4,
///        algorithm L; the slot from Fibonacci hashing, ibid.). A lookup reads one or two
///        adjacent slots, where std::unordered_map reads a bucket and then a node elsewhere:
///        the tagger looks up every token in tables of megabytes, so that is a cache miss saved
///        per lookup. Key 0 is kept apart (it marks an empty slot).
///        Thread safety: const members may run concurrently; any other call needs exclusive use.
template <class V>
class HashMap64 {
   public:
    using key_type = std::uint64_t;

    /// The value of @p key, nullptr when absent. Never throws.
    const V* find(std::uint64_t key) const {
        if (key == 0) return has_zero_ ? &zero_ : nullptr;
        if (slots_.empty()) return nullptr;
        for (std::size_t i = slot_of(key);; i = (i + 1) & mask_) {
            const Slot& s = slots_[i];
            if (s.key == key) return &s.value;
            if (s.key == 0) return nullptr;
        }
    }
    /// The value of @p key, inserted value-initialized when absent.
    /// @throws std::bad_alloc when the table cannot grow.
    V& operator[](std::uint64_t key) {
        if (key == 0) {
            if (!has_zero_) ++size_;
            has_zero_ = true;
            return zero_;
        }
        if (2 * (size_ + 1) > slots_.size()) grow();
        for (std::size_t i = slot_of(key);; i = (i + 1) & mask_) {
            Slot& s = slots_[i];
            if (s.key == key) return s.value;
            if (s.key == 0) {
                s.key = key;
                ++size_;
                return s.value;
            }
        }
    }
    /// Inserts @p value under @p key unless the key is present (as std::map::emplace).
    void emplace(std::uint64_t key, const V& value) {
        if (find(key) == nullptr) (*this)[key] = value;
    }
    /// @throws std::out_of_range when @p key is absent.
    const V& at(std::uint64_t key) const {
        const V* v = find(key);
        if (v == nullptr) throw std::out_of_range("HashMap64::at: no such key");
        return *v;
    }
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    /// Calls @p f(key, value) for every entry, in no particular order.
    template <class F>
    void for_each(F f) const {
        if (has_zero_) f(std::uint64_t{0}, zero_);
        for (const Slot& s : slots_)
            if (s.key != 0) f(s.key, s.value);
    }

   private:
    struct Slot {
        std::uint64_t key = 0;
        V value{};
    };
    std::size_t slot_of(std::uint64_t key) const {
        return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> shift_);
    }
    void grow() {
        std::vector<Slot> old = std::move(slots_);
        const std::size_t capacity = old.empty() ? 16 : 2 * old.size();
        slots_.assign(capacity, Slot{});
        mask_ = capacity - 1;
        shift_ = 64 - static_cast<unsigned>(__builtin_ctzll(capacity));
        for (const Slot& s : old) {
            if (s.key == 0) continue;
            std::size_t i = slot_of(s.key);
            while (slots_[i].key != 0) i = (i + 1) & mask_;
            slots_[i] = s;
        }
    }

    std::vector<Slot> slots_;
    std::size_t mask_ = 0;
    unsigned shift_ = 64;
    std::size_t size_ = 0;  // entries, key 0 included
    bool has_zero_ = false;
    V zero_{};
};

/// Word statistics from unlabeled news, word clusters and gazetteers, keyed by 64-bit hashes.
struct Lexicon {
    /// hash(lower-cased word) → its capitalization class and clusters.
    HashMap64<WordEntry> words;
    /// hash(lower-cased phrase, tokens joined by one space) → mask of GazetteerBit.
    HashMap64<std::uint16_t> gazetteer;
};

constexpr std::size_t kMaxGazetteerTokens = 5;

/// hash_bytes() of a lower-cased phrase of tokens joined by one space (the gazetteer key).
std::uint64_t phrase_hash(const std::vector<std::string>& lower_tokens);

/// Adds a phrase (lower-cased tokens) to @p lexicon's gazetteer under @p bit, and marks its
/// proper prefixes with kGazPrefix. Phrases longer than kMaxGazetteerTokens are ignored.
void add_gazetteer_phrase(Lexicon& lexicon, const std::vector<std::string>& lower_tokens, int bit);

/// The cluster ids and capitalization class of a word (looked up lower-cased); all 0 when the
/// model does not know it.
WordEntry lookup_word(const Lexicon& lexicon, std::string_view word);

/// Gazetteer matches over one token.
struct GazetteerMarks {
    std::uint16_t any = 0;                    ///< bit b: some phrase of source b covers the token
    std::uint8_t position[kGazSources] = {};  ///< per source: 0 none, else 1 + its Position
};

/// Marks each token (@p lower_words: lower-cased tokens of a sentence) with the listed
/// phrases covering it, per source: from each start, the longest phrase of each source (up
/// to kMaxGazetteerTokens tokens; the lookup stops at the first miss, so it costs one lookup
/// for most tokens); where two phrases of a source overlap, the earlier start keeps its marks.
void match_gazetteer(const Lexicon& lexicon,
                     const std::vector<std::string_view>& lower_words,
                     std::vector<GazetteerMarks>& marks);

/// Appends the hashed feature rows of every token of a sentence: the rows of token i are
/// feats[offsets[i] .. offsets[i+1]) (offsets gets n+1 entries, starting at feats.size()).
void sentence_features(const Lexicon& lexicon,
                       unsigned hash_bits,
                       const std::vector<std::string_view>& words,
                       std::vector<std::uint32_t>& feats,
                       std::vector<std::uint32_t>& offsets);

/// How the first pass labelled the other capitalized occurrences of a token's word form in
/// its document (forms compared ignoring ASCII case).
struct FormEvidence {
    bool counted = false;                   ///< the token is capitalized (else all 0)
    std::uint16_t label[kTypes + 1] = {};   ///< by EntityType; [kTypes]: outside any entity
    std::uint16_t within[kTypes * 3] = {};  ///< in a longer entity: type * 3 + (B 0, I 1, L 2)
};

/// The evidence of every token of a document (@p words, first-pass BILOU @p labels), in
/// reading order, flattened over the sentences; the token's own occurrence never counts.
void document_evidence(const std::vector<std::vector<std::string_view>>& words,
                       const std::vector<std::vector<int>>& labels,
                       std::vector<FormEvidence>& evidence);

/// The non-local (document) features of the second pass (Krishnan & Manning 2006; Ratinov &
/// Roth 2009 §5): how the first pass labelled the other capitalized occurrences of each
/// capitalized word form of a document. @p words and @p labels hold the document's sentences
/// and their first-pass BILOU labels; the rows of sentence s, token i are appended as for
/// sentence_features(), sentence after sentence (offsets gets n_s + 1 entries per sentence).
void document_features(unsigned hash_bits,
                       const std::vector<std::vector<std::string_view>>& words,
                       const std::vector<std::vector<int>>& labels,
                       std::vector<std::uint32_t>& feats,
                       std::vector<std::uint32_t>& offsets);

/// First-order Viterbi over BILOU labels with hard constraints.
/// @param scores n × kLabels emission scores; @param trans (kLabels+1) × kLabels label-bigram
/// weights (row 0: sentence start) followed by kLabels end weights.
std::vector<int> viterbi(const float* scores, std::size_t n, const float* trans);

constexpr std::size_t kTransSize = (kLabels + 1) * kLabels + kLabels;

}  // namespace herald::ner_detail
