// Herald's driver for bench/compare, with the same command shape as the peers' drivers:
//   herald_peer_herald index --articles FILE.jsonl --dir DIR [--no-entities] [--threads N]
//   herald_peer_herald query --dir DIR --set titles|aol --queries FILE [--passes 3]
//   herald_peer_herald query --dir DIR --set known --queries FILE.tsv [--within article|paragraph]
//                            [--collapse] [--passes 3]
// Index: herald::run_index_job with --rebuild, exactly what `herald-index --rebuild` does.
// Query: in-process herald::Searcher, top 10 with snippets (200 bytes, <mark>), as the API.
// What the queries mean:
//   - titles: the line as typed; Herald's default operator AND, so every word is required.
//   - aol: the Lucene-syntax text as given, with default operator OR: `a b` is a union,
//     `+a +b` an intersection, `+a b` requires a and ranks b, `"a b"` a phrase.
//   Both stem with English Snowball (all words, STEM_ALL) and rank by BM25.
//   - known (bench/known_set.hpp): both words required, article ids only (no snippets), in
//     story mode (--within article, the default) or paragraph mode (--within paragraph; with
//     --collapse the best paragraph per article), as herald_bench_known_items eval runs them.
#include <herald/index/index_job.hpp>
#include <herald/searcher/searcher.hpp>

#include <CLI/CLI.hpp>

#include <iostream>
#include <sstream>

#include "bench_util.hpp"
#include "known_herald.hpp"

namespace fs = std::filesystem;
using herald::bench::Clock;

namespace {

int run_index(const fs::path& articles, const fs::path& dir, bool entities, unsigned threads) {
    herald::IndexJobOptions options;
    options.index_dir = dir;
    options.inputs = {articles};
    options.rebuild = true;
    options.grace_seconds =
        0;  // no reader to wait for: a rebuild over an old index removes it at once
    options.quiet = true;
    options.threads = threads;
    options.entities = entities;
    std::ostringstream out, err;
    const auto t0 = Clock::now();
    const int rc = herald::run_index_job(options, out, err);
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    if (rc != 0) {
        std::cerr << err.str();
        return 1;
    }
    herald::Searcher searcher(dir);
    std::cout << nlohmann::json{{"engine", entities ? "herald" : "herald (no entities)"},
                                {"documents", searcher.database().get_doccount()},
                                {"index_seconds", seconds},
                                {"index_bytes", herald::bench::path_bytes(dir)}}
                     .dump()
              << "\n";
    return 0;
}

int run_known(const fs::path& dir,
              const fs::path& queries_file,
              const herald::bench::KnownHeraldOptions& options,
              int passes) {
    const auto items = herald::bench::read_known_items(queries_file);
    herald::Searcher searcher(dir);
    nlohmann::json out = herald::bench::time_known_set(
        "herald", herald::bench::known_mode(options), items, passes,
        [&](const herald::bench::KnownItem& item) {
            return herald::bench::herald_known_articles(searcher, options, item.query);
        });
    out["within"] = herald::to_string(options.within);
    out["collapse"] = options.collapse;
    std::cout << out.dump() << "\n";
    return 0;
}

int run_queries(const fs::path& dir,
                const std::string& set,
                const fs::path& queries_file,
                const herald::bench::KnownHeraldOptions& options,
                int passes) {
    const auto queries = herald::bench::read_query_set(queries_file, set);
    herald::Searcher searcher(dir);
    const nlohmann::json out =
        herald::bench::time_query_set("herald", set, queries, passes, [&](const auto& q) {
            herald::SearchRequest request;
            request.query = q.text;
            request.limit = 10;
            request.within = options.within;
            request.collapse = options.collapse;
            request.passage_weight = options.passage_weight;
            if (set == "aol") request.default_operator = herald::DefaultOperator::any_word;
            return searcher.search(request).hits.size();
        });
    nlohmann::json line = out;
    line["within"] = herald::to_string(options.within);
    line["collapse"] = options.collapse;
    std::cout << line.dump() << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "Herald's driver for bench/compare: build an index, or time a query set in-process."};
    app.require_subcommand(1);
    fs::path articles, dir, queries;
    bool no_entities = false;
    unsigned threads = 0;
    std::string set = "titles", within = "article";
    bool collapse = false;
    int passes = 3;
    auto* index =
        app.add_subcommand("index", "rebuild DIR from a JSON Lines file; print seconds and bytes");
    index
        ->add_option("--articles", articles, "JSON Lines articles (herald_bench_corpus --articles)")
        ->required();
    index->add_option("--dir", dir, "index folder")->required();
    index->add_flag("--no-entities", no_entities, "skip entity extraction");
    index->add_option("--threads", threads, "indexing threads (default: cores)");
    auto* query = app.add_subcommand("query", "time a query set: top 10 with snippets");
    query->add_option("--dir", dir, "index folder")->required();
    query
        ->add_option("--set", set,
                     "titles (AND), aol (Lucene syntax) or known (herald_bench_known_items make)")
        ->check(CLI::IsMember({"titles", "aol", "known"}));
    query->add_option("--within", within, "article (stories, the default) or paragraph")
        ->check(CLI::IsMember({"article", "paragraph"}));
    query->add_flag("--collapse", collapse, "paragraph mode: best paragraph per article");
    double passage_weight = herald::SearchRequest::kDefaultPassageWeight;
    query->add_option("--passage-weight", passage_weight,
                      "story ranking: weight of the best paragraph");
    query->add_option("--queries", queries, "the query file")->required();
    query->add_option("--passes", passes, "passes; the first warms the cache and is not reported")
        ->check(CLI::Range(1, 100));
    CLI11_PARSE(app, argc, argv);
    try {
        if (index->parsed()) return run_index(articles, dir, !no_entities, threads);
        herald::bench::KnownHeraldOptions options;
        options.within = herald::parse_search_unit(within);
        options.collapse = collapse;
        options.passage_weight = passage_weight;
        if (set == "known") return run_known(dir, queries, options, passes);
        return run_queries(dir, set, queries, options, passes);
    } catch (const std::exception& e) {
        std::cerr << "herald_peer_herald: " << e.what() << "\n";
        return 1;
    }
}
