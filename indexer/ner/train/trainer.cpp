// Training of the named-entity tagger: the averaged structured perceptron over BILOU tags
// (see herald/ner/train/trainer.hpp).
#include <herald/ingest/readers.hpp>
#include <herald/ner/detail/features.hpp>
#include <herald/ner/detail/model_impl.hpp>
#include <herald/ner/tokenizer.hpp>
#include <herald/ner/train/clusters.hpp>
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
        lexicon.words[key].cap_class = cls;
    }
    if (log) {
        *log << "unlabeled news: " << paragraphs << " paragraphs, " << counts.size()
             << " word forms\n";
    }
}

void build_gazetteer(const std::vector<LabeledSentence>& sentences, Lexicon& lexicon) {
    std::vector<std::string> lower;
    for (const auto& s : sentences) {
        for (const Chunk& c : s.chunks) {
            lower.clear();
            for (std::size_t i = c.first; i < c.last; ++i) lower.push_back(lower_case(s.words[i]));
            add_gazetteer_phrase(lexicon, lower, static_cast<int>(c.type));
        }
    }
}

struct Encoded {
    std::vector<std::uint32_t> feats;
    std::vector<std::uint32_t> offsets;        // per token, n+1 per sentence, flattened
    std::vector<std::size_t> sentence_offset;  // index into offsets of each sentence
    std::vector<std::vector<int>> labels;
    // The second pass: the first pass's scores of each sentence, added before the features.
    std::vector<std::vector<float>> base;
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

/// Sentence index ranges [first, last) of the documents of @p data.
std::vector<std::pair<std::size_t, std::size_t>> documents(
    const std::vector<LabeledSentence>& data) {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    for (std::size_t s = 0; s < data.size(); ++s) {
        if (s == 0 || data[s].document != data[s - 1].document) out.push_back({s, s});
        out.back().second = s + 1;
    }
    return out;
}

/// The second pass's encoding of @p data: document features from @p first_labels, and the
/// first pass's scores @p base.
Encoded encode_second(const std::vector<LabeledSentence>& data,
                      const std::vector<std::vector<int>>& first_labels,
                      std::vector<std::vector<float>> base,
                      unsigned bits) {
    Encoded e;
    e.base = std::move(base);
    std::vector<std::vector<std::string_view>> words;
    std::vector<std::vector<int>> labels;
    for (const auto& [first, last] : documents(data)) {
        words.clear();
        labels.clear();
        for (std::size_t s = first; s < last; ++s) {
            words.emplace_back(data[s].words.begin(), data[s].words.end());
            labels.push_back(first_labels[s]);
        }
        const std::size_t start = e.offsets.size();
        document_features(bits, words, labels, e.feats, e.offsets);
        std::size_t at = start;
        for (std::size_t s = first; s < last; ++s) {
            e.sentence_offset.push_back(at);
            at += data[s].words.size() + 1;
            e.labels.push_back(labels_from_chunks(data[s].chunks, data[s].words.size()));
        }
    }
    return e;
}

/// Emission scores with dense weights (training) into @p scores.
void dense_emission(const Encoded& e, std::size_t s, const float* w, std::vector<float>& scores) {
    const std::size_t n = e.labels[s].size();
    const std::uint32_t* off = &e.offsets[e.sentence_offset[s]];
    if (e.base.empty()) {
        scores.assign(n * kLabels, 0.0f);
    } else {
        scores = e.base[s];
    }
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

// The capitalization classes (from unlabeled news), the clusters and the gazetteers of
// @p options into @p lexicon.
void build_lexicon(const NerTrainOptions& options, Lexicon& lexicon, std::ostream* log) {
    count_capitalization(options.unlabeled, lexicon, log);
    if (!options.clusters.empty()) {
        const ClusterTable table = read_cluster_table(options.clusters);
        if (table.levels.size() != kClusterLevels) {
            throw std::runtime_error("cluster table " + options.clusters.string() + " has " +
                                     std::to_string(table.levels.size()) +
                                     " levels; the model needs " + std::to_string(kClusterLevels));
        }
        for (std::size_t k = 0; k < table.words.size(); ++k) {
            WordEntry& e = lexicon.words[hash_bytes(lower_case(table.words[k]))];
            for (int level = 0; level < kClusterLevels; ++level)
                e.cluster[level] = static_cast<std::uint16_t>(table.ids[k][level] + 1);
        }
        if (log) *log << "clusters: " << table.words.size() << " words\n";
    }
    build_gazetteer(options.gazetteer, lexicon);
    std::size_t names = 0;
    for (const GazetteerName& g : options.names) {
        std::vector<std::string> lower;
        for (const std::string& t : g.tokens) lower.push_back(lower_case(t));
        add_gazetteer_phrase(lexicon, lower, kGazMajorCity + static_cast<int>(g.source));
        ++names;
    }
    if (log)
        *log << "gazetteer: " << lexicon.gazetteer.size() << " phrases and prefixes (" << names
             << " listed names)\n";
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

// Epochs over the sentences @p order of @p tr, each evaluated on dev when there is one;
// returns the averaged weights of the best epoch (into @p best_epoch), or of the last.
std::vector<float> train_epochs(const Encoded& tr,
                                const Encoded& dv,
                                const std::vector<LabeledSentence>& dev,
                                int epochs,
                                unsigned hash_bits,
                                const std::vector<float>* initial_trans,
                                std::vector<std::size_t> order,
                                const NerTrainOptions& options,
                                Clock::time_point started,
                                int& best_epoch) {
    Perceptron p(hash_bits);
    if (initial_trans)
        std::copy(initial_trans->begin(), initial_trans->end(), p.w.begin() + p.trans_base);
    std::vector<float> best;
    double best_f1 = -1.0;
    best_epoch = 0;
    std::mt19937_64 rng(options.seed);
    std::vector<float> scores;
    for (int epoch = 1; epoch <= epochs; ++epoch) {
        const std::size_t mistakes = run_epoch(p, tr, order, rng, scores);
        const ChunkScores dev_scores =
            dev.empty() ? ChunkScores{} : evaluate_dev(p, dv, dev, scores);
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

std::vector<std::size_t> all_sentences(const Encoded& e) {
    std::vector<std::size_t> order(e.labels.size());
    std::iota(order.begin(), order.end(), 0);
    return order;
}

// First-pass scores and labels of every training sentence from models that did not see its
// document: the documents are dealt into @p folds folds, and each fold is tagged by a
// perceptron trained on the others for @p epochs epochs (Krishnan & Manning 2006, §4).
void jackknife(const std::vector<LabeledSentence>& train,
               const Encoded& tr,
               int folds,
               int epochs,
               const NerTrainOptions& options,
               Clock::time_point started,
               std::vector<std::vector<float>>& base,
               std::vector<std::vector<int>>& labels) {
    base.assign(train.size(), {});
    labels.assign(train.size(), {});
    std::vector<int> fold_of(train.size(), 0);
    int d = 0;
    for (const auto& [first, last] : documents(train)) {
        for (std::size_t s = first; s < last; ++s) fold_of[s] = d % folds;
        ++d;
    }
    const Encoded none;
    for (int f = 0; f < folds; ++f) {
        std::vector<std::size_t> order;
        for (std::size_t s = 0; s < train.size(); ++s)
            if (fold_of[s] != f) order.push_back(s);
        if (options.log) *options.log << "second pass: fold " << f + 1 << " of " << folds << "\n";
        int unused = 0;
        const std::vector<float> w = train_epochs(tr, none, {}, epochs, options.hash_bits, nullptr,
                                                  std::move(order), options, started, unused);
        const float* trans = w.data() + (std::size_t{1} << options.hash_bits) * kLabels;
        for (std::size_t s = 0; s < train.size(); ++s) {
            if (fold_of[s] != f || tr.labels[s].empty()) continue;
            dense_emission(tr, s, w.data(), base[s]);
            labels[s] = viterbi(base[s].data(), tr.labels[s].size(), trans);
        }
    }
}

}  // namespace

// Trains the tagger: lexicon, encoding, perceptron epochs with dev evaluation, the best epoch
// kept; then the second pass on jackknifed first-pass output.
NerModel train_ner_model(const std::vector<LabeledSentence>& train,
                         const std::vector<LabeledSentence>& dev,
                         const NerTrainOptions& options) {
    if (options.hash_bits < 10 || options.hash_bits > 26) {
        throw std::invalid_argument("hash_bits must be in [10, 26]");
    }
    if (options.second_pass_folds == 1 || options.second_pass_folds < 0) {
        throw std::invalid_argument("second_pass_folds must be 0 (no second pass) or at least 2");
    }
    const auto started = Clock::now();
    std::ostream* log = options.log;
    auto impl = std::make_shared<NerModel::Impl>();
    impl->local.hash_bits = options.hash_bits;
    build_lexicon(options, impl->lexicon, log);

    const Encoded tr = encode(train, impl->lexicon, impl->local.hash_bits);
    const Encoded dv = encode(dev, impl->lexicon, impl->local.hash_bits);
    if (log) {
        *log << "features: " << tr.feats.size() << " in " << train.size() << " training sentences ("
             << std::fixed << std::setprecision(1) << seconds_since(started) << " s)\n";
    }

    int best_epoch = 0;
    impl->local.set(train_epochs(tr, dv, dev, options.epochs, options.hash_bits, nullptr,
                                 all_sentences(tr), options, started, best_epoch));
    if (log) {
        *log << "kept epoch " << best_epoch << "; " << impl->local.values.size()
             << " non-zero weights (" << std::setprecision(1) << seconds_since(started) << " s)\n";
    }
    if (options.second_pass_folds == 0) return NerModel(std::move(impl));

    std::vector<std::vector<float>> base;
    std::vector<std::vector<int>> first;
    jackknife(train, tr, options.second_pass_folds, best_epoch, options, started, base, first);
    const Encoded tr2 = encode_second(train, first, std::move(base), options.second_pass_hash_bits);
    std::vector<std::vector<float>> dev_base(dev.size());
    std::vector<std::vector<int>> dev_first(dev.size());
    for (std::size_t s = 0; s < dev.size(); ++s) {
        if (dev[s].words.empty()) continue;
        std::vector<std::string_view> words(dev[s].words.begin(), dev[s].words.end());
        impl->local_scores(words, dev_base[s]);
        dev_first[s] = viterbi(dev_base[s].data(), words.size(), impl->local.trans.data());
    }
    const Encoded dv2 =
        encode_second(dev, dev_first, std::move(dev_base), options.second_pass_hash_bits);
    if (log) *log << "second pass: " << tr2.feats.size() << " document features\n";
    impl->second.hash_bits = options.second_pass_hash_bits;
    int second_epoch = 0;
    impl->second.set(train_epochs(tr2, dv2, dev, options.second_pass_epochs,
                                  options.second_pass_hash_bits, &impl->local.trans,
                                  all_sentences(tr2), options, started, second_epoch));
    if (log) {
        *log << "second pass: kept epoch " << second_epoch << "; " << impl->second.values.size()
             << " non-zero weights (" << std::setprecision(1) << seconds_since(started) << " s)\n";
    }
    return NerModel(std::move(impl));
}

}  // namespace herald
