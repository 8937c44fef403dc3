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

/// The immutable tagger: lexicon, label-bigram weights and the sparse feature weights.
struct NerModel::Impl {
    unsigned hash_bits = 21;
    ner_detail::Lexicon lexicon;
    std::vector<float> trans = std::vector<float>(ner_detail::kTransSize, 0.0f);
    float scale = 1.0f;
    // Row r of the feature table: labels in row_mask[r], weights from values[row_offset[r]].
    std::vector<std::uint32_t> row_offset;
    std::vector<std::uint32_t> row_mask;
    std::vector<std::int16_t> quantized;  // as stored, for save()
    std::vector<float> values;

    void emission(const std::vector<std::uint32_t>& feats,
                  const std::vector<std::uint32_t>& offsets,
                  std::vector<float>& scores) const {
        const std::size_t n = offsets.size() - 1;
        scores.assign(n * ner_detail::kLabels, 0.0f);
        for (std::size_t i = 0; i < n; ++i) {
            float* s = &scores[i * ner_detail::kLabels];
            for (std::uint32_t k = offsets[i]; k < offsets[i + 1]; ++k) {
                const std::uint32_t row = feats[k];
                std::uint32_t mask = row_mask[row];
                const float* v = values.data() + row_offset[row];
                while (mask != 0) {
                    const int y = __builtin_ctz(mask);
                    s[y] += *v++;
                    mask &= mask - 1;
                }
            }
        }
    }

    std::vector<Chunk> tag(const std::vector<std::string_view>& words) const {
        if (words.empty()) return {};
        thread_local std::vector<std::uint32_t> feats, offsets;
        thread_local std::vector<float> scores;
        feats.clear();
        offsets.clear();
        ner_detail::sentence_features(lexicon, hash_bits, words, feats, offsets);
        emission(feats, offsets, scores);
        return ner_detail::chunks_from_labels(
            ner_detail::viterbi(scores.data(), words.size(), trans.data()));
    }

    /// Quantizes dense weights (rows × ner_detail::kLabels, then the transitions) into this model.
    void set_weights(const std::vector<float>& dense) {
        const std::size_t rows = std::size_t{1} << hash_bits;
        float max_abs = 0.0f;
        for (std::size_t k = 0; k < rows * ner_detail::kLabels; ++k)
            max_abs = std::max(max_abs, std::fabs(dense[k]));
        scale = max_abs > 0.0f ? max_abs / 32767.0f : 1.0f;
        row_offset.assign(rows, 0);
        row_mask.assign(rows, 0);
        quantized.clear();
        for (std::size_t r = 0; r < rows; ++r) {
            row_offset[r] = static_cast<std::uint32_t>(quantized.size());
            for (int y = 0; y < ner_detail::kLabels; ++y) {
                const long q = std::lround(dense[r * ner_detail::kLabels + y] / scale);
                if (q == 0) continue;
                row_mask[r] |= 1u << y;
                quantized.push_back(static_cast<std::int16_t>(q));
            }
        }
        std::copy(dense.begin() + static_cast<std::ptrdiff_t>(rows * ner_detail::kLabels),
                  dense.end(), trans.begin());
        dequantize();
    }

    void dequantize() {
        values.resize(quantized.size());
        for (std::size_t k = 0; k < quantized.size(); ++k) values[k] = quantized[k] * scale;
    }
};

}  // namespace herald
