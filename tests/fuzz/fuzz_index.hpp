// The fixture index of the fuzz targets that search: tests/data/articles.jsonl and
// reuters-mini.sgm, indexed once per process into a temporary folder (removed at exit).
#pragma once

#include <herald/index/index_job.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "support.hpp"

namespace herald::fuzz {

/// @brief The index folder, built on first use with run_index_job (one thread, entities from
///        the shipped NER model, malformed records skipped). Aborts when indexing fails: a
///        fuzz target without its index would only report false crashes.
inline const std::filesystem::path& fixture_index() {
    static test::TempDir tmp;
    static const std::filesystem::path dir = [] {
        IndexJobOptions options;
        options.index_dir = tmp / "idx";
        options.inputs = {test::data_dir() / "articles.jsonl",
                          test::data_dir() / "reuters-mini.sgm"};
        options.quiet = true;
        options.skip_errors = true;
        options.threads = 1;
        std::ostringstream out, err;
        if (run_index_job(options, out, err) != kExitOk) {
            std::fprintf(stderr, "fuzz fixture: indexing failed: %s\n", err.str().c_str());
            std::abort();
        }
        return options.index_dir;
    }();
    return dir;
}

}  // namespace herald::fuzz
