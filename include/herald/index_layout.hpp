// The folder layout of an index, which makes a rebuild an atomic switch.
//
//   DIR/XAPIANDB        a Xapian stub database file: "auto gen-000007", naming the live generation
//   DIR/gen-000007/     the live Xapian (glass) database
//   DIR/gen-000006/     a retired generation, removed after a grace period
//   DIR/build-PID/      work space of a rebuild in progress (removed by the next writer if left)
//
// Xapian opens DIR through the stub, for reading and for writing (its lock lives in the
// generation). A rebuild writes a new generation beside the live one, then replaces the
// stub with rename(2), so every reader sees either the old or the new index, never a mix.
// Xapian's Database::reopen() does not re-read a stub: readers compare stub_text() (see
// Searcher::reopen()). Older indexes that are a plain glass folder still open and update.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

namespace herald {

/// Name of the stub file inside an index folder.
inline constexpr const char* kStubFile = "XAPIANDB";

/// @brief The stub's content, or "" when @p dir has no stub (a plain or missing index).
/// @throws nothing. Thread-safe.
std::string stub_text(const std::filesystem::path& dir);

/// @brief Whether @p dir is an index with a stub (generations).
bool has_generations(const std::filesystem::path& dir);

/// @brief Creates @p dir (and parents) as an index with one empty generation, if it does not
///        exist or is an empty folder; does nothing for an existing index.
/// @throws std::runtime_error when the folder cannot be created or written.
void create_index_folder(const std::filesystem::path& dir);

/// @brief The path of a new generation folder (not created): one number above every
///        existing generation of @p dir.
std::filesystem::path next_generation(const std::filesystem::path& dir);

/// @brief Makes @p generation (a folder inside @p dir holding a complete database) the live
///        index: writes the stub to a temporary file, flushes it, and renames it over the old
///        stub (atomic on POSIX file systems). The previous generation is marked retired.
/// @throws std::runtime_error when the stub cannot be written; the old stub then stays live.
void switch_generation(const std::filesystem::path& dir, const std::filesystem::path& generation);

/// @brief Removes generations retired at least @p grace ago, other than the live one, and
///        leftover `build-*` folders. Call with the index's write lock held.
/// @return the number of folders removed.
std::size_t remove_retired(const std::filesystem::path& dir, std::chrono::seconds grace);

}  // namespace herald
