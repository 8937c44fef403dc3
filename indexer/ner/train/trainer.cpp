// Training of the named-entity tagger: the averaged structured perceptron over BILOU tags
// (see herald/ner/train/trainer.hpp).
#include <herald/ingest/readers.hpp>
#include <herald/ner/detail/features.hpp>
#include <herald/ner/detail/model_impl.hpp>
#include <herald/ner/tokenizer.hpp>
#include <herald/ner/train/trainer.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <iomanip>
#include <numeric>
#include <ostream>
#include <random>
#include <stdexcept>

namespace herald {

using namespace ner_detail;

// ---------------------------------------------------------------------------------------------
// Training

namespace {

/// Capitalization classes of words inside mixed-case sentences of unlabeled news.
void count_capitalization(const std::vector<std::filesystem::path>& sources, Lexicon& lexicon,
                          std::ostream* log) {
    struct Counts {
        std::uint32_t total = 0, capitalized = 0;
    };
    std::unordered_map<std::uint64_t, Counts> counts;
    std::size_t paragraphs = 0;
    auto sink = [&](Article&& article) {
        for (const std::string& paragraph : article.paragraphs) {
            ++paragraphs;
            const auto tokens = tokenize(paragraph);
            for (const Sentence& s : split_sentences(paragraph, tokens)) {
                std::size_t letters = 0, caps = 0;
                for (std::size_t i = s.first; i < s.last; ++i) {
                    bool has_letter = false, has_lower = false;
                    for (unsigned char c : tokens[i].text) {
                        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) has_letter = true;
                        if (c >= 'a' && c <= 'z') has_lower = true;
                    }
                    letters += has_letter;
                    caps += has_letter && !has_lower;
                }
                if (letters == 0 || caps * 10 >= letters * 5) continue;  // headlines, tables
                for (std::size_t i = s.first + 1; i < s.last; ++i) {
                    const std::string_view w = tokens[i].text;
                    const auto c = static_cast<unsigned char>(w[0]);
                    const bool upper = c >= 'A' && c <= 'Z';
                    if (!upper && !(c >= 'a' && c <= 'z')) continue;
                    const std::string_view prev = tokens[i - 1].text;
                    if (prev == "\"" || prev == "\xE2\x80\x9C" || prev == ":" || prev == "(") continue;
                    Counts& k = counts[hash_bytes(lower_case(w))];
                    ++k.total;
                    k.capitalized += upper;
                }
            }
        }
    };
    for (const auto& source : sources) {
        read_path(source, std::nullopt, sink, [](const ReadError&) {});
    }
    for (const auto& [key, k] : counts) {
        std::uint8_t cls;
        const double ratio = static_cast<double>(k.capitalized) / k.total;
        if (k.total < 3) {
            cls = k.capitalized > 0 ? 7 : 8;
        } else {
            cls = static_cast<std::uint8_t>(1 + std::min(5, static_cast<int>(ratio * 6)));
        }
        lexicon.capitalization.emplace(key, cls);
    }
    if (log) {
        *log << "unlabeled news: " << paragraphs << " paragraphs, " << counts.size()
             << " word forms\n";
    }
}

void build_gazetteer(const std::vector<LabeledSentence>& sentences, Lexicon& lexicon) {
    for (const auto& s : sentences) {
        for (const Chunk& c : s.chunks) {
            if (c.last - c.first > kMaxGazetteerTokens) continue;
            std::uint64_t h = kFeatureHashSeed;
            for (std::size_t i = c.first; i < c.last; ++i) {
                if (i > c.first) h = hash_bytes(" ", h);
                h = hash_bytes(lower_case(s.words[i]), h);
            }
            lexicon.gazetteer[h] |= static_cast<std::uint8_t>(1u << static_cast<int>(c.type));
        }
    }
}

struct Encoded {
    std::vector<std::uint32_t> feats;
    std::vector<std::uint32_t> offsets;        // per token, n+1 per sentence, flattened
    std::vector<std::size_t> sentence_offset;  // index into offsets of each sentence
    std::vector<std::vector<int>> labels;
};

Encoded encode(const std::vector<LabeledSentence>& data, const Lexicon& lexicon, unsigned bits) {
    Encoded e;
    for (const auto& s : data) {
        e.sentence_offset.push_back(e.offsets.size());
        std::vector<std::string_view> words(s.words.begin(), s.words.end());
        sentence_features(lexicon, bits, words, e.feats, e.offsets);
        e.labels.push_back(labels_from_chunks(s.chunks, s.words.size()));
    }
    return e;
}

/// Emission scores with dense weights (training) into @p scores.
void dense_emission(const Encoded& e, std::size_t s, const float* w, std::vector<float>& scores) {
    const std::size_t n = e.labels[s].size();
    const std::uint32_t* off = &e.offsets[e.sentence_offset[s]];
    scores.assign(n * kLabels, 0.0f);
    for (std::size_t i = 0; i < n; ++i) {
        float* out = &scores[i * kLabels];
        for (std::uint32_t k = off[i]; k < off[i + 1]; ++k) {
            const float* row = w + static_cast<std::size_t>(e.feats[k]) * kLabels;
            for (int y = 0; y < kLabels; ++y) out[y] += row[y];
        }
    }
}

}  // namespace

