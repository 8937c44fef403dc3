// Google Benchmark of the named-entity recognizer on CoNLL-2003 eng.testa (fixed input,
// one thread): tagging pre-tokenized sentences, and extracting entities from raw text
// (tokenizing, sentence splitting, tagging, trimming). Reports tokens per second.
#include <herald/ner/entities.hpp>
#include <herald/ner/model.hpp>
#include <herald/ner/train/corpora.hpp>

#include <benchmark/benchmark.h>

#include <stdexcept>

namespace {

const std::vector<herald::LabeledSentence>& sentences() {
    static const auto all =
        herald::read_conll(std::string(HERALD_SHARED_CORPUS_DIR) + "/conll2003/eng.testa");
    return all;
}

const herald::NerModel& model() {
    static const herald::NerModel m = herald::NerModel::load(herald::default_ner_model());
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

}  // namespace

BENCHMARK_MAIN();
