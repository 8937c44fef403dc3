// Features, labels and decoding of the NER tagger (see ner_features.hpp).
#include <herald/ner/detail/features.hpp>

#include <algorithm>
#include <limits>
#include <string>

namespace herald::ner_detail {

std::vector<int> labels_from_chunks(const std::vector<Chunk>& chunks, std::size_t n) {
    std::vector<int> labels(n, 0);
    for (const Chunk& c : chunks) {
        const int t = static_cast<int>(c.type);
        if (c.last <= c.first || c.last > n) continue;
        if (c.last - c.first == 1) {
            labels[c.first] = label_of(t, kUnit);
            continue;
        }
        labels[c.first] = label_of(t, kBegin);
        for (std::size_t i = c.first + 1; i + 1 < c.last; ++i) labels[i] = label_of(t, kInside);
        labels[c.last - 1] = label_of(t, kLast);
    }
    return labels;
}

std::vector<Chunk> chunks_from_labels(const std::vector<int>& labels) {
    std::vector<Chunk> out;
    std::size_t start = 0;
    bool open = false;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const int l = labels[i];
        if (l == 0) {
            open = false;
            continue;
        }
        const int p = pos_of(l);
        const auto type = static_cast<EntityType>(type_of(l));
        if (p == kUnit) {
            out.push_back({i, i + 1, type});
            open = false;
        } else if (p == kBegin) {
            start = i;
            open = true;
        } else if (p == kLast && open) {
            out.push_back({start, i + 1, type});
            open = false;
        }
    }
    return out;
}

std::string lower_case(std::string_view word) {
    std::string out(word);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const auto c = static_cast<unsigned char>(out[i]);
        if (c >= 'A' && c <= 'Z') {
            out[i] = static_cast<char>(c + 32);
        } else if (c == 0xC3 && i + 1 < out.size()) {
            const auto d = static_cast<unsigned char>(out[i + 1]);
            if (d >= 0x80 && d <= 0x9E && d != 0x97) out[i + 1] = static_cast<char>(d + 0x20);
            ++i;
        }
    }
    return out;
}

namespace {

enum Template : std::uint64_t {
    kBias = 1,
    kWord,
    kLowerM2,
    kLowerM1,
    kLower0,
    kLowerP1,
    kLowerP2,
    kShapeM1,
    kShape0,
    kShapeP1,
    kShortM1x0,
    kShort0xP1,
    kShortM1x0xP1,
    kPrefix,
    kSuffix,
    kLowerM1x0,
    kLower0xP1,
    kLowerM1xShort0,
    kShort0xLowerP1,
    kFirstxShort0,
    kCapsSentencexShort0,
    kCapClass0,
    kCapClassM1,
    kCapClassP1,
    kGazetteer,
    kGazetteerM1,
    kGazetteerP1,
    kLength,
};

bool is_upper_at(std::string_view w, std::size_t i) {
    const auto c = static_cast<unsigned char>(w[i]);
    if (c >= 'A' && c <= 'Z') return true;
    if (c == 0xC3 && i + 1 < w.size()) {
        const auto d = static_cast<unsigned char>(w[i + 1]);
        return d >= 0x80 && d <= 0x9E && d != 0x97;
    }
    return false;
}

/// Character classes: X upper, x lower (any non-ASCII letter byte too), d digit, else itself.
char char_class(std::string_view w, std::size_t i) {
    const auto c = static_cast<unsigned char>(w[i]);
    if (is_upper_at(w, i)) return 'X';
    if (c >= 'a' && c <= 'z') return 'x';
    if (c >= '0' && c <= '9') return 'd';
    if (c >= 0x80) return 'x';
    return static_cast<char>(c);
}

struct TokenInfo {
    std::string lower;  // digits kept
    std::uint64_t word = 0, lower_norm = 0, shape = 0, short_shape = 0, lower_raw = 0;
    bool capitalized = false, has_lower = false, has_letter = false;
    std::uint8_t cap_class = 0;
    std::uint8_t gaz_type[4] = {0, 0, 0, 0};  // per type: 0 none, 1+Position
    std::uint8_t length = 0;
};

void describe(std::string_view w, TokenInfo& t) {
    std::string norm(w), shape, short_shape;
    for (std::size_t i = 0; i < w.size(); ++i) {
        const auto c = static_cast<unsigned char>(w[i]);
        if (c >= 0x80 && (c & 0xC0) == 0x80) continue;  // continuation byte
        if (c >= '0' && c <= '9') norm[i] = '0';
        const char k = char_class(w, i);
        if (k == 'X' || k == 'x') t.has_letter = true;
        if (k == 'x') t.has_lower = true;
        const std::size_t run =
            shape.size() >= 2 && shape[shape.size() - 1] == k && shape[shape.size() - 2] == k ? 2
                                                                                              : 0;
        if (run == 0) shape += k;
        if (short_shape.empty() || short_shape.back() != k) short_shape += k;
    }
    t.capitalized = !w.empty() && is_upper_at(w, 0);
    t.lower = lower_case(w);
    t.lower_raw = hash_bytes(t.lower);
    std::string lower_norm = lower_case(norm);
    t.word = hash_bytes(norm);
    t.lower_norm = hash_bytes(lower_norm);
    t.shape = hash_bytes(shape);
    t.short_shape = hash_bytes(short_shape);
    std::size_t chars = 0;
    for (unsigned char c : w) chars += (c & 0xC0) != 0x80;
    t.length = static_cast<std::uint8_t>(std::min<std::size_t>(chars, 12));
}

const TokenInfo& padding(int side) {
    static const TokenInfo before = [] {
        TokenInfo t;
        describe("<S>", t);
        return t;
    }();
    static const TokenInfo after = [] {
        TokenInfo t;
        describe("</S>", t);
        return t;
    }();
    return side < 0 ? before : after;
}

bool opening_punct(std::string_view w) {
    return w == "\"" || w == "'" || w == "(" || w == "[" || w == "-" || w == "--" ||
           w == "\xE2\x80\x9C" || w == "\xE2\x80\x98" || w == "\xC2\xAB" || w == ":" ||
           w == "\xE2\x80\x94" || w == "`" || w == "``";
}

}  // namespace

