// Word clusters: GloVe reader, spherical k-means, the cluster table file (see
// herald/ner/train/clusters.hpp).
#include <herald/ner/train/clusters.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <limits>
#include <ostream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace herald {

Embeddings read_embeddings(const std::filesystem::path& file, std::size_t limit) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read embeddings " + file.string());
    Embeddings e;
    std::string line;
    std::size_t number = 0;
    while (std::getline(in, line) && (limit == 0 || e.words.size() < limit)) {
        ++number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        const std::size_t space = line.find(' ');
        if (space == std::string::npos || space == 0) {
            throw std::runtime_error(file.string() + ":" + std::to_string(number) +
                                     ": expected a word and its vector");
        }
        const std::size_t before = e.vectors.size();
        const char* p = line.c_str() + space;
        char* end = nullptr;
        for (;;) {
            const float v = std::strtof(p, &end);
            if (end == p) break;
            e.vectors.push_back(v);
            p = end;
        }
        const std::size_t d = e.vectors.size() - before;
        if (e.dimensions == 0) e.dimensions = d;
        if (d == 0 || d != e.dimensions) {
            throw std::runtime_error(file.string() + ":" + std::to_string(number) + ": " +
                                     std::to_string(d) + " values, expected " +
                                     std::to_string(e.dimensions));
        }
        e.words.push_back(line.substr(0, space));
    }
    return e;
}

namespace {

float dot(const float* a, const float* b, std::size_t d) {
    float s = 0.0f;
    for (std::size_t k = 0; k < d; ++k) s += a[k] * b[k];
    return s;
}

void normalize(float* v, std::size_t d) {
    const float norm = std::sqrt(dot(v, v, d));
    if (norm > 0.0f)
        for (std::size_t k = 0; k < d; ++k) v[k] /= norm;
}

// One level: the cluster of each word.
std::vector<std::uint16_t> kmeans(const std::vector<float>& x,
                                  std::size_t n,
                                  std::size_t d,
                                  std::size_t k,
                                  int iterations,
                                  std::mt19937_64& rng,
                                  std::ostream* log) {
    // k-means++ seeding with the cosine distance 1 - x·c.
    std::vector<float> centers(k * d);
    std::vector<float> nearest(n, std::numeric_limits<float>::max());
    std::size_t pick = std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
    for (std::size_t c = 0; c < k; ++c) {
        std::copy_n(&x[pick * d], d, &centers[c * d]);
        double total = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            const float dist = std::max(0.0f, 1.0f - dot(&x[i * d], &centers[c * d], d));
            nearest[i] = std::min(nearest[i], dist);
            total += nearest[i];
        }
        double r = std::uniform_real_distribution<double>(0.0, total)(rng);
        pick = n - 1;
        for (std::size_t i = 0; i < n; ++i) {
            r -= nearest[i];
            if (r <= 0.0) {
                pick = i;
                break;
            }
        }
    }
    std::vector<std::uint16_t> assign(n, 0);
    std::vector<double> sums(k * d);
    std::vector<std::size_t> counts(k);
    for (int it = 0; it < iterations; ++it) {
        std::size_t moved = 0;
        for (std::size_t i = 0; i < n; ++i) {
            float best = -std::numeric_limits<float>::max();
            std::size_t arg = 0;
            for (std::size_t c = 0; c < k; ++c) {
                const float s = dot(&x[i * d], &centers[c * d], d);
                if (s > best) {
                    best = s;
                    arg = c;
                }
            }
            if (it == 0 || assign[i] != arg) ++moved;
            assign[i] = static_cast<std::uint16_t>(arg);
        }
        std::fill(sums.begin(), sums.end(), 0.0);
        std::fill(counts.begin(), counts.end(), 0);
        for (std::size_t i = 0; i < n; ++i) {
            ++counts[assign[i]];
            for (std::size_t j = 0; j < d; ++j) sums[assign[i] * d + j] += x[i * d + j];
        }
        for (std::size_t c = 0; c < k; ++c) {
            if (counts[c] == 0) continue;  // an empty cluster keeps its center
            for (std::size_t j = 0; j < d; ++j)
                centers[c * d + j] = static_cast<float>(sums[c * d + j]);
            normalize(&centers[c * d], d);
        }
        if (log) *log << "k=" << k << " iteration " << it + 1 << ": " << moved << " moved\n";
        if (moved == 0) break;
    }
    return assign;
}

}  // namespace

