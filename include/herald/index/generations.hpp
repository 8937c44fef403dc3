// Writing side of the index folder layout (herald/text/index_layout.hpp): creating an index
// folder, adding a generation, switching the stub to it and removing retired generations.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>

namespace herald {

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
