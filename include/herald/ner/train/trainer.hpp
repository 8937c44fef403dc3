// Training Herald's named-entity tagger (herald-ner train). Only the herald-ner tool and
// the tests link this library: indexing and searching load a trained model (ner/model.hpp).
#pragma once

#include <herald/ner/model.hpp>
#include <herald/ner/train/gazetteers.hpp>

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <vector>

namespace herald {

/// @brief Training settings of train_ner_model().
struct NerTrainOptions {
    int epochs = 15;          ///< passes over the training data; the best dev epoch is kept
    std::uint64_t seed = 1;   ///< seed of the per-epoch shuffle (results are reproducible)
    unsigned hash_bits = 21;  ///< feature table of 2^hash_bits rows
    /// Unlabeled news (folders or files readable by read_path(): Reuters SGML, plain text)
    /// for the capitalization statistics. May be empty.
    std::vector<std::filesystem::path> unlabeled;
    /// Labeled sentences whose entity names (lower-cased token sequences, stored hashed)
    /// become gazetteer features; not training examples. May be empty.
    std::vector<LabeledSentence> gazetteer;
    /// Listed names (read_gazetteers()) that become gazetteer features, one per source. May
    /// be empty.
    std::vector<GazetteerName> names;
    /// Word cluster table (write_cluster_table()'s format) whose levels become cluster
    /// features; it must have 3 levels. Empty: no cluster features.
    std::filesystem::path clusters;
    /// Folds of the jackknife that gives the second pass first-pass output on unseen
    /// documents (Krishnan & Manning 2006); 0: no second pass. Each fold costs one first-pass
    /// training of as many epochs as the kept one.
    int second_pass_folds = 5;
    int second_pass_epochs = 10;          ///< epochs of the second pass (best dev epoch kept)
    unsigned second_pass_hash_bits = 16;  ///< the second pass's table of 2^bits rows
    std::ostream* log = nullptr;          ///< progress and dev F1 per epoch; nullptr for silence
};

/// @brief Trains a model (see NerModel for the algorithm) on @p train, evaluating on @p dev after
///        each epoch (chunk F1) and keeping the weights of the best epoch (the last when @p dev
///        is empty); then, unless `second_pass_folds` is 0, the second pass the same way. Dev
///        sentences are read as documents by their `document` numbers (the second pass), and
///        so are the training sentences (the jackknife deals whole documents into folds).
/// @throws std::invalid_argument for hash_bits outside [10, 26] or second_pass_folds of 1 or
///         less than 0; std::runtime_error when the cluster table cannot be read or has another
///         number of levels than 3.
NerModel train_ner_model(const std::vector<LabeledSentence>& train,
                         const std::vector<LabeledSentence>& dev,
                         const NerTrainOptions& options);

}  // namespace herald
