// The work of `herald-index`, as a library call so tests can run it in-process.
#pragma once

#include <herald/ingest/readers.hpp>

#include <filesystem>
#include <optional>
#include <ostream>
#include <vector>

namespace herald {

struct IndexJobOptions {
    std::filesystem::path index_dir;
    std::vector<std::filesystem::path> inputs;
    std::optional<InputFormat> format;  ///< std::nullopt: by file extension
    bool rebuild = false;               ///< start from an empty index
    bool prune = false;  ///< delete indexed articles absent from the input (full snapshot)
    /// After a rebuild switches generations, the old one is removed this many seconds later,
    /// so searches running on it finish (see index_layout.hpp).
    unsigned grace_seconds = 10;
    bool skip_errors = false;         ///< exit 0 even when records were skipped
    bool quiet = false;               ///< no progress output
    unsigned threads = 0;             ///< analysis threads; 0 = number of cores
    bool entities = true;             ///< extract entities with the NER model
    std::filesystem::path ner_model;  ///< empty: default_ner_model()
    /// A user alias file (AliasTable format), loaded after the shipped table; empty: none.
    std::filesystem::path aliases;
};

/// Exit codes of herald-index.
enum IndexExit : int { kExitOk = 0, kExitSkipped = 1, kExitUsage = 2, kExitLocked = 3 };

/// @brief Reads every input and writes it into the index, then commits.
///        Malformed records are reported on @p err as `file:line: message`,
///        skipped and counted. On a terminal (@p err is std::cerr and stderr is a
///        TTY) a progress line with counts and rate is redrawn about twice a second.
///        One summary line goes to @p out at the end.
/// @return an IndexExit code. Never throws for I/O, lock or input errors (they are
///         reported on @p err and turned into the exit code).
int run_index_job(const IndexJobOptions& options, std::ostream& out, std::ostream& err);

}  // namespace herald
