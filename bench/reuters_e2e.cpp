// Indexes all of Reuters-21578 and runs the 1,000 Reuters title queries (top 10 with
// snippets) in-process, printing index time and query latency percentiles.
// Usage: herald_bench_reuters [--corpus ../shared/corpus] [--index DIR] [--threads N] [--passes N]
//                             [--no-entities]
#include <herald/index/index_job.hpp>
#include <herald/searcher/searcher.hpp>

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <numeric>
#include <sstream>
#include <thread>

#include "bench_util.hpp"

namespace fs = std::filesystem;
using herald::bench::Clock;
using herald::bench::percentile;

int main(int argc, char** argv) {
    fs::path corpus = "../shared/corpus";
    fs::path index_dir;
    unsigned threads = 0;
    int passes = 3;
    bool no_entities = false;
    CLI::App app{"Index Reuters-21578, then time the 1,000 title queries (top 10 with snippets)."};
    app.add_option("--corpus", corpus, "the shared corpus folder");
    app.add_option("--index", index_dir,
                   "index folder to (re)build (default: a temporary folder, removed)");
    app.add_option("--threads", threads, "indexing threads (default: cores)");
    app.add_option("--passes", passes,
                   "query passes; the first warms the cache, the others are reported");
    app.add_flag("--no-entities", no_entities, "index without entity extraction");
    CLI11_PARSE(app, argc, argv);

    bool remove_index = false;
    if (index_dir.empty()) {
        index_dir = fs::temp_directory_path() / ("herald-bench-" + std::to_string(getpid()));
        remove_index = true;
    }

    herald::IndexJobOptions options;
    options.index_dir = index_dir;
    options.inputs = {corpus / "reuters21578"};
    options.rebuild = true;
    options.quiet = true;
    options.threads = threads;
    options.entities = !no_entities;
    std::ostringstream out, err;
    const auto t0 = Clock::now();
    const int rc = herald::run_index_job(options, out, err);
    const double index_s = std::chrono::duration<double>(Clock::now() - t0).count();
    if (rc != 0) {
        std::cerr << err.str();
        return 1;
    }

    std::vector<std::string> queries;
    {
        std::ifstream in(corpus / "queries" / "reuters-titles-1000.txt");
        std::string line;
        while (std::getline(in, line)) {
            if (!line.empty()) queries.push_back(line);
        }
    }
    herald::Searcher searcher(index_dir);
    std::vector<double> latencies;
    std::size_t hits = 0, failed = 0;
    for (int pass = 0; pass < passes; ++pass) {
        for (const auto& q : queries) {
            herald::SearchRequest request;
            request.query = q;
            request.limit = 10;
            const auto q0 = Clock::now();
            try {
                herald::SearchResult r = searcher.search(request);
                if (pass == passes - 1) hits += r.hits.size();
            } catch (const std::exception&) {
                ++failed;
            }
            const double ms = std::chrono::duration<double, std::milli>(Clock::now() - q0).count();
            if (pass > 0 || passes == 1) latencies.push_back(ms);
        }
    }
    const double mean =
        latencies.empty()
            ? 0
            : std::accumulate(latencies.begin(), latencies.end(), 0.0) / latencies.size();

    std::printf("corpus:            %s\n", (corpus / "reuters21578").c_str());
    std::printf("index:             %s", out.str().c_str());
    std::printf("index wall time:   %.2f s (threads %u)\n", index_s,
                threads ? threads : std::thread::hardware_concurrency());
    std::printf("index size:        %.1f MB\n",
                static_cast<double>(herald::bench::path_bytes(index_dir)) / 1e6);
    std::printf(
        "queries:           %zu x %d passes (first pass warms, not reported), top 10 with "
        "snippets\n",
        queries.size(), passes);
    std::printf("hits (last pass):  %zu, failed queries: %zu\n", hits, failed);
    std::printf("latency ms:        mean %.3f  p50 %.3f  p90 %.3f  p99 %.3f  max %.3f\n", mean,
                percentile(latencies, 50), percentile(latencies, 90), percentile(latencies, 99),
                percentile(latencies, 100));
    if (remove_index) fs::remove_all(index_dir);
    return 0;
}
