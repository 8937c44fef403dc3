// Google Benchmark micro-benchmarks on real Reuters-21578 text (reut2-000.sgm):
// paragraph analysis (tokenizing + stemming into a Xapian document), snippets,
// and query parsing. Inputs are fixed; no randomness.
#include <herald/analyzer.hpp>
#include <herald/query.hpp>
#include <herald/readers.hpp>
#include <herald/snippet.hpp>

#include <benchmark/benchmark.h>

#include <fstream>
#include <stdexcept>

namespace {

const std::vector<herald::Article>& articles() {
    static const std::vector<herald::Article> all = [] {
        std::vector<herald::Article> out;
        std::ifstream in(std::string(HERALD_SHARED_CORPUS_DIR) + "/reuters21578/reut2-000.sgm", std::ios::binary);
        if (!in) throw std::runtime_error("needs ../shared/corpus/reuters21578/reut2-000.sgm");
        herald::read_reuters(in, "reut2-000.sgm", [&](herald::Article&& a) { out.push_back(std::move(a)); },
                             [](const herald::ReadError&) {});
        return out;
    }();
    return all;
}

const std::vector<std::string>& queries() {
    static const std::vector<std::string> all = [] {
        std::vector<std::string> out;
        std::ifstream in(std::string(HERALD_SHARED_CORPUS_DIR) + "/queries/reuters-titles-1000.txt");
        std::string line;
        while (std::getline(in, line)) out.push_back(line);
        return out;
    }();
    return all;
}

void BM_AnalyzeParagraphs(benchmark::State& state) {
    herald::Analyzer analyzer;
    std::size_t bytes = 0;
    for (auto _ : state) {
        for (const auto& a : articles()) {
            for (std::size_t p = 0; p < a.paragraphs.size(); ++p) {
                Xapian::Document doc = analyzer.paragraph_document(a, p);
                benchmark::DoNotOptimize(doc);
                bytes += a.paragraphs[p].size();
            }
        }
    }
    state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_AnalyzeParagraphs)->Unit(benchmark::kMillisecond);

void BM_Snippet(benchmark::State& state) {
    herald::Highlighter highlighter({"price", "oil", "cocoa", "bank"}, {}, herald::make_stemmer("en"));
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

}  // namespace

BENCHMARK_MAIN();
