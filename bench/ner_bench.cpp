// Google Benchmark of the named-entity recognizer on CoNLL-2003 eng.testa (fixed input,
// one thread): tagging pre-tokenized sentences, and extracting entities from raw text
// (tokenizing, sentence splitting, tagging, trimming), and tagging whole documents (the
// -DOCSTART- runs, both passes as herald-index runs them). Reports tokens per second.
// HERALD_NER_MODEL=FILE benchmarks another model than the shipped one.
#include <herald/ner/entities.hpp>
#include <herald/ner/model.hpp>
#include <herald/ner/train/corpora.hpp>

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace {

const std::vector<herald::LabeledSentence>& sentences() {
    static const auto all =
        herald::read_conll(std::string(HERALD_SHARED_CORPUS_DIR) + "/conll2003/eng.testa");
    return all;
}

// The shipped model, or the file named by HERALD_NER_MODEL (to compare candidates).
const herald::NerModel& model() {
    static const herald::NerModel m = [] {
        const char* file = std::getenv("HERALD_NER_MODEL");
        return herald::NerModel::load(file && *file ? std::filesystem::path(file)
                                                    : herald::default_ner_model());
    }();
    return m;
}

void BM_TagConllSentences(benchmark::State& state) {
    const auto& data = sentences();
    std::vector<std::vector<std::string_view>> views;
    std::size_t tokens = 0;
    for (const auto& s : data) {
        views.emplace_back(s.words.begin(), s.words.end());
        tokens += s.words.size();
    }
    for (auto _ : state) {
        for (const auto& words : views) {
            auto chunks = model().tag(words);
            benchmark::DoNotOptimize(chunks);
        }
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * tokens));
    state.counters["tokens/s"] = benchmark::Counter(
        static_cast<double>(state.iterations() * tokens), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TagConllSentences)->Unit(benchmark::kMillisecond);

void BM_ExtractConllText(benchmark::State& state) {
    // The sentences as paragraphs of text (words joined by spaces).
    std::vector<std::string> paragraphs;
    std::size_t tokens = 0;
    for (const auto& s : sentences()) {
        std::string p;
        for (const auto& w : s.words) p += (p.empty() ? "" : " ") + w;
        paragraphs.push_back(std::move(p));
        tokens += s.words.size();
    }
    const herald::EntityExtractor extractor(model());
    for (auto _ : state) {
        for (const auto& p : paragraphs) {
            auto mentions = extractor.extract(p);
            benchmark::DoNotOptimize(mentions);
        }
    }
    state.counters["tokens/s"] = benchmark::Counter(
        static_cast<double>(state.iterations() * tokens), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ExtractConllText)->Unit(benchmark::kMillisecond);

void BM_TagConllDocuments(benchmark::State& state) {
    std::vector<std::vector<std::vector<std::string_view>>> documents;
    std::size_t tokens = 0;
    for (const auto& s : sentences()) {
        if (documents.empty() || s.document != documents.size() - 1) documents.emplace_back();
        documents.back().emplace_back(s.words.begin(), s.words.end());
        tokens += s.words.size();
    }
    for (auto _ : state) {
        for (const auto& d : documents) {
            auto chunks = model().tag_document(d);
            benchmark::DoNotOptimize(chunks);
        }
    }
    state.counters["tokens/s"] = benchmark::Counter(
        static_cast<double>(state.iterations() * tokens), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TagConllDocuments)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
