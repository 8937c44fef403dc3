// herald-ner's commands: train a model, tag a CoNLL file, tag plain text.
#pragma once

#include <herald/ner/train/trainer.hpp>

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <vector>

namespace herald {

/// @brief What `herald-ner train` was asked to do.
struct NerTrainRequest {
    std::vector<std::filesystem::path> train_files;  ///< CoNLL files
    std::filesystem::path dev_file;                  ///< CoNLL file; empty: no dev set
    std::filesystem::path out;                       ///< model file to write
    /// GMB CSV files for the gazetteer; empty: all of ../shared/corpus/gmb when present.
    std::vector<std::filesystem::path> gazetteer_files;
    /// Name lists (read_gazetteers()); empty: ../shared/corpus/gazetteers when present;
    /// "none": no lists.
    std::filesystem::path names_dir;
    /// options.clusters empty: the shipped table default_cluster_table() when present.
    NerTrainOptions options;  ///< unlabeled empty: ../shared/corpus Reuters-21578 and BBC
};

/// @brief Trains and saves a model, printing progress and dev F1 per epoch to @p out.
int run_ner_train(const NerTrainRequest& request, std::ostream& out);

/// @brief Tags a CoNLL file: every line is written back with one more column, the predicted
///        tag in IOB1 (or BIO when the file's last column uses `B-` at chunk starts), one
///        blank line after each sentence; `-DOCSTART-` lines get the column `O` (as conlleval
///        expects). The sentences between two `-DOCSTART-` lines are tagged as one document
///        (NerModel::tag_document()).
int run_ner_conll(const std::filesystem::path& model,
                  const std::filesystem::path& conll,
                  std::ostream& out);

/// @brief What `herald-ner clusters` was asked to do.
struct NerClustersRequest {
    std::filesystem::path embeddings;                   ///< GloVe text file
    std::filesystem::path out;                          ///< cluster table to write
    std::vector<std::size_t> levels = {64, 256, 1024};  ///< k of each level
    int iterations = 12;                                ///< k-means iterations per level
    std::uint64_t seed = 1;                             ///< k-means++ seeding
    std::size_t limit = 0;                              ///< first words only (0: all)
};

/// @brief Clusters word vectors (cluster_words()) and writes the table, printing progress.
int run_ner_clusters(const NerClustersRequest& request, std::ostream& out);

/// @brief Tags plain UTF-8 text (paragraphs separated by blank lines) and prints
///        `{"entities": [{"type", "canonical", "text", "begin", "end", "paragraph"}, ...]}`
///        (paragraph numbered from 1, as in search hits), with `begin`/`end` UTF-8 byte offsets
///        into the whole input, names canonicalized over the whole input as one article.
int run_ner_text(const std::filesystem::path& model, std::istream& in, std::ostream& out);

}  // namespace herald
