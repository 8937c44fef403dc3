// Writes articles into a Herald index (a Xapian glass database), one document per paragraph.
#pragma once

#include <herald/analyzer.hpp>
#include <herald/article.hpp>

#include <xapian.h>

#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <unordered_set>

namespace herald {

/// Thrown when another writer holds the index's Xapian lock.
class IndexLockedError : public std::runtime_error {
   public:
    using std::runtime_error::runtime_error;
};

/// Thrown when the index cannot be opened, created or written (wraps Xapian::Error).
class IndexError : public std::runtime_error {
   public:
    using std::runtime_error::runtime_error;
};

/// When to commit: whichever bound is reached first.
struct CommitPolicy {
    std::size_t max_documents = 5000;           ///< paragraphs per commit (measured fastest on Reuters)
    std::size_t max_bytes = 64u * 1024 * 1024;  ///< paragraph text bytes per commit
};

/// What a writer did, in articles and paragraphs.
struct WriteCounts {
    std::size_t articles_added = 0;     ///< ids not in the index before
    std::size_t articles_replaced = 0;  ///< ids already in the index, replaced as a whole
    std::size_t paragraphs_written = 0;
    std::size_t paragraphs_deleted = 0;  ///< stale paragraphs of replaced articles
};

/// @brief The single writer of an index. Holds Xapian's write lock from
///        construction to destruction; the destructor commits what is pending
///        (Xapian's own behaviour) and releases the lock, on error paths too.
///
/// Re-adding an article id replaces every paragraph of the old version: paragraphs
/// are replaced by their unique-id term (schema::unique_term) and the old
/// version's extra paragraphs are deleted, so there are never two copies and
/// never a stale paragraph. Changes become visible to readers after commit().
/// Not thread-safe.
class IndexWriter {
   public:
    /// @param dir the index folder; created (with parents) when missing.
    /// @param overwrite true: start from an empty index (all old documents dropped at the first commit).
    /// @throws IndexLockedError when another writer holds the lock.
    /// @throws IndexError when @p dir cannot be created, is not a Xapian database, or
    ///         cannot be written (e.g. a read-only folder).
    IndexWriter(const std::filesystem::path& dir, bool overwrite, CommitPolicy policy = {});

    /// @brief Adds (or replaces) every paragraph of @p article, committing when the
    ///        policy's bounds are reached.
    /// @throws IndexError on a Xapian error.
    void add(const Article& article);

    /// @brief Adds documents built elsewhere (e.g. by Analyzer on other threads) for
    ///        @p article; @p documents[i] must be paragraph i. Same semantics as add().
    void add(const Article& article, std::vector<Xapian::Document> documents);

    /// @brief Makes all changes durable and visible to readers.
    /// @throws IndexError on a Xapian error.
    void commit();

    /// @brief Number of paragraph documents in the index, pending changes included.
    Xapian::doccount document_count() const;

    const WriteCounts& counts() const { return counts_; }

   private:
    Xapian::WritableDatabase db_;
    Analyzer analyzer_;
    CommitPolicy policy_;
    WriteCounts counts_;
    bool started_empty_ = false;
    std::unordered_set<std::string> seen_;  // article ids written by this writer
    std::size_t pending_documents_ = 0;
    std::size_t pending_bytes_ = 0;
};

}  // namespace herald
