// Internal to the NER implementation: the immutable tagger behind NerModel, shared by the
// model file code (ner/model.cpp) and the trainer (ner/train/trainer.cpp). Not a public API.
#pragma once

#include <herald/ner/detail/features.hpp>
#include <herald/ner/model.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace herald {

namespace ner_detail {

/// One perceptron's weights: hashed feature rows (quantized to 16 bits) and label bigrams.
struct Weights {
    unsigned hash_bits = 21;
    std::vector<float> trans = std::vector<float>(kTransSize, 0.0f);
    float scale = 1.0f;
    // Row r of the feature table: labels in rows[r].mask, weights from values[rows[r].offset]
    // (one struct, so that a lookup touches one cache line).
    struct Row {
        std::uint32_t offset = 0;
        std::uint32_t mask = 0;
    };
    std::vector<Row> rows;
    std::vector<std::int16_t> quantized;  // as stored, for save()
    std::vector<float> values;

    bool empty() const { return rows.empty(); }

    /// Adds the weights of the rows of each token to @p scores (n × kLabels, n = offsets - 1).
    void add_emission(const std::uint32_t* feats,
                      const std::uint32_t* offsets,
                      std::size_t n,
                      float* scores) const {
        // The rows are random reads of a table of megabytes, and so are the weights a row
        // points to: fetch each row kAhead features ahead, and its weights kAhead / 2 ahead,
        // when the row has arrived (two misses in flight per feature instead of one after
        // the other).
        constexpr std::uint32_t kAhead = 16;
        constexpr std::uint32_t kValuesAhead = kAhead / 2;
        const std::uint32_t begin = offsets[0];
        const std::uint32_t end = offsets[n];
        for (std::uint32_t k = begin; k < std::min(end, begin + kAhead); ++k)
            __builtin_prefetch(&rows[feats[k]]);
        for (std::uint32_t k = begin; k < std::min(end, begin + kValuesAhead); ++k)
            __builtin_prefetch(values.data() + rows[feats[k]].offset);
        for (std::size_t i = 0; i < n; ++i) {
            float* s = scores + i * kLabels;
            for (std::uint32_t k = offsets[i]; k < offsets[i + 1]; ++k) {
                if (k + kAhead < end) __builtin_prefetch(&rows[feats[k + kAhead]]);
                if (k + kValuesAhead < end) {
                    const Row& ahead = rows[feats[k + kValuesAhead]];
                    if (ahead.mask != 0) __builtin_prefetch(values.data() + ahead.offset);
                }
                const Row& row = rows[feats[k]];
                std::uint32_t mask = row.mask;
                const float* v = values.data() + row.offset;
                while (mask != 0) {
                    const int y = __builtin_ctz(mask);
                    s[y] += *v++;
                    mask &= mask - 1;
                }
            }
        }
    }

    /// Quantizes dense weights (rows × kLabels, then the transitions) into these weights.
    void set(const std::vector<float>& dense) {
        const std::size_t count = std::size_t{1} << hash_bits;
        float max_abs = 0.0f;
        for (std::size_t k = 0; k < count * kLabels; ++k)
            max_abs = std::max(max_abs, std::fabs(dense[k]));
        scale = max_abs > 0.0f ? max_abs / 32767.0f : 1.0f;
        rows.assign(count, Row{});
        quantized.clear();
        for (std::size_t r = 0; r < count; ++r) {
            rows[r].offset = static_cast<std::uint32_t>(quantized.size());
            for (int y = 0; y < kLabels; ++y) {
                const long q = std::lround(dense[r * kLabels + y] / scale);
                if (q == 0) continue;
                rows[r].mask |= 1u << y;
                quantized.push_back(static_cast<std::int16_t>(q));
            }
        }
        std::copy(dense.begin() + static_cast<std::ptrdiff_t>(count * kLabels), dense.end(),
                  trans.begin());
        dequantize();
    }

    void dequantize() {
        values.resize(quantized.size());
        for (std::size_t k = 0; k < quantized.size(); ++k) values[k] = quantized[k] * scale;
    }
};

}  // namespace ner_detail

/// The immutable tagger: lexicon, the first pass (local features) and the optional second
/// pass (document features added to the first pass's scores).
struct NerModel::Impl {
    ner_detail::Lexicon lexicon;
    ner_detail::Weights local;
    ner_detail::Weights second;  // empty: no second pass

    /// First-pass emission scores of one sentence into @p scores (n × kLabels).
    void local_scores(const std::vector<std::string_view>& words,
                      std::vector<float>& scores) const {
        thread_local std::vector<std::uint32_t> feats, offsets;
        feats.clear();
        offsets.clear();
        ner_detail::sentence_features(lexicon, local.hash_bits, words, feats, offsets);
        scores.assign(words.size() * ner_detail::kLabels, 0.0f);
        local.add_emission(feats.data(), offsets.data(), words.size(), scores.data());
    }

    /// Labels of a document's sentences: the first pass, then (when the model has one) the
    /// second pass over the first pass's scores plus the document features.
    std::vector<std::vector<int>> label_document(
        const std::vector<std::vector<std::string_view>>& sentences) const {
        std::vector<std::vector<int>> labels(sentences.size());
        thread_local std::vector<std::vector<float>> scores;
        if (scores.size() < sentences.size()) scores.resize(sentences.size());
        for (std::size_t s = 0; s < sentences.size(); ++s) {
            if (sentences[s].empty()) continue;
            local_scores(sentences[s], scores[s]);
            labels[s] =
                ner_detail::viterbi(scores[s].data(), sentences[s].size(), local.trans.data());
        }
        if (second.empty()) return labels;
        thread_local std::vector<std::uint32_t> feats, offsets;
        feats.clear();
        offsets.clear();
        ner_detail::document_features(second.hash_bits, sentences, labels, feats, offsets);
        std::size_t at = 0;
        for (std::size_t s = 0; s < sentences.size(); ++s) {
            const std::size_t n = sentences[s].size();
            if (n > 0) {
                second.add_emission(feats.data(), offsets.data() + at, n, scores[s].data());
                labels[s] = ner_detail::viterbi(scores[s].data(), n, second.trans.data());
            }
            at += n + 1;
        }
        return labels;
    }

    std::vector<std::vector<Chunk>> tag_document(
        const std::vector<std::vector<std::string_view>>& sentences) const {
        std::vector<std::vector<Chunk>> out;
        out.reserve(sentences.size());
        for (const auto& labels : label_document(sentences))
            out.push_back(ner_detail::chunks_from_labels(labels));
        return out;
    }
};

}  // namespace herald