NerModel train_ner_model(const std::vector<LabeledSentence>& train,
                         const std::vector<LabeledSentence>& dev,
                         const NerTrainOptions& options) {
    if (options.hash_bits < 10 || options.hash_bits > 26) {
        throw std::invalid_argument("hash_bits must be in [10, 26]");
    }
    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    std::ostream* log = options.log;
    auto impl = std::make_shared<NerModel::Impl>();
    impl->hash_bits = options.hash_bits;
    count_capitalization(options.unlabeled, impl->lexicon, log);
    build_gazetteer(options.gazetteer, impl->lexicon);
    if (log) *log << "gazetteer: " << impl->lexicon.gazetteer.size() << " names\n";

    const Encoded tr = encode(train, impl->lexicon, impl->hash_bits);
    const Encoded dv = encode(dev, impl->lexicon, impl->hash_bits);
    if (log) {
        *log << "features: " << tr.feats.size() << " in " << train.size() << " training sentences ("
             << std::fixed << std::setprecision(1)
             << std::chrono::duration<double>(Clock::now() - started).count() << " s)\n";
    }

    const std::size_t rows = std::size_t{1} << impl->hash_bits;
    const std::size_t trans_base = rows * kLabels;
    const std::size_t size = trans_base + kTransSize;
    std::vector<float> w(size, 0.0f), averaged(size, 0.0f), best;
    std::vector<double> u(size, 0.0);
    double best_f1 = -1.0;
    int best_epoch = 0;
    std::vector<std::size_t> order(train.size());
    std::iota(order.begin(), order.end(), 0);
    std::mt19937_64 rng(options.seed);
    std::vector<float> scores;
    double cc = 1.0;  // examples seen + 1 (the averaging counter)

    auto update = [&](std::size_t index, float delta) {
        w[index] += delta;
        u[index] += cc * delta;
    };

    for (int epoch = 1; epoch <= options.epochs; ++epoch) {
        std::shuffle(order.begin(), order.end(), rng);
        std::size_t mistakes = 0;
        for (std::size_t s : order) {
            const auto& gold = tr.labels[s];
            const std::size_t n = gold.size();
            if (n > 0) {
                dense_emission(tr, s, w.data(), scores);
                const std::vector<int> pred = viterbi(scores.data(), n, w.data() + trans_base);
                if (pred != gold) {
                    ++mistakes;
                    const std::uint32_t* off = &tr.offsets[tr.sentence_offset[s]];
                    for (std::size_t i = 0; i < n; ++i) {
                        if (pred[i] != gold[i]) {
                            for (std::uint32_t k = off[i]; k < off[i + 1]; ++k) {
                                const std::size_t row = static_cast<std::size_t>(tr.feats[k]) * kLabels;
                                update(row + gold[i], 1.0f);
                                update(row + pred[i], -1.0f);
                            }
                        }
                        const int gp = i == 0 ? 0 : gold[i - 1] + 1;
                        const int pp = i == 0 ? 0 : pred[i - 1] + 1;
                        if (gp != pp || gold[i] != pred[i]) {
                            update(trans_base + gp * kLabels + gold[i], 1.0f);
                            update(trans_base + pp * kLabels + pred[i], -1.0f);
                        }
                    }
                    const std::size_t end = trans_base + (kLabels + 1) * kLabels;
                    if (gold[n - 1] != pred[n - 1]) {
                        update(end + gold[n - 1], 1.0f);
                        update(end + pred[n - 1], -1.0f);
                    }
                }
            }
            cc += 1.0;
        }
        for (std::size_t k = 0; k < size; ++k) averaged[k] = static_cast<float>(w[k] - u[k] / cc);
        // Dev F1 with the averaged weights.
        ChunkScores dev_scores;
        for (std::size_t s = 0; s < dev.size(); ++s) {
            const std::size_t n = dv.labels[s].size();
            if (n == 0) continue;
            dense_emission(dv, s, averaged.data(), scores);
            const auto pred = viterbi(scores.data(), n, averaged.data() + trans_base);
            dev_scores.add(dev[s].chunks, chunks_from_labels(pred));
        }
        const double f1 = dev.empty() ? static_cast<double>(epoch) : dev_scores.f1();
        if (log) {
            *log << "epoch " << epoch << ": " << mistakes << " sentences wrong";
            if (!dev.empty()) {
                *log << ", dev precision " << std::setprecision(2) << 100 * dev_scores.precision()
                     << " recall " << 100 * dev_scores.recall() << " F1 " << 100 * f1;
            }
            *log << " (" << std::setprecision(1)
                 << std::chrono::duration<double>(Clock::now() - started).count() << " s)\n";
            log->flush();
        }
        if (f1 > best_f1) {
            best_f1 = f1;
            best_epoch = epoch;
            best = averaged;
        }
    }
    if (best.empty()) best = averaged;
    impl->set_weights(best);
    if (log) {
        *log << "kept epoch " << best_epoch << "; " << impl->values.size() << " non-zero weights ("
             << std::setprecision(1) << std::chrono::duration<double>(Clock::now() - started).count()
             << " s)\n";
    }
    return NerModel(std::move(impl));
}

}  // namespace herald
