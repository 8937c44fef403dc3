// The folder layout of an index, which makes a rebuild an atomic switch. This header is the
// reading side, used by readers and writers alike; creating and switching generations is in
// herald/index/generations.hpp.
//
//   DIR/XAPIANDB        a Xapian stub database file: "auto gen-000007", naming the live generation
//   DIR/gen-000007/     the live Xapian (glass) database
//   DIR/gen-000006/     a retired generation, removed after a grace period
//   DIR/build-PID/      work space of a rebuild in progress (removed by the next writer if left)
//
// Xapian opens DIR through the stub, for reading and for writing (its lock lives in the
// generation). A rebuild writes a new generation beside the live one, then replaces the
// stub with rename(2), so every reader sees either the old or the new index, never a mix.
// Xapian's Database::reopen() does not re-read a stub: readers compare index_identity() (see
// Searcher::reopen()). Older indexes that are a plain glass folder still open and update.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace herald {

/// Name of the stub file inside an index folder.
inline constexpr const char* kStubFile = "XAPIANDB";

/// @brief The stub's content, or "" when @p dir has no stub (a plain or missing index).
/// @throws nothing. Thread-safe.
std::string stub_text(const std::filesystem::path& dir);

/// @brief Whether @p dir is an index with a stub (generations).
bool has_generations(const std::filesystem::path& dir);

/// Prefix of a generation folder's name: `gen-` and six digits.
inline constexpr const char* kGenerationPrefix = "gen-";
/// Prefix of a rebuild's work folder inside the index folder: `build-` and the writer's PID.
inline constexpr const char* kBuildPrefix = "build-";
/// File inside a generation folder that marks it retired; its mtime is the retirement time.
inline constexpr const char* kRetiredMarker = "herald-retired";

/// @brief The number of a generation folder name ("gen-000007" → 7), or -1 for any other name.
long generation_number(const std::string& name);

/// @brief The folder name of the live generation ("gen-000007") as the stub names it, or ""
///        when @p dir has no stub. Thread-safe.
std::string live_generation(const std::filesystem::path& dir);

/// @brief What a reader has open: the index folder itself (device, inode) and the stub's
///        content. A rebuild of a stub index changes the stub; a rebuild of an older plain
///        index renames a new folder into place (a new inode); a commit changes neither, so
///        Xapian's own Database::reopen() suffices.
struct IndexIdentity {
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::string stub;
    bool operator==(const IndexIdentity& o) const {
        return device == o.device && inode == o.inode && stub == o.stub;
    }
    bool operator!=(const IndexIdentity& o) const { return !(*this == o); }
};

/// @brief The identity of the index at @p dir; std::nullopt when @p dir does not exist.
/// @throws nothing. Thread-safe.
std::optional<IndexIdentity> index_identity(const std::filesystem::path& dir);

/// @brief Paragraph documents of @p db: all its documents but the story documents
///        (schema::kStoryDocument).
/// @throws Xapian::Error when the database cannot be read.
Xapian::doccount paragraph_count(const Xapian::Database& db);

/// @brief Whether @p db holds story documents (an index written with schema version 2 or
///        later). Without them a story search falls back to paragraphs collapsed by article.
/// @throws Xapian::Error when the database cannot be read.
bool has_story_documents(const Xapian::Database& db);

/// @brief The prefix of the words of @p db's story documents: schema::kStoryWord for an index
///        of schema 3 or later, "" for one of schema 2 (story words unprefixed, as in
///        paragraphs) or without story documents.
/// @throws Xapian::Error when the database cannot be read.
std::string story_word_prefix(const Xapian::Database& db);

}  // namespace herald
