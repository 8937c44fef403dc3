// Writes articles into a Herald index (a Xapian glass database), one document per paragraph.
#pragma once

#include <herald/index/document.hpp>
#include <herald/ner/entities.hpp>
#include <herald/text/article.hpp>

#include <xapian.h>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <unordered_map>
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
    std::size_t max_documents = 5000;  ///< paragraphs per commit (measured fastest on Reuters)
    std::size_t max_bytes = 64u * 1024 * 1024;  ///< paragraph text bytes per commit
};

/// What a writer did, in articles and paragraphs.
struct WriteCounts {
    std::size_t articles_added = 0;     ///< ids not in the index before
    std::size_t articles_replaced = 0;  ///< ids already in the index, replaced as a whole
    std::size_t articles_unchanged =
        0;  ///< ids already in the index with the same fingerprint: skipped
    std::size_t articles_deleted = 0;  ///< removed by prune()
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
    /// @param overwrite true: start from an empty index (all old documents dropped at the first
    /// commit).
    /// @throws IndexLockedError when another writer holds the lock.
    /// @throws IndexError when @p dir cannot be created, is not a Xapian database, or
    ///         cannot be written (e.g. a read-only folder).
    /// @param extractor finds the entities of each paragraph (see paragraph_entities());
    ///        nullptr: only the articles' given entities. Not owned; must outlive the writer.
    /// @param analysis identifies the analysis (schema version, entity model) for
    ///        fingerprints: an article indexed with another analysis is re-indexed.
    /// @param story_dir with @p overwrite, not empty: story documents are written to a database
    ///        of their own there (created or overwritten), so that compacting the paragraph
    ///        databases and then the story databases gives every story document a docid after
    ///        every paragraph's. Story searches then walk postings, document lengths and values
    ///        of one dense docid range (fewer blocks read: bench/README.md "What story search
    ///        costs"). Empty: story documents go to @p dir with their paragraphs.
    IndexWriter(const std::filesystem::path& dir,
                bool overwrite,
                CommitPolicy policy = {},
                const EntityExtractor* extractor = nullptr,
                std::string analysis = {},
                const std::filesystem::path& story_dir = {});

    /// @brief Adds (or replaces) every paragraph of @p article, committing when the
    ///        policy's bounds are reached. An article already indexed with the same
    ///        fingerprint (article_fingerprint()) is left as it is and counted unchanged.
    /// @throws IndexError on a Xapian error.
    void add(const Article& article);

    /// @brief Deletes every article whose id is not in @p keep_ids (for a full-snapshot input).
    /// @return the number of articles deleted (also added to counts().articles_deleted).
    /// @throws IndexError on a Xapian error.
    std::size_t prune(const std::unordered_set<std::string>& keep_ids);

    /// @brief Makes all changes durable and visible to readers.
    /// @throws IndexError on a Xapian error.
    void commit();

    /// @brief For tests only: names this writer's commits as test points (test_point() in
    ///        generations.hpp): `PREFIX:N` before the N-th commit, `PREFIX:N:done` after it.
    void set_test_points(std::string prefix) { test_points_ = std::move(prefix); }

    /// @brief Recomputes the collection's entity resolution from the whole index
    ///        (store_entity_resolution()) and commits it.
    /// @param aliases (alias term, canonical term) pairs of the alias tables.
    /// @throws IndexError on a Xapian error.
    void resolve_entities(const std::vector<std::pair<std::string, std::string>>& aliases);

    /// @brief Number of paragraph documents in the index, pending changes included.
    Xapian::doccount document_count() const;

    const WriteCounts& counts() const { return counts_; }

    /// @brief The alias table for the entities of the articles added from now on (none when
    ///        nullptr; see paragraph_entities()). Not owned; must outlive the writer.
    void set_aliases(const AliasTable* aliases) { aliases_ = aliases; }

   private:
    void write(const Article& article, std::vector<Xapian::Document> documents);

    Xapian::WritableDatabase db_;
    std::optional<Xapian::WritableDatabase> stories_;  // story documents, when split off
    DocumentBuilder builder_;
    CommitPolicy policy_;
    const EntityExtractor* extractor_;
    const AliasTable* aliases_ = nullptr;
    std::string analysis_;
    WriteCounts counts_;
    bool started_empty_ = false;
    std::unordered_set<std::string> seen_;  // article ids written by this writer
    std::unordered_map<std::string, std::string>
        displays_;  // entity term → display form, until commit
    std::size_t pending_documents_ = 0;
    std::size_t pending_bytes_ = 0;
    std::string test_points_;  // set_test_points()
    std::size_t commits_ = 0;
};

}  // namespace herald
