// Google Benchmark micro-benchmarks on real Reuters-21578 text (reut2-000.sgm):
// tokenizing + stemming, paragraph analysis into a Xapian document, snippets, query
// parsing and facet counting. Inputs are fixed; no randomness. Entity tagging speed is
// herald_ner_bench.
#include <herald/index/document.hpp>
#include <herald/index/index_job.hpp>
#include <herald/ingest/readers.hpp>
#include <herald/ner/tokenizer.hpp>
#include <herald/searcher/query.hpp>
#include <herald/searcher/searcher.hpp>
#include <herald/searcher/snippet.hpp>

#include <benchmark/benchmark.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace {

const std::vector<herald::Article>& articles() {
    static const std::vector<herald::Article> all = [] {
        std::vector<herald::Article> out;
        std::ifstream in(std::string(HERALD_SHARED_CORPUS_DIR) + "/reuters21578/reut2-000.sgm",
                         std::ios::binary);
        if (!in) throw std::runtime_error("needs ../shared/corpus/reuters21578/reut2-000.sgm");
        herald::read_reuters(
            in, "reut2-000.sgm", [&](herald::Article&& a) { out.push_back(std::move(a)); },
            [](const herald::ReadError&) {});
        return out;
    }();
    return all;
}

const std::vector<std::string>& queries() {
    static const std::vector<std::string> all = [] {
        std::vector<std::string> out;
        std::ifstream in(std::string(HERALD_SHARED_CORPUS_DIR) +
                         "/queries/reuters-titles-1000.txt");
        std::string line;
        while (std::getline(in, line)) out.push_back(line);
        return out;
    }();
    return all;
}

// Words per second through the tokenizer and the term of each word (normalization,
// lower-casing, English Snowball stem with Herald's stem cache).
void BM_TokenizeStem(benchmark::State& state) {
    const Xapian::Stem stemmer = herald::make_stemmer("en");
    std::size_t words = 0;
    for (auto _ : state) {
        for (const auto& a : articles()) {
            for (const auto& p : a.paragraphs) {
                for (const auto& token : herald::tokenize(p)) {
                    std::string term = herald::word_term(token.text, stemmer);
                    benchmark::DoNotOptimize(term);
                    ++words;
                }
            }
        }
    }
    state.SetItemsProcessed(static_cast<int64_t>(words));
}
BENCHMARK(BM_TokenizeStem)->Unit(benchmark::kMillisecond);

void BM_AnalyzeParagraphs(benchmark::State& state) {
    herald::DocumentBuilder builder;
    std::size_t bytes = 0;
    for (auto _ : state) {
        for (const auto& a : articles()) {
            for (std::size_t p = 0; p < a.paragraphs.size(); ++p) {
                Xapian::Document doc = builder.paragraph_document(a, p);
                benchmark::DoNotOptimize(doc);
                bytes += a.paragraphs[p].size();
            }
        }
    }
    state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_AnalyzeParagraphs)->Unit(benchmark::kMillisecond);

void BM_Snippet(benchmark::State& state) {
    herald::Highlighter highlighter({"price", "oil", "cocoa", "bank"}, {},
                                    herald::make_stemmer("en"));
    std::size_t n = 0;
    for (auto _ : state) {
        for (const auto& a : articles()) {
            for (const auto& p : a.paragraphs) {
                std::string s = highlighter.snippet(p);
                benchmark::DoNotOptimize(s);
                ++n;
            }
        }
    }
    state.SetItemsProcessed(static_cast<int64_t>(n));
}
BENCHMARK(BM_Snippet)->Unit(benchmark::kMillisecond);

void BM_ParseQuery(benchmark::State& state) {
    herald::QueryBuilder builder;
    std::size_t n = 0;
    for (auto _ : state) {
        for (const auto& q : queries()) {
            Xapian::Query parsed = builder.parse(q);
            benchmark::DoNotOptimize(parsed);
            ++n;
        }
    }
    state.SetItemsProcessed(static_cast<int64_t>(n));
}
BENCHMARK(BM_ParseQuery)->Unit(benchmark::kMillisecond);

// Facet counting over a whole match set: reut2-000.sgm indexed with entities into a
// temporary folder, then the broad query "said" (most paragraphs of a news wire) with the
// person, place and org facets and no hits, so the time is the match set's walk and counts.
// Items are matching paragraphs counted.
void BM_FacetCount(benchmark::State& state) {
    const auto dir =
        std::filesystem::temp_directory_path() / ("herald-microbench-" + std::to_string(getpid()));
    herald::IndexJobOptions options;
    options.index_dir = dir;
    options.inputs = {std::string(HERALD_SHARED_CORPUS_DIR) + "/reuters21578/reut2-000.sgm"};
    options.rebuild = true;
    options.quiet = true;
    std::ostringstream out, err;
    if (herald::run_index_job(options, out, err) != 0) {
        state.SkipWithError(err.str().c_str());
        return;
    }
    {
        herald::Searcher searcher(dir);
        herald::SearchRequest request;
        request.query = "said";
        request.limit = 0;
        request.facets = {"person", "place", "org"};
        std::size_t counted = 0;
        for (auto _ : state) {
            herald::SearchResult r = searcher.search(request);
            benchmark::DoNotOptimize(r);
            counted += r.estimate;
        }
        state.SetItemsProcessed(static_cast<int64_t>(counted));
    }
    std::filesystem::remove_all(dir);
}
BENCHMARK(BM_FacetCount)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