void sentence_features(const Lexicon& lexicon,
                       unsigned hash_bits,
                       const std::vector<std::string_view>& words,
                       std::vector<std::uint32_t>& feats,
                       std::vector<std::uint32_t>& offsets) {
    const std::size_t n = words.size();
    thread_local std::vector<TokenInfo> info;
    info.resize(n);
    std::size_t letter_tokens = 0, caps_tokens = 0;
    for (std::size_t i = 0; i < n; ++i) {
        TokenInfo& t = info[i];
        t = TokenInfo{};
        describe(words[i], t);
        if (t.has_letter) {
            ++letter_tokens;
            if (!t.has_lower) ++caps_tokens;
        }
        auto it = lexicon.capitalization.find(t.lower_raw);
        t.cap_class = it == lexicon.capitalization.end() ? 0 : it->second;
    }
    // Gazetteer: the longest match starting at each token, marked on the tokens it covers.
    if (!lexicon.gazetteer.empty()) {
        for (std::size_t i = 0; i < n; ++i) {
            std::uint64_t h = kFeatureHashSeed;
            std::size_t best_len = 0;
            std::uint8_t best_mask = 0;
            for (std::size_t len = 1; len <= kMaxGazetteerTokens && i + len <= n; ++len) {
                if (len > 1) h = hash_bytes(" ", h);
                h = hash_bytes(info[i + len - 1].lower, h);
                auto it = lexicon.gazetteer.find(h);
                if (it != lexicon.gazetteer.end()) {
                    best_len = len;
                    best_mask = it->second;
                }
            }
            if (best_len == 0) continue;
            for (int type = 0; type < kTypes; ++type) {
                if (!(best_mask & (1u << type))) continue;
                for (std::size_t k = i; k < i + best_len; ++k) {
                    int pos = best_len == 1           ? kUnit
                              : k == i                ? kBegin
                              : k + 1 == i + best_len ? kLast
                                                      : kInside;
                    if (info[k].gaz_type[type] == 0)
                        info[k].gaz_type[type] = static_cast<std::uint8_t>(1 + pos);
                }
            }
        }
    }
    const bool caps_sentence = letter_tokens > 0 && caps_tokens * 10 >= letter_tokens * 8;
    const unsigned shift = 64 - hash_bits;
    offsets.push_back(static_cast<std::uint32_t>(feats.size()));
    auto at = [&](std::ptrdiff_t k) -> const TokenInfo& {
        if (k < 0) return padding(-1);
        if (k >= static_cast<std::ptrdiff_t>(n)) return padding(1);
        return info[static_cast<std::size_t>(k)];
    };
    for (std::size_t idx = 0; idx < n; ++idx) {
        const auto i = static_cast<std::ptrdiff_t>(idx);
        const TokenInfo& t = info[idx];
        const TokenInfo& m1 = at(i - 1);
        const TokenInfo& m2 = at(i - 2);
        const TokenInfo& p1 = at(i + 1);
        const TokenInfo& p2 = at(i + 2);
        auto add = [&](std::uint64_t h) {
            feats.push_back(static_cast<std::uint32_t>(mix(h) >> shift));
        };
        auto f = [&](Template id, std::uint64_t v) { add(combine(id, v)); };
        add(kBias);
        f(kWord, t.word);
        f(kLowerM2, m2.lower_norm);
        f(kLowerM1, m1.lower_norm);
        f(kLower0, t.lower_norm);
        f(kLowerP1, p1.lower_norm);
        f(kLowerP2, p2.lower_norm);
        f(kShapeM1, m1.shape);
        f(kShape0, t.shape);
        f(kShapeP1, p1.shape);
        f(kShortM1x0, combine(m1.short_shape, t.short_shape));
        f(kShort0xP1, combine(t.short_shape, p1.short_shape));
        f(kShortM1x0xP1, combine(combine(m1.short_shape, t.short_shape), p1.short_shape));
        const std::string& lw = t.lower;
        for (std::size_t k = 1; k <= 4 && k < lw.size(); ++k) {
            f(kPrefix, combine(k, hash_bytes(std::string_view(lw).substr(0, k))));
            f(kSuffix, combine(k, hash_bytes(std::string_view(lw).substr(lw.size() - k))));
        }
        f(kLowerM1x0, combine(m1.lower_norm, t.lower_norm));
        f(kLower0xP1, combine(t.lower_norm, p1.lower_norm));
        f(kLowerM1xShort0, combine(m1.lower_norm, t.short_shape));
        f(kShort0xLowerP1, combine(t.short_shape, p1.lower_norm));
        const bool first = idx == 0 || (idx == 1 && opening_punct(words[0]));
        f(kFirstxShort0, combine(first ? 1 : 2, t.short_shape));
        f(kCapsSentencexShort0, combine(caps_sentence ? 1 : 2, t.short_shape));
        const std::uint64_t context = (first ? 1 : 0) | (caps_sentence ? 2 : 0) |
                                      (t.capitalized ? 4 : 0) | (t.has_lower ? 8 : 0);
        f(kCapClass0, combine(context, t.cap_class));
        f(kCapClassM1, combine(m1.capitalized | (caps_sentence ? 2 : 0), m1.cap_class));
        f(kCapClassP1, combine(p1.capitalized | (caps_sentence ? 2 : 0), p1.cap_class));
        for (int type = 0; type < kTypes; ++type) {
            if (t.gaz_type[type])
                f(kGazetteer, combine(type * 8 + t.gaz_type[type], t.capitalized));
            if (m1.gaz_type[type]) f(kGazetteerM1, type * 8 + m1.gaz_type[type]);
            if (p1.gaz_type[type]) f(kGazetteerP1, type * 8 + p1.gaz_type[type]);
        }
        f(kLength, combine(t.length, t.short_shape));
        offsets.push_back(static_cast<std::uint32_t>(feats.size()));
    }
}

