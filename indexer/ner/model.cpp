// The averaged structured perceptron: tagging and the model file (see herald/ner/model.hpp;
// training is in ner/train/trainer.cpp).
#include <herald/ner/detail/features.hpp>
#include <herald/ner/detail/model_impl.hpp>
#include <herald/ner/model.hpp>
#include <herald/ner/tokenizer.hpp>

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

NerModel::NerModel(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

std::vector<Chunk> NerModel::tag(const std::vector<std::string_view>& words) const {
    if (words.empty()) return {};
    thread_local std::vector<std::vector<std::string_view>> one(1);
    one[0] = words;
    return chunks_from_labels(impl_->label_document(one)[0]);
}

std::vector<Chunk> NerModel::tag(const std::vector<std::string>& words) const {
    std::vector<std::string_view> views(words.begin(), words.end());
    return tag(views);
}

std::vector<std::vector<Chunk>> NerModel::tag_document(
    const std::vector<std::vector<std::string_view>>& sentences) const {
    return impl_->tag_document(sentences);
}

ChunkScores NerModel::evaluate(const std::vector<LabeledSentence>& data) const {
    ChunkScores scores;
    std::vector<std::vector<std::string_view>> doc;
    std::size_t first = 0;
    for (std::size_t s = 0; s <= data.size(); ++s) {
        if (s == data.size() || (s > first && data[s].document != data[first].document)) {
            const auto chunks = tag_document(doc);
            for (std::size_t k = 0; k < doc.size(); ++k)
                scores.add(data[first + k].chunks, chunks[k]);
            doc.clear();
            first = s;
        }
        if (s < data.size()) doc.emplace_back(data[s].words.begin(), data[s].words.end());
    }
    return scores;
}

std::size_t NerModel::weight_count() const {
    return impl_->local.values.size() + impl_->second.values.size();
}

// ---------------------------------------------------------------------------------------------
// The model file

namespace {

constexpr char kMagic[8] = {'H', 'R', 'L', 'D', 'N', 'E', 'R', '\0'};
constexpr std::uint32_t kVersion = 2;

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

// A hash-keyed map, sorted, keys delta-coded as varints, then each value by @p put.
template <class Map, class Put>
void write_map(Writer& w, const Map& map, Put put) {
    std::vector<typename Map::key_type> keys;
    keys.reserve(map.size());
    map.for_each([&](std::uint64_t key, const auto&) { keys.push_back(key); });
    std::sort(keys.begin(), keys.end());
    w.raw<std::uint32_t>(static_cast<std::uint32_t>(keys.size()));
    std::uint64_t prev = 0;
    for (const auto key : keys) {
        w.varint(key - prev);
        prev = key;
        put(map.at(key));
    }
}

template <class Get>
void read_map(Reader& r, Get get) {
    const auto n = r.raw<std::uint32_t>();
    std::uint64_t key = 0;
    for (std::uint32_t k = 0; k < n; ++k) {
        key += r.varint();
        get(key);
    }
}

void write_weights(Writer& w, const Weights& m) {
    w.raw<std::uint32_t>(m.hash_bits);
    for (float t : m.trans) w.raw<float>(t);
    w.raw<float>(m.scale);
    std::uint32_t rows_used = 0;
    for (const auto& row : m.rows) rows_used += row.mask != 0;
    w.raw<std::uint32_t>(rows_used);
    std::uint32_t prev = 0;
    for (std::size_t r = 0; r < m.rows.size(); ++r) {
        const std::uint32_t mask = m.rows[r].mask;
        if (mask == 0) continue;
        w.varint(r - prev);
        prev = static_cast<std::uint32_t>(r);
        w.varint(mask);
        const std::int16_t* q = m.quantized.data() + m.rows[r].offset;
        for (int k = __builtin_popcount(mask); k > 0; --k) w.raw<std::int16_t>(*q++);
    }
}

void read_weights(Reader& r, Weights& m) {
    m.hash_bits = r.raw<std::uint32_t>();
    if (m.hash_bits < 10 || m.hash_bits > 26) r.fail("bad table size");
    for (float& t : m.trans) t = r.raw<float>();
    m.scale = r.raw<float>();
    const std::size_t rows = std::size_t{1} << m.hash_bits;
    m.rows.assign(rows, Weights::Row{});
    const auto used = r.raw<std::uint32_t>();
    std::uint64_t row = 0;
    for (std::uint32_t k = 0; k < used; ++k) {
        row += r.varint();
        const std::uint64_t mask = r.varint();
        if (row >= rows || mask == 0 || mask >= (1u << kLabels)) r.fail("bad weight row");
        m.rows[row].mask = static_cast<std::uint32_t>(mask);
        m.rows[row].offset = static_cast<std::uint32_t>(m.quantized.size());
        for (int j = __builtin_popcount(static_cast<unsigned>(mask)); j > 0; --j) {
            m.quantized.push_back(r.raw<std::int16_t>());
        }
    }
    m.dequantize();
}

}  // namespace

void NerModel::save(const std::filesystem::path& file) const {
    const Impl& m = *impl_;
    Writer w;
    w.bytes().append(kMagic, sizeof kMagic);
    w.raw<std::uint32_t>(kVersion);
    w.raw<std::uint32_t>(kLabels);
    w.raw<std::uint32_t>(kClusterLevels);
    write_map(w, m.lexicon.words, [&](const WordEntry& e) {
        w.raw<std::uint8_t>(e.cap_class);
        for (std::uint16_t c : e.cluster) w.varint(c);
    });
    write_map(w, m.lexicon.gazetteer, [&](std::uint16_t mask) { w.varint(mask); });
    write_weights(w, m.local);
    w.raw<std::uint8_t>(m.second.empty() ? 0 : 1);
    if (!m.second.empty()) write_weights(w, m.second);
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
        throw std::runtime_error(
            "NER model " + name + " has format version " + std::to_string(version) +
            "; this program reads version " + std::to_string(kVersion) +
            (version < kVersion ? " (the model predates word clusters and the second pass: "
                                  "retrain it with herald-ner train, see corpus/models/README.md)"
                                : " (the model is newer than this program)"));
    }
    std::uint64_t stored;
    std::memcpy(&stored, data.data() + data.size() - 8, 8);
    if (stored != hash_bytes(std::string_view(data).substr(0, data.size() - 8))) {
        throw std::runtime_error("NER model " + name + " is corrupt: checksum mismatch");
    }
    auto impl = std::make_shared<Impl>();
    if (r.raw<std::uint32_t>() != kLabels) r.fail("bad label count");
    if (r.raw<std::uint32_t>() != kClusterLevels) r.fail("bad cluster level count");
    read_map(r, [&](std::uint64_t key) {
        WordEntry e;
        e.cap_class = r.raw<std::uint8_t>();
        for (std::uint16_t& c : e.cluster) {
            const std::uint64_t v = r.varint();
            if (v > 0xFFFF) r.fail("bad cluster id");
            c = static_cast<std::uint16_t>(v);
        }
        impl->lexicon.words.emplace(key, e);
    });
    read_map(r, [&](std::uint64_t key) {
        const std::uint64_t mask = r.varint();
        if (mask > 0xFFFF) r.fail("bad gazetteer mask");
        impl->lexicon.gazetteer.emplace(key, static_cast<std::uint16_t>(mask));
    });
    read_weights(r, impl->local);
    const auto passes = r.raw<std::uint8_t>();
    if (passes > 1) r.fail("bad pass count");
    if (passes == 1) read_weights(r, impl->second);
    if (r.pos() + 8 != data.size()) r.fail("trailing bytes");
    return NerModel(std::move(impl));
}

}  // namespace herald
