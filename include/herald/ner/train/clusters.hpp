// Word clusters for the tagger: k-means over word vectors, and the cluster table file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

namespace herald {

/// @brief Word vectors as read from a GloVe text file (`word v1 … vd` a line).
struct Embeddings {
    std::vector<std::string> words;
    std::size_t dimensions = 0;
    std::vector<float> vectors;  ///< words.size() × dimensions, row-major
};

/// @brief Reads a GloVe text file. Lines whose vector has another length than the first
///        line's are an error.
/// @param limit read at most this many words (0: all).
/// @throws std::runtime_error when the file cannot be read or a line is malformed.
Embeddings read_embeddings(const std::filesystem::path& file, std::size_t limit = 0);

/// @brief Words and their cluster at each level (the levels' cluster counts in `levels`).
struct ClusterTable {
    std::vector<std::size_t> levels;              ///< cluster count of each level
    std::vector<std::string> words;               ///< as in the embeddings (lower case)
    std::vector<std::vector<std::uint16_t>> ids;  ///< per word, its cluster (0-based) per level
};

/// @brief Spherical k-means (vectors scaled to unit length, cosine similarity; centroids
///        re-normalized), seeded by k-means++ (Arthur & Vassilvitskii 2007), for each count
///        of @p levels independently: words close in the vector space share a cluster, a
///        stand-in for the Brown clusters of Ratinov & Roth 2009 (Turian et al. 2010 compare
///        both). Deterministic for a given @p seed. Cost: iterations × words × k × dimensions
///        multiply-adds per level, single-threaded (GloVe 100k × 100 d at k = 1024, 12
///        iterations: about a minute).
/// @param levels cluster counts, each in [2, 65535] and at most the number of words.
/// @throws std::invalid_argument for a bad level or empty embeddings.
ClusterTable cluster_words(const Embeddings& embeddings,
                           const std::vector<std::size_t>& levels,
                           int iterations,
                           std::uint64_t seed,
                           std::ostream* log = nullptr);

/// @brief Writes a table: a first line `# clusters K1 K2 …`, then `word<TAB>id1<TAB>id2…`.
/// @throws std::runtime_error when the file cannot be written.
void write_cluster_table(const ClusterTable& table, const std::filesystem::path& file);

/// @brief Reads a table written by write_cluster_table().
/// @throws std::runtime_error naming the file and line when it cannot be read, lacks the
///         header, or holds a line with another number of ids or an id out of its level's range.
ClusterTable read_cluster_table(const std::filesystem::path& file);

}  // namespace herald
