// Named-entity recognition for news: an averaged structured perceptron over BILOU tags.
#pragma once

#include <herald/text/entity_type.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald {

/// @brief An entity as a token span [first, last) of one sentence.
struct Chunk {
    std::size_t first = 0;
    std::size_t last = 0;
    EntityType type = EntityType::misc;
    bool operator==(const Chunk& o) const {
        return first == o.first && last == o.last && type == o.type;
    }
};

/// @brief Reads chunks from IOB tags as conlleval does, so that IOB1 (CoNLL-2003: `I-X` may
///        start a chunk, `B-X` only separates two adjacent chunks of type X) and BIO/IOB2
///        (every chunk starts with `B-X`) both decode: a chunk starts at `B-X`, and at `I-X`
///        after `O`, after a chunk of another type, or at the sentence start; it ends before
///        `O`, `B-*` or a tag of another type. Tags other than `O`, `B-T`, `I-T` (T one of
///        PER/LOC/ORG/MISC) count as `O`.
/// @see CoNLL-2003 shared task (Tjong Kim Sang & De Meulder 2003); conlleval.
std::vector<Chunk> chunks_from_iob(const std::vector<std::string>& tags);

/// @brief IOB1 tags (`I-X`; `B-X` only for a chunk that directly follows one of type X) for
///        @p n tokens. Chunks must be sorted and disjoint.
std::vector<std::string> chunks_to_iob1(const std::vector<Chunk>& chunks, std::size_t n);

/// @brief BIO/IOB2 tags (`B-X` at every chunk start, `I-X` inside) for @p n tokens.
std::vector<std::string> chunks_to_bio(const std::vector<Chunk>& chunks, std::size_t n);

/// @brief A sentence with its gold entities (training and evaluation data).
struct LabeledSentence {
    std::vector<std::string> words;
    std::vector<Chunk> chunks;
};

/// @brief Chunk-level precision/recall/F1 per type and overall, counted as conlleval does
///        (a predicted chunk is correct when its span and type both match a gold chunk).
struct ChunkScores {
    std::size_t correct[4] = {0, 0, 0, 0};
    std::size_t predicted[4] = {0, 0, 0, 0};
    std::size_t gold[4] = {0, 0, 0, 0};

    void add(const std::vector<Chunk>& gold_chunks, const std::vector<Chunk>& predicted_chunks);
    /// Over all types when @p type is empty. All three are in [0, 1]; 0 when undefined.
    double precision(std::optional<EntityType> type = std::nullopt) const;
    double recall(std::optional<EntityType> type = std::nullopt) const;
    double f1(std::optional<EntityType> type = std::nullopt) const;
};

/// @brief A trained named-entity tagger for English news.
///
/// An averaged structured perceptron (Collins 2002) with first-order Viterbi decoding over
/// BILOU tags (begin/inside/last/unit-length/outside, which Ratinov & Roth 2009 found better
/// than BIO), with hard constraints that keep the tag sequence well formed. Features follow
/// Ratinov & Roth 2009: the word and its lower-case form in a ±2 window, word shapes,
/// prefixes and suffixes of 1–4 characters, word bigrams, sentence start and all-capitals
/// sentences (headlines) combined with capitalization, tag history through the label-bigram
/// transition weights, gazetteer matches of up to 5 tokens, and how often a word is
/// capitalized inside sentences of unlabeled news (Reuters-21578, BBC), which keeps
/// sentence-initial capitals from being read as names. Features are hashed (Weinberger et
/// al. 2009) into a table of 2^hash_bits rows, so the model holds no training text; the
/// word lists it keeps are 64-bit hashes too.
///
/// @see M. Collins, "Discriminative Training Methods for Hidden Markov Models: Theory and
///      Experiments with Perceptron Algorithms", EMNLP 2002.
/// @see L. Ratinov and D. Roth, "Design Challenges and Misconceptions in Named Entity
///      Recognition", CoNLL 2009.
/// @see E. F. Tjong Kim Sang and F. De Meulder, "Introduction to the CoNLL-2003 Shared Task:
///      Language-Independent Named Entity Recognition", CoNLL 2003.
///
/// Thread-safety: a loaded or trained model is immutable; tag() is const and may be called
/// from any number of threads at once. Copies share the same immutable data.
class NerModel {
   public:
    /// @brief Loads a model written by save().
    /// @throws std::runtime_error naming @p file when it is missing, unreadable, not a Herald
    ///         NER model (magic number), of another format version, truncated or corrupt
    ///         (checksum).
    static NerModel load(const std::filesystem::path& file);

    /// @brief Writes the model as a compact binary: magic `HRLDNER\0`, format version,
    ///        settings, hashed word statistics, label-bigram weights, and the non-zero
    ///        feature weights quantized to 16 bits, then a 64-bit checksum.
    /// @throws std::runtime_error when the file cannot be written.
    void save(const std::filesystem::path& file) const;

    /// @brief Tags one sentence of tokens (as tokenize() or CoNLL gives them).
    /// @return the entities found, sorted, disjoint, as token spans of @p words.
    std::vector<Chunk> tag(const std::vector<std::string_view>& words) const;
    /// @brief The same for owned strings.
    std::vector<Chunk> tag(const std::vector<std::string>& words) const;

    /// @brief Chunk scores of tagging every sentence of @p data.
    ChunkScores evaluate(const std::vector<LabeledSentence>& data) const;

    /// @brief Non-zero feature weights held (a size measure).
    std::size_t weight_count() const;

    /// The immutable tagger data (herald/ner/detail/model_impl.hpp; internal).
    struct Impl;
    /// @brief Wraps tagger data; for the trainer and the model file reader only.
    explicit NerModel(std::shared_ptr<const Impl> impl);

   private:
    std::shared_ptr<const Impl> impl_;
};

}  // namespace herald