std::vector<int> viterbi(const float* scores, std::size_t n, const float* trans) {
    std::vector<int> out(n, 0);
    if (n == 0) return out;
    constexpr float kNone = -std::numeric_limits<float>::infinity();
    // Predecessor lists of the constrained transitions (computed once).
    static const auto predecessors = [] {
        std::vector<std::vector<int>> p(kLabels);
        for (int cur = 0; cur < kLabels; ++cur) {
            for (int prev = 0; prev < kLabels; ++prev) {
                if (allowed(prev, cur)) p[cur].push_back(prev);
            }
        }
        return p;
    }();
    thread_local std::vector<float> delta;
    thread_local std::vector<int> back;
    delta.assign(n * kLabels, kNone);
    back.assign(n * kLabels, 0);
    for (int y = 0; y < kLabels; ++y) {
        if (allowed(-1, y)) delta[y] = trans[y] + scores[y];
    }
    for (std::size_t i = 1; i < n; ++i) {
        const float* prev = &delta[(i - 1) * kLabels];
        float* cur = &delta[i * kLabels];
        const float* s = scores + i * kLabels;
        for (int y = 0; y < kLabels; ++y) {
            float best = kNone;
            int arg = 0;
            for (int p : predecessors[y]) {
                const float v = prev[p] + trans[(p + 1) * kLabels + y];
                if (v > best) {
                    best = v;
                    arg = p;
                }
            }
            cur[y] = best + s[y];
            back[i * kLabels + y] = arg;
        }
    }
    const float* last = &delta[(n - 1) * kLabels];
    const float* end = trans + (kLabels + 1) * kLabels;
    float best = kNone;
    int arg = 0;
    for (int y = 0; y < kLabels; ++y) {
        if (!can_end(y)) continue;
        const float v = last[y] + end[y];
        if (v > best) {
            best = v;
            arg = y;
        }
    }
    out[n - 1] = arg;
    for (std::size_t i = n - 1; i > 0; --i) out[i - 1] = back[i * kLabels + out[i]];
    return out;
}

}  // namespace herald::ner_detail
