// The averaged structured perceptron: training, tagging, and the model file (see ner.hpp).
#include <herald/ner.hpp>
#include <herald/readers.hpp>
#include <herald/tokenizer.hpp>

#include "ner_features.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <numeric>
#include <ostream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace herald {

using namespace ner_detail;

/// The immutable tagger: lexicon, label-bigram weights and the sparse feature weights.
struct NerModel::Impl {
    unsigned hash_bits = 21;
    Lexicon lexicon;
    std::vector<float> trans = std::vector<float>(kTransSize, 0.0f);
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
        scores.assign(n * kLabels, 0.0f);
        for (std::size_t i = 0; i < n; ++i) {
            float* s = &scores[i * kLabels];
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
        sentence_features(lexicon, hash_bits, words, feats, offsets);
        emission(feats, offsets, scores);
        return chunks_from_labels(viterbi(scores.data(), words.size(), trans.data()));
    }

    /// Quantizes dense weights (rows × kLabels, then the transitions) into this model.
    void set_weights(const std::vector<float>& dense) {
        const std::size_t rows = std::size_t{1} << hash_bits;
        float max_abs = 0.0f;
        for (std::size_t k = 0; k < rows * kLabels; ++k) max_abs = std::max(max_abs, std::fabs(dense[k]));
        scale = max_abs > 0.0f ? max_abs / 32767.0f : 1.0f;
        row_offset.assign(rows, 0);
        row_mask.assign(rows, 0);
        quantized.clear();
        for (std::size_t r = 0; r < rows; ++r) {
            row_offset[r] = static_cast<std::uint32_t>(quantized.size());
            for (int y = 0; y < kLabels; ++y) {
                const long q = std::lround(dense[r * kLabels + y] / scale);
                if (q == 0) continue;
                row_mask[r] |= 1u << y;
                quantized.push_back(static_cast<std::int16_t>(q));
            }
        }
        std::copy(dense.begin() + static_cast<std::ptrdiff_t>(rows * kLabels), dense.end(), trans.begin());
        dequantize();
    }

    void dequantize() {
        values.resize(quantized.size());
        for (std::size_t k = 0; k < quantized.size(); ++k) values[k] = quantized[k] * scale;
    }
};

