// Features, labels and decoding of the NER tagger (see ner_features.hpp).
#include <herald/ner/detail/features.hpp>

#include <algorithm>
#include <limits>
#include <string>
#include <unordered_map>

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

std::uint64_t phrase_hash(const std::vector<std::string>& lower_tokens) {
    std::uint64_t h = kFeatureHashSeed;
    for (std::size_t i = 0; i < lower_tokens.size(); ++i) {
        if (i > 0) h = hash_bytes(" ", h);
        h = hash_bytes(lower_tokens[i], h);
    }
    return h;
}

void add_gazetteer_phrase(Lexicon& lexicon, const std::vector<std::string>& lower_tokens, int bit) {
    if (lower_tokens.empty() || lower_tokens.size() > kMaxGazetteerTokens) return;
    std::uint64_t h = kFeatureHashSeed;
    for (std::size_t i = 0; i < lower_tokens.size(); ++i) {
        if (i > 0) h = hash_bytes(" ", h);
        h = hash_bytes(lower_tokens[i], h);
        const bool last = i + 1 == lower_tokens.size();
        lexicon.gazetteer[h] |= static_cast<std::uint16_t>(1u << (last ? bit : kGazPrefix));
    }
}

WordEntry lookup_word(const Lexicon& lexicon, std::string_view word) {
    const WordEntry* e = lexicon.words.find(hash_bytes(lower_case(word)));
    return e == nullptr ? WordEntry{} : *e;
}

void match_gazetteer(const Lexicon& lexicon,
                     const std::vector<std::string_view>& lower_words,
                     std::vector<GazetteerMarks>& marks) {
    const std::size_t n = lower_words.size();
    marks.assign(n, GazetteerMarks{});
    for (std::size_t i = 0; i < n; ++i) {
        std::uint64_t h = kFeatureHashSeed;
        std::uint8_t best_len[kGazSources] = {};
        std::uint16_t found = 0;
        for (std::size_t len = 1; len <= kMaxGazetteerTokens && i + len <= n; ++len) {
            if (len > 1) h = hash_bytes(" ", h);
            h = hash_bytes(lower_words[i + len - 1], h);
            const std::uint16_t* bits = lexicon.gazetteer.find(h);
            if (bits == nullptr) break;
            std::uint16_t mask = *bits & static_cast<std::uint16_t>(~(1u << kGazPrefix));
            found |= mask;
            while (mask != 0) {
                best_len[__builtin_ctz(mask)] = static_cast<std::uint8_t>(len);
                mask &= static_cast<std::uint16_t>(mask - 1);
            }
            if (!(*bits & (1u << kGazPrefix))) break;
        }
        while (found != 0) {
            const int b = __builtin_ctz(found);
            found &= static_cast<std::uint16_t>(found - 1);
            const std::size_t len = best_len[b];
            for (std::size_t k = i; k < i + len; ++k) {
                const int pos = len == 1           ? kUnit
                                : k == i           ? kBegin
                                : k + 1 == i + len ? kLast
                                                   : kInside;
                if (marks[k].position[b] == 0)
                    marks[k].position[b] = static_cast<std::uint8_t>(1 + pos);
                marks[k].any |= static_cast<std::uint16_t>(1u << b);
            }
        }
    }
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
    kClusterM1,
    kCluster0,
    kClusterP1,
    kClusterM2,
    kClusterP2,
    kCluster0xCap,
    kClusterM1x0,
    // The second pass (document_features()).
    kDocBias,
    kDocMajority,
    kDocMajorityxFirst,
    kDocShare,
    kDocSuper,
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
    WordEntry entry;
    GazetteerMarks gaz;
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
        if (const WordEntry* e = lexicon.words.find(t.lower_raw)) t.entry = *e;
    }
    if (!lexicon.gazetteer.empty()) {
        thread_local std::vector<std::string_view> lower;
        thread_local std::vector<GazetteerMarks> marks;
        lower.clear();
        for (std::size_t i = 0; i < n; ++i) lower.push_back(info[i].lower);
        match_gazetteer(lexicon, lower, marks);
        for (std::size_t i = 0; i < n; ++i) info[i].gaz = marks[i];
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
        f(kCapClass0, combine(context, t.entry.cap_class));
        f(kCapClassM1, combine(m1.capitalized | (caps_sentence ? 2 : 0), m1.entry.cap_class));
        f(kCapClassP1, combine(p1.capitalized | (caps_sentence ? 2 : 0), p1.entry.cap_class));
        auto gazetteer = [&](Template id, const TokenInfo& k, bool with_case) {
            for (std::uint16_t any = k.gaz.any; any != 0;
                 any &= static_cast<std::uint16_t>(any - 1)) {
                const int b = __builtin_ctz(any);
                const std::uint64_t v = static_cast<std::uint64_t>(b) * 8 + k.gaz.position[b];
                f(id, with_case ? combine(v, k.capitalized) : v);
            }
        };
        gazetteer(kGazetteer, t, true);
        gazetteer(kGazetteerM1, m1, false);
        gazetteer(kGazetteerP1, p1, false);
        for (int level = 0; level < kClusterLevels; ++level) {
            const std::uint64_t lv = static_cast<std::uint64_t>(level) << 20;
            f(kClusterM1, lv | m1.entry.cluster[level]);
            f(kCluster0, lv | t.entry.cluster[level]);
            f(kClusterP1, lv | p1.entry.cluster[level]);
        }
        f(kClusterM2, m2.entry.cluster[kClusterLevels - 1]);
        f(kClusterP2, p2.entry.cluster[kClusterLevels - 1]);
        f(kCluster0xCap, combine(t.entry.cluster[kClusterLevels - 1], context));
        f(kClusterM1x0, combine(m1.entry.cluster[1], t.entry.cluster[1]));
        f(kLength, combine(t.length, t.short_shape));
        offsets.push_back(static_cast<std::uint32_t>(feats.size()));
    }
}

