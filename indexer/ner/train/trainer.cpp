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
void count_capitalization(const std::vector<std::filesystem::path>& sources,
                          Lexicon& lexicon,
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
                    if (prev == "\"" || prev == "\xE2\x80\x9C" || prev == ":" || prev == "(")
                        continue;
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

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point started) {
    return std::chrono::duration<double>(Clock::now() - started).count();
}

// The capitalization classes (from unlabeled news) and the gazetteer of @p options into @p lexicon.
void build_lexicon(const NerTrainOptions& options, Lexicon& lexicon, std::ostream* log) {
    count_capitalization(options.unlabeled, lexicon, log);
    build_gazetteer(options.gazetteer, lexicon);
    if (log) *log << "gazetteer: " << lexicon.gazetteer.size() << " names\n";
}

// The perceptron's weights (features, then transitions) with the sums for averaging.
struct Perceptron {
    explicit Perceptron(unsigned hash_bits)
        : trans_base((std::size_t{1} << hash_bits) * kLabels),
          size(trans_base + kTransSize),
          w(size, 0.0f),
          averaged(size, 0.0f),
          u(size, 0.0) {}

    const std::size_t trans_base;
    const std::size_t size;
    std::vector<float> w, averaged;
    std::vector<double> u;
    double cc = 1.0;  // examples seen + 1 (the averaging counter)

    void update(std::size_t index, float delta) {
        w[index] += delta;
        u[index] += cc * delta;
    }

    // Tags sentence @p s of @p tr; on a mistake, updates towards gold. Returns whether it was
    // wrong.
    bool learn(const Encoded& tr, std::size_t s, std::vector<float>& scores) {
        const auto& gold = tr.labels[s];
        const std::size_t n = gold.size();
        if (n == 0) return false;
        dense_emission(tr, s, w.data(), scores);
        const std::vector<int> pred = viterbi(scores.data(), n, w.data() + trans_base);
        if (pred == gold) return false;
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
        return true;
    }

    // The averaged weights, into averaged.
    void average() {
        for (std::size_t k = 0; k < size; ++k) averaged[k] = static_cast<float>(w[k] - u[k] / cc);
    }
};

// One shuffled pass over the training sentences, then averaging; returns the sentences tagged
// wrong.
std::size_t run_epoch(Perceptron& p,
                      const Encoded& tr,
                      std::vector<std::size_t>& order,
                      std::mt19937_64& rng,
                      std::vector<float>& scores) {
    std::shuffle(order.begin(), order.end(), rng);
    std::size_t mistakes = 0;
    for (std::size_t s : order) {
        if (p.learn(tr, s, scores)) ++mistakes;
        p.cc += 1.0;
    }
    p.average();
    return mistakes;
}

// Chunk scores on the dev sentences with the averaged weights.
ChunkScores evaluate_dev(const Perceptron& p,
                         const Encoded& dv,
                         const std::vector<LabeledSentence>& dev,
                         std::vector<float>& scores) {
    ChunkScores dev_scores;
    for (std::size_t s = 0; s < dev.size(); ++s) {
        const std::size_t n = dv.labels[s].size();
        if (n == 0) continue;
        dense_emission(dv, s, p.averaged.data(), scores);
        const auto pred = viterbi(scores.data(), n, p.averaged.data() + p.trans_base);
        dev_scores.add(dev[s].chunks, chunks_from_labels(pred));
    }
    return dev_scores;
}

// The log line of one epoch.
void log_epoch(std::ostream& log,
               int epoch,
               std::size_t mistakes,
               bool has_dev,
               const ChunkScores& dev_scores,
               double f1,
               Clock::time_point started) {
    log << "epoch " << epoch << ": " << mistakes << " sentences wrong";
    if (has_dev) {
        log << ", dev precision " << std::setprecision(2) << 100 * dev_scores.precision()
            << " recall " << 100 * dev_scores.recall() << " F1 " << 100 * f1;
    }
    log << " (" << std::setprecision(1) << seconds_since(started) << " s)\n";
    log.flush();
}

// All epochs, each evaluated on dev; returns the averaged weights of the best epoch (into @p
// best_epoch).
std::vector<float> train_epochs(const Encoded& tr,
                                const Encoded& dv,
                                const std::vector<LabeledSentence>& dev,
                                const NerTrainOptions& options,
                                Clock::time_point started,
                                int& best_epoch) {
    Perceptron p(options.hash_bits);
    std::vector<float> best;
    double best_f1 = -1.0;
    best_epoch = 0;
    std::vector<std::size_t> order(tr.labels.size());
    std::iota(order.begin(), order.end(), 0);
    std::mt19937_64 rng(options.seed);
    std::vector<float> scores;
    for (int epoch = 1; epoch <= options.epochs; ++epoch) {
        const std::size_t mistakes = run_epoch(p, tr, order, rng, scores);
        const ChunkScores dev_scores = evaluate_dev(p, dv, dev, scores);
        const double f1 = dev.empty() ? static_cast<double>(epoch) : dev_scores.f1();
        if (options.log)
            log_epoch(*options.log, epoch, mistakes, !dev.empty(), dev_scores, f1, started);
        if (f1 > best_f1) {
            best_f1 = f1;
            best_epoch = epoch;
            best = p.averaged;
        }
    }
    if (best.empty()) best = p.averaged;
    return best;
}

}  // namespace

// Trains the tagger: lexicon, encoding, perceptron epochs with dev evaluation, the best epoch kept.
NerModel train_ner_model(const std::vector<LabeledSentence>& train,
                         const std::vector<LabeledSentence>& dev,
                         const NerTrainOptions& options) {
    if (options.hash_bits < 10 || options.hash_bits > 26) {
        throw std::invalid_argument("hash_bits must be in [10, 26]");
    }
    const auto started = Clock::now();
    std::ostream* log = options.log;
    auto impl = std::make_shared<NerModel::Impl>();
    impl->hash_bits = options.hash_bits;
    build_lexicon(options, impl->lexicon, log);

    const Encoded tr = encode(train, impl->lexicon, impl->hash_bits);
    const Encoded dv = encode(dev, impl->lexicon, impl->hash_bits);
    if (log) {
        *log << "features: " << tr.feats.size() << " in " << train.size() << " training sentences ("
             << std::fixed << std::setprecision(1) << seconds_since(started) << " s)\n";
    }

    int best_epoch = 0;
    impl->set_weights(train_epochs(tr, dv, dev, options, started, best_epoch));
    if (log) {
        *log << "kept epoch " << best_epoch << "; " << impl->values.size() << " non-zero weights ("
             << std::setprecision(1) << seconds_since(started) << " s)\n";
    }
    return NerModel(std::move(impl));
}

}  // namespace herald
