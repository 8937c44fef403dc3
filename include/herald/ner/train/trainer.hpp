// Training Herald's named-entity tagger (herald-ner train). Only the herald-ner tool and
// the tests link this library: indexing and searching load a trained model (ner/model.hpp).
#pragma once

#include <herald/ner/model.hpp>

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
    std::ostream* log = nullptr;  ///< progress and dev F1 per epoch; nullptr for silence
};

/// @brief Trains a model (see NerModel for the algorithm) on @p train, evaluating on @p dev after
/// each epoch (chunk F1)
///        and keeping the weights of the best epoch (the last when @p dev is empty).
NerModel train_ner_model(const std::vector<LabeledSentence>& train,
                         const std::vector<LabeledSentence>& dev,
                         const NerTrainOptions& options);

}  // namespace herald