NerModel::NerModel(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

std::vector<Chunk> NerModel::tag(const std::vector<std::string_view>& words) const {
    return impl_->tag(words);
}

std::vector<Chunk> NerModel::tag(const std::vector<std::string>& words) const {
    std::vector<std::string_view> views(words.begin(), words.end());
    return impl_->tag(views);
}

ChunkScores NerModel::evaluate(const std::vector<LabeledSentence>& data) const {
    ChunkScores scores;
    for (const auto& s : data) scores.add(s.chunks, tag(s.words));
    return scores;
}

std::size_t NerModel::weight_count() const { return impl_->values.size(); }

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
            std::uint64_t h = 1469598103934665603ULL;
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

NerModel NerModel::train(const std::vector<LabeledSentence>& train,
                         const std::vector<LabeledSentence>& dev,
                         const NerTrainOptions& options) {
    if (options.hash_bits < 10 || options.hash_bits > 26) {
        throw std::invalid_argument("hash_bits must be in [10, 26]");
    }
    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    std::ostream* log = options.log;
    auto impl = std::make_shared<Impl>();
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

// ---------------------------------------------------------------------------------------------
// The model file

namespace {

constexpr char kMagic[8] = {'H', 'R', 'L', 'D', 'N', 'E', 'R', '\0'};
constexpr std::uint32_t kVersion = 1;

class Writer {
   public:
    template <class T>
    void raw(T v) {
        char b[sizeof(T)];
        std::memcpy(b, &v, sizeof(T));
        out_.append(b, sizeof(T));
    }
    void varint(std::uint64_t v) {
        while (v >= 0x80) {
            out_ += static_cast<char>((v & 0x7F) | 0x80);
            v >>= 7;
        }
        out_ += static_cast<char>(v);
    }
    std::string& bytes() { return out_; }

   private:
    std::string out_;
};

class Reader {
   public:
    Reader(std::string_view data, const std::string& name) : data_(data), name_(name) {}
    template <class T>
    T raw() {
        need(sizeof(T));
        T v;
        std::memcpy(&v, data_.data() + pos_, sizeof(T));
        pos_ += sizeof(T);
        return v;
    }
    std::uint64_t varint() {
        std::uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            need(1);
            const auto b = static_cast<unsigned char>(data_[pos_++]);
            v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
            if (!(b & 0x80)) return v;
        }
        fail("bad varint");
    }
    void need(std::size_t n) const {
        if (pos_ + n > data_.size()) fail("truncated");
    }
    [[noreturn]] void fail(const std::string& why) const {
        throw std::runtime_error("NER model " + name_ + " is corrupt: " + why);
    }
    std::size_t pos() const { return pos_; }

   private:
    std::string_view data_;
    std::string name_;
    std::size_t pos_ = 0;
};

void write_map(Writer& w, const std::unordered_map<std::uint64_t, std::uint8_t>& map) {
    std::vector<std::pair<std::uint64_t, std::uint8_t>> sorted(map.begin(), map.end());
    std::sort(sorted.begin(), sorted.end());
    w.raw<std::uint32_t>(static_cast<std::uint32_t>(sorted.size()));
    std::uint64_t prev = 0;
    for (const auto& [key, value] : sorted) {
        w.varint(key - prev);
        prev = key;
        w.raw<std::uint8_t>(value);
    }
}

void read_map(Reader& r, std::unordered_map<std::uint64_t, std::uint8_t>& map) {
    const auto n = r.raw<std::uint32_t>();
    map.reserve(n);
    std::uint64_t key = 0;
    for (std::uint32_t k = 0; k < n; ++k) {
        key += r.varint();
        map.emplace(key, r.raw<std::uint8_t>());
    }
}

}  // namespace

void NerModel::save(const std::filesystem::path& file) const {
    const Impl& m = *impl_;
    Writer w;
    w.bytes().append(kMagic, sizeof kMagic);
    w.raw<std::uint32_t>(kVersion);
    w.raw<std::uint32_t>(m.hash_bits);
    w.raw<std::uint32_t>(kLabels);
    write_map(w, m.lexicon.capitalization);
    write_map(w, m.lexicon.gazetteer);
    for (float t : m.trans) w.raw<float>(t);
    w.raw<float>(m.scale);
    std::uint32_t rows_used = 0;
    for (std::uint32_t mask : m.row_mask) rows_used += mask != 0;
    w.raw<std::uint32_t>(rows_used);
    std::uint32_t prev = 0;
    for (std::size_t r = 0; r < m.row_mask.size(); ++r) {
        const std::uint32_t mask = m.row_mask[r];
        if (mask == 0) continue;
        w.varint(r - prev);
        prev = static_cast<std::uint32_t>(r);
        w.varint(mask);
        const std::int16_t* q = m.quantized.data() + m.row_offset[r];
        for (int k = __builtin_popcount(mask); k > 0; --k) w.raw<std::int16_t>(*q++);
    }
    w.raw<std::uint64_t>(hash_bytes(w.bytes()));
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(w.bytes().data(), static_cast<std::streamsize>(w.bytes().size()));
    out.close();
    if (!out) throw std::runtime_error("cannot write NER model " + file.string());
}

NerModel NerModel::load(const std::filesystem::path& file) {
    const std::string name = file.string();
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open NER model " + name);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (data.size() < sizeof kMagic + 8 || std::memcmp(data.data(), kMagic, sizeof kMagic) != 0) {
        throw std::runtime_error(name + " is not a Herald NER model (bad magic number)");
    }
    Reader r(data, name);
    for (std::size_t k = 0; k < sizeof kMagic; ++k) r.raw<char>();
    const auto version = r.raw<std::uint32_t>();
    if (version != kVersion) {
        throw std::runtime_error("NER model " + name + " has format version " + std::to_string(version) +
                                 "; this program reads version " + std::to_string(kVersion));
    }
    std::uint64_t stored;
    std::memcpy(&stored, data.data() + data.size() - 8, 8);
    if (stored != hash_bytes(std::string_view(data).substr(0, data.size() - 8))) {
        throw std::runtime_error("NER model " + name + " is corrupt: checksum mismatch");
    }
    auto impl = std::make_shared<Impl>();
    impl->hash_bits = r.raw<std::uint32_t>();
    if (impl->hash_bits < 10 || impl->hash_bits > 26) r.fail("bad table size");
    if (r.raw<std::uint32_t>() != kLabels) r.fail("bad label count");
    read_map(r, impl->lexicon.capitalization);
    read_map(r, impl->lexicon.gazetteer);
    for (float& t : impl->trans) t = r.raw<float>();
    impl->scale = r.raw<float>();
    const std::size_t rows = std::size_t{1} << impl->hash_bits;
    impl->row_offset.assign(rows, 0);
    impl->row_mask.assign(rows, 0);
    const auto used = r.raw<std::uint32_t>();
    std::uint64_t row = 0;
    for (std::uint32_t k = 0; k < used; ++k) {
        row += r.varint();
        const std::uint64_t mask = r.varint();
        if (row >= rows || mask == 0 || mask >= (1u << kLabels)) r.fail("bad weight row");
        impl->row_mask[row] = static_cast<std::uint32_t>(mask);
        impl->row_offset[row] = static_cast<std::uint32_t>(impl->quantized.size());
        for (int j = __builtin_popcount(static_cast<unsigned>(mask)); j > 0; --j) {
            impl->quantized.push_back(r.raw<std::int16_t>());
        }
    }
    if (r.pos() + 8 != data.size()) r.fail("trailing bytes");
    impl->dequantize();
    return NerModel(std::move(impl));
}

}  // namespace herald
