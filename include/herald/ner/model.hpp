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
    /// The document (article) the sentence belongs to: consecutive sentences with the same
    /// number form one document, which the tagger's second pass reads as a whole.
    std::size_t document = 0;
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
/// transition weights, how often a word is capitalized inside sentences of unlabeled news
/// (Reuters-21578, BBC), which keeps sentence-initial capitals from being read as names;
/// word clusters at three granularities for the words at -1, 0 and +1 (the finest also at
/// ±2, crossed with capitalization, and a cluster bigram; k-means of GloVe vectors, standing
/// in for the Brown cluster prefixes of Ratinov & Roth and Turian et al. 2010); and gazetteer
/// matches of up to 5 tokens per source (names seen in GMB by type, GeoNames cities, ISO 3166
/// countries and subdivisions, SEC and other company names, first names, person names).
///
/// A second pass adds non-local features (Krishnan & Manning 2006; Ratinov & Roth 2009 §5):
/// for each capitalized word, how the first pass labelled its other capitalized occurrences
/// in the same document (majority type, each type's share, and the type and position of the
/// longer entities it occurs in). Its weights are added to the first pass's scores and the
/// document decoded again; they were trained on first-pass output for training documents the
/// first pass had not seen (5-fold jackknife), so they learn how far to trust it.
///
/// Features are hashed (Weinberger et al. 2009) into tables of 2^hash_bits rows, so the model
/// holds no training text; the word lists it keeps (capitalization, clusters, gazetteers) are
/// 64-bit hashes too.
///
/// @see M. Collins, "Discriminative Training Methods for Hidden Markov Models: Theory and
///      Experiments with Perceptron Algorithms", EMNLP 2002.
/// @see L. Ratinov and D. Roth, "Design Challenges and Misconceptions in Named Entity
///      Recognition", CoNLL 2009.
/// @see V. Krishnan and C. D. Manning, "An Effective Two-Stage Model for Exploiting Non-Local
///      Dependencies in Named Entity Recognition", ACL 2006.
/// @see J. Turian, L. Ratinov and Y. Bengio, "Word representations: a simple and general
///      method for semi-supervised learning", ACL 2010.
/// @see E. F. Tjong Kim Sang and F. De Meulder, "Introduction to the CoNLL-2003 Shared Task:
///      Language-Independent Named Entity Recognition", CoNLL 2003.
///
/// Thread-safety: a loaded or trained model is immutable; tag() is const and may be called
/// from any number of threads at once. Copies share the same immutable data.
class NerModel {
   public:
    /// @brief Loads a model written by save().
    /// @throws std::runtime_error naming @p file when it is missing, unreadable, not a Herald
    ///         NER model (magic number), of another format version (a version-1 model from
    ///         before word clusters is refused with a message to retrain it), truncated or
    ///         corrupt (checksum).
    static NerModel load(const std::filesystem::path& file);

    /// @brief Writes the model as a compact binary: magic `HRLDNER\0`, format version (2),
    ///        settings, hashed word statistics, clusters and gazetteers, then for each pass its
    ///        label-bigram weights and non-zero feature weights quantized to 16 bits, then a
    ///        64-bit checksum (layout: corpus/models/README.md).
    /// @throws std::runtime_error when the file cannot be written.
    void save(const std::filesystem::path& file) const;

    /// @brief Tags one sentence of tokens (as tokenize() or CoNLL gives them), as a document
    ///        of its own (the second pass sees only this sentence).
    /// @return the entities found, sorted, disjoint, as token spans of @p words.
    std::vector<Chunk> tag(const std::vector<std::string_view>& words) const;

    /// @brief Tags the sentences of one document (an article): each sentence as tag() would,
    ///        then the second pass, which sees how the same words were tagged in the other
    ///        sentences (a name tagged a person in one sentence is likelier one in the next).
    /// @param sentences the document's sentences in reading order; empty ones are allowed.
    /// @return one chunk list per sentence (token spans of that sentence), sorted, disjoint.
    /// Cost: about that of tag() over the same tokens (the second pass adds a few features
    ///       per capitalized token and a second Viterbi); memory linear in the document.
    /// Thread-safe (const; per-thread scratch buffers).
    std::vector<std::vector<Chunk>> tag_document(
        const std::vector<std::vector<std::string_view>>& sentences) const;
    /// @brief The same for owned strings.
    std::vector<Chunk> tag(const std::vector<std::string>& words) const;

    /// @brief Chunk scores of tagging @p data document by document (tag_document() over each
    ///        run of consecutive sentences with the same `document`).
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
