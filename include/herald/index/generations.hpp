// Writing side of the index folder layout (herald/text/index_layout.hpp): creating an index
// folder, adding a generation, switching the stub to it and removing retired generations.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string_view>

namespace herald {

/// @brief For tests only (bench/kill9.sh): a named point of an index run, where a test can
///        stop herald-index to kill it there. Does nothing unless the environment says:
///        - `HERALD_TEST_PAUSE_AT=POINT`: at @p point equal to POINT, writes
///          `herald-index: paused at POINT` and a newline to stderr, then waits until the
///          process is killed (it never returns);
///        - `HERALD_TEST_TRACE=1`: writes `herald-index: at POINT` to stderr at every point.
///        Points: `compact:TABLE` as the compactor starts each table of the new generation
///        (postlist, docdata, termlist, position, spelling, synonym); `switch:written` (the new
///        stub is written and flushed, not yet renamed), `switch:renamed` (renamed: the new
///        generation is live; the old one not yet marked retired), `switch:retired`;
///        `rebuild:grace` (before the grace period); `commit:N` and `commit:N:done` around
///        the N-th commit of an incremental run. Never set these in production.
/// Thread-safe.
void test_point(std::string_view point);

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
