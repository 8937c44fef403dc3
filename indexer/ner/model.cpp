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

std::size_t NerModel::weight_count() const {
    return impl_->values.size();
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
        throw std::runtime_error("NER model " + name + " has format version " +
                                 std::to_string(version) + "; this program reads version " +
                                 std::to_string(kVersion));
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