ClusterTable cluster_words(const Embeddings& embeddings,
                           const std::vector<std::size_t>& levels,
                           int iterations,
                           std::uint64_t seed,
                           std::ostream* log) {
    const std::size_t n = embeddings.words.size(), d = embeddings.dimensions;
    if (n == 0 || d == 0) throw std::invalid_argument("cluster_words: no embeddings");
    for (std::size_t k : levels) {
        if (k < 2 || k > 65535 || k > n)
            throw std::invalid_argument("cluster_words: bad cluster count " + std::to_string(k));
    }
    std::vector<float> x = embeddings.vectors;
    for (std::size_t i = 0; i < n; ++i) normalize(&x[i * d], d);
    ClusterTable table;
    table.levels = levels;
    table.words = embeddings.words;
    table.ids.assign(n, std::vector<std::uint16_t>(levels.size(), 0));
    std::mt19937_64 rng(seed);
    for (std::size_t l = 0; l < levels.size(); ++l) {
        const auto assign = kmeans(x, n, d, levels[l], iterations, rng, log);
        for (std::size_t i = 0; i < n; ++i) table.ids[i][l] = assign[i];
    }
    return table;
}

void write_cluster_table(const ClusterTable& table, const std::filesystem::path& file) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << "# clusters";
    for (std::size_t k : table.levels) out << ' ' << k;
    out << '\n';
    for (std::size_t i = 0; i < table.words.size(); ++i) {
        out << table.words[i];
        for (std::uint16_t id : table.ids[i]) out << '\t' << id;
        out << '\n';
    }
    out.close();
    if (!out) throw std::runtime_error("cannot write cluster table " + file.string());
}

ClusterTable read_cluster_table(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read cluster table " + file.string());
    ClusterTable table;
    std::string line;
    auto fail = [&](std::size_t number, const std::string& why) {
        throw std::runtime_error(file.string() + ":" + std::to_string(number) + ": " + why);
    };
    if (!std::getline(in, line) || line.rfind("# clusters ", 0) != 0)
        fail(1, "not a cluster table (no '# clusters' header)");
    {
        std::istringstream header(line.substr(11));
        for (std::size_t k; header >> k;) table.levels.push_back(k);
        if (table.levels.empty()) fail(1, "no cluster counts in the header");
    }
    std::size_t number = 1;
    while (std::getline(in, line)) {
        ++number;
        if (line.empty()) continue;
        const std::size_t tab = line.find('\t');
        if (tab == std::string::npos || tab == 0) fail(number, "expected word<TAB>ids");
        std::vector<std::uint16_t> ids;
        std::size_t pos = tab;
        while (pos != std::string::npos && pos < line.size()) {
            const std::size_t next = line.find('\t', pos + 1);
            const std::string field =
                line.substr(pos + 1, next == std::string::npos ? next : next - pos - 1);
            char* end = nullptr;
            const unsigned long v = std::strtoul(field.c_str(), &end, 10);
            if (field.empty() || *end != '\0') fail(number, "bad cluster id '" + field + "'");
            if (ids.size() >= table.levels.size() || v >= table.levels[ids.size()])
                fail(number, "cluster id out of range");
            ids.push_back(static_cast<std::uint16_t>(v));
            pos = next;
        }
        if (ids.size() != table.levels.size()) fail(number, "wrong number of cluster ids");
        table.words.push_back(line.substr(0, tab));
        table.ids.push_back(std::move(ids));
    }
    return table;
}

}  // namespace herald