namespace {

// The ASCII-lower-cased hash of a word, and whether it starts with a capital.
std::uint64_t form_key(std::string_view w) {
    std::uint64_t h = kFeatureHashSeed;
    for (unsigned char c : w) {
        h ^= (c >= 'A' && c <= 'Z') ? c + 32 : c;
        h *= 1099511628211ULL;
    }
    return h;
}

int within_class(int label) {
    const int p = pos_of(label);
    return type_of(label) * 3 + (p == kBegin ? 0 : p == kInside ? 1 : 2);
}

int bucket(int count) {
    return count <= 1 ? 0 : count == 2 ? 1 : count <= 5 ? 2 : 3;
}

}  // namespace

void document_evidence(const std::vector<std::vector<std::string_view>>& words,
                       const std::vector<std::vector<int>>& labels,
                       std::vector<FormEvidence>& evidence) {
    thread_local std::unordered_map<std::uint64_t, FormEvidence> stats;
    thread_local std::vector<std::uint64_t> keys;  // per token of the document; 0: not counted
    stats.clear();
    keys.clear();
    for (std::size_t s = 0; s < words.size(); ++s) {
        for (std::size_t i = 0; i < words[s].size(); ++i) {
            const std::string_view w = words[s][i];
            if (w.empty() || !is_upper_at(w, 0)) {
                keys.push_back(0);
                continue;
            }
            const std::uint64_t key = form_key(w) | 1;  // never 0
            keys.push_back(key);
            FormEvidence& st = stats[key];
            const int l = labels[s][i];
            ++st.label[l == 0 ? kTypes : type_of(l)];
            if (l != 0 && pos_of(l) != kUnit) ++st.within[within_class(l)];
        }
    }
    evidence.assign(keys.size(), FormEvidence{});
    std::size_t token = 0;
    for (std::size_t s = 0; s < words.size(); ++s) {
        for (std::size_t i = 0; i < words[s].size(); ++i, ++token) {
            if (keys[token] == 0) continue;
            FormEvidence& e = evidence[token];
            e = stats[keys[token]];
            e.counted = true;
            const int l = labels[s][i];  // this occurrence does not count
            --e.label[l == 0 ? kTypes : type_of(l)];
            if (l != 0 && pos_of(l) != kUnit) --e.within[within_class(l)];
        }
    }
}

void document_features(unsigned hash_bits,
                       const std::vector<std::vector<std::string_view>>& words,
                       const std::vector<std::vector<int>>& labels,
                       std::vector<std::uint32_t>& feats,
                       std::vector<std::uint32_t>& offsets) {
    thread_local std::vector<FormEvidence> evidence;
    document_evidence(words, labels, evidence);
    const unsigned shift = 64 - hash_bits;
    std::size_t token = 0;
    for (std::size_t s = 0; s < words.size(); ++s) {
        offsets.push_back(static_cast<std::uint32_t>(feats.size()));
        for (std::size_t i = 0; i < words[s].size(); ++i, ++token) {
            auto f = [&](Template id, std::uint64_t v) {
                feats.push_back(static_cast<std::uint32_t>(mix(combine(id, v)) >> shift));
            };
            f(kDocBias, 0);
            const FormEvidence& st = evidence[token];
            if (st.counted) {
                int total = 0, major = 0;
                for (int k = 0; k <= kTypes; ++k) {
                    total += st.label[k];
                    if (st.label[k] > st.label[major]) major = k;
                }
                if (total > 0) {
                    f(kDocMajority, combine(major, bucket(total)));
                    f(kDocMajorityxFirst, combine(major, i == 0));
                    for (int k = 0; k < kTypes; ++k) {
                        if (st.label[k] == 0) continue;
                        const int share = st.label[k] == total       ? 3
                                          : st.label[k] * 2 >= total ? 2
                                                                     : 1;
                        f(kDocShare, combine(k, share));
                    }
                }
                int best = -1;
                for (int k = 0; k < kTypes * 3; ++k) {
                    if (st.within[k] > 0 && (best < 0 || st.within[k] > st.within[best])) best = k;
                }
                if (best >= 0) f(kDocSuper, combine(best, bucket(st.within[best])));
            }
            offsets.push_back(static_cast<std::uint32_t>(feats.size()));
        }
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
