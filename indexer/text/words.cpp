// The word rule: what a word of news text is and which term it indexes as. Indexing,
// query parsing and snippets all go through this file (see include/herald/text/words.hpp).
#include <herald/text/strings.hpp>
#include <herald/text/words.hpp>

#include <libstemmer.h>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <stdexcept>
#include <unordered_map>

namespace herald {

namespace {

// Snowball stemming through libstemmer, with a bounded cache of stems.
class LibstemmerStem : public Xapian::StemImplementation {
   public:
    explicit LibstemmerStem(std::string language)
        : language_(std::move(language)), stemmer_(sb_stemmer_new(language_.c_str(), "UTF_8")) {
        if (stemmer_ == nullptr) {
            throw std::invalid_argument("no Snowball stemmer for language \"" + language_ + "\"");
        }
    }
    ~LibstemmerStem() override { sb_stemmer_delete(stemmer_); }
    LibstemmerStem(const LibstemmerStem&) = delete;
    LibstemmerStem& operator=(const LibstemmerStem&) = delete;

    std::string operator()(const std::string& word) override {
        // Initialisms ("u_s" from "U.S.", see normalize_for_terms) are names: never stemmed.
        if (word.find('_') != std::string::npos) return word;
        auto hit = cache_.find(word);
        if (hit != cache_.end()) return hit->second;
        const sb_symbol* out =
            sb_stemmer_stem(stemmer_, reinterpret_cast<const sb_symbol*>(word.data()),
                            static_cast<int>(word.size()));
        std::string stem = out == nullptr
                               ? word
                               : std::string(reinterpret_cast<const char*>(out),
                                             static_cast<std::size_t>(sb_stemmer_length(stemmer_)));
        if (cache_.size() >= kCacheLimit) cache_.clear();
        cache_.emplace(word, stem);
        return stem;
    }

    std::string get_description() const override { return "libstemmer:" + language_; }

   private:
    static constexpr std::size_t kCacheLimit = 1 << 18;
    std::string language_;
    sb_stemmer* stemmer_;
    std::unordered_map<std::string, std::string> cache_;
};

const char* const kEnglishStopWords[] = {
    "a",      "about",  "above", "after",   "again",   "against", "all",      "am",
    "an",     "and",    "any",   "are",     "as",      "at",      "be",       "because",
    "been",   "before", "being", "below",   "between", "both",    "but",      "by",
    "can",    "did",    "do",    "does",    "doing",   "down",    "during",   "each",
    "few",    "for",    "from",  "further", "had",     "has",     "have",     "having",
    "he",     "her",    "here",  "hers",    "herself", "him",     "himself",  "his",
    "how",    "i",      "if",    "in",      "into",    "is",      "it",       "its",
    "itself", "me",     "more",  "most",    "my",      "myself",  "no",       "nor",
    "not",    "of",     "off",   "on",      "once",    "only",    "or",       "other",
    "our",    "ours",   "out",   "over",    "own",     "same",    "she",      "should",
    "so",     "some",   "such",  "than",    "that",    "the",     "their",    "them",
    "then",   "there",  "these", "they",    "this",    "those",   "through",  "to",
    "too",    "under",  "until", "up",      "very",    "was",     "we",       "were",
    "what",   "when",   "where", "which",   "while",   "who",     "whom",     "why",
    "will",   "with",   "would", "you",     "your",    "yours",   "yourself", "yourselves"};

bool is_ascii_alnum(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_ascii_letter(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
// A byte that can belong to a word: ASCII letters/digits, '_' or any non-ASCII byte.
bool is_word_byte(unsigned char c) {
    return is_ascii_alnum(c) || c == '_' || c >= 0x80;
}

// BCP 47 tags: the primary language subtag, lower-cased ("en-US" → "en").
std::string primary_language(std::string_view language) {
    std::string code(language.substr(0, language.find_first_of("-_")));
    for (char& c : code) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return code;
}

// Decodes the code point at text[i] and sets len to its length in bytes. A byte
// that does not start a complete sequence decodes as U+FFFD with length 1.
unsigned code_point_at(std::string_view text, std::size_t i, std::size_t& len) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    if (b0 < 0x80) {  // most of news text: no table lookup
        len = 1;
        return b0;
    }
    len = utf8_sequence_length(b0);
    if (len == 1 || i + len > text.size()) {
        len = 1;
        return b0 < 0x80 ? b0 : 0xFFFD;
    }
    unsigned cp = b0 & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
    for (std::size_t k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(text[i + k]);
        if ((b & 0xC0) != 0x80) {
            len = 1;
            return 0xFFFD;
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    return cp;
}

bool is_apostrophe(unsigned cp) {
    return cp == '\'' || cp == 0x2019 || cp == 0x2018 || cp == 0x02BC;
}

bool is_letter(unsigned cp) {
    return Xapian::Unicode::is_wordchar(cp) && !(cp >= '0' && cp <= '9');
}

// Xapian::Unicode::is_wordchar(), answered without a table lookup for ASCII: letters, digits
// and the connector '_' (the only ASCII characters of the categories it accepts).
bool wordchar(unsigned cp) {
    if (cp < 0x80) return is_ascii_alnum(static_cast<unsigned char>(cp)) || cp == '_';
    return Xapian::Unicode::is_wordchar(cp);
}

}  // namespace

Xapian::Stem make_stemmer(std::string_view language) {
    if (language.empty() || language == "none") return Xapian::Stem();
    return Xapian::Stem(new LibstemmerStem(std::string(language)));
}

bool stem_keeps_word_start(const Xapian::Stem& stemmer) {
    if (stemmer.is_none()) return true;
    // Xapian::Stem describes itself as "Xapian::Stem(" + its implementation's description + ")":
    // LibstemmerStem's is "libstemmer:" + the name it was made with, Xapian's own the name.
    std::string d = stemmer.get_description();
    const std::string_view wrap = "Xapian::Stem(";
    if (d.compare(0, wrap.size(), wrap) == 0 && !d.empty() && d.back() == ')') {
        d = d.substr(wrap.size(), d.size() - wrap.size() - 1);
    }
    const std::string_view own = "libstemmer:";
    if (d.compare(0, own.size(), own) == 0) d.erase(0, own.size());
    for (const char* name : {"en", "eng", "english", "porter"}) {
        if (d == name) return true;
    }
    return false;
}

Xapian::Stem make_stemmer_or_none(std::string_view language) {
    const std::string code = primary_language(language);
    try {
        return make_stemmer(code);
    } catch (const std::invalid_argument&) {
        return Xapian::Stem();
    }
}

Xapian::Stopper* make_stopper(std::string_view language) {
    const std::string code = primary_language(language);
    if (code != "en" && code != "english" && code != "eng") return nullptr;
    return new Xapian::SimpleStopper(std::begin(kEnglishStopWords), std::end(kEnglishStopWords));
}

std::string normalize_for_terms(std::string_view in) {
    // Pass 1: unify apostrophes.
    std::string s;
    s.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        auto c = static_cast<unsigned char>(in[i]);
        if (c == 0xE2 && i + 2 < in.size() && static_cast<unsigned char>(in[i + 1]) == 0x80 &&
            (static_cast<unsigned char>(in[i + 2]) == 0x99 ||
             static_cast<unsigned char>(in[i + 2]) == 0x98)) {
            s += '\'';
            i += 2;
        } else if (c == 0xEF && i + 2 < in.size() &&
                   static_cast<unsigned char>(in[i + 1]) == 0xB8 &&
                   (static_cast<unsigned char>(in[i + 2]) & 0xF0) == 0x80) {
            i += 2;  // variation selectors U+FE00..U+FE0F (emoji presentation) are not words
        } else if (c == 0xCA && i + 1 < in.size() &&
                   static_cast<unsigned char>(in[i + 1]) == 0xBC) {
            s += '\'';
            i += 1;
        } else if (c == 0xEF && i + 2 < in.size() &&
                   static_cast<unsigned char>(in[i + 1]) == 0xBC &&
                   static_cast<unsigned char>(in[i + 2]) == 0x87) {
            s += '\'';
            i += 2;
        } else {
            s += static_cast<char>(c);
        }
    }
    // Pass 2: possessives and initialisms.
    std::string out;
    out.reserve(s.size());
    const std::size_t n = s.size();
    auto byte = [&](std::size_t i) -> unsigned char {
        return i < n ? static_cast<unsigned char>(s[i]) : 0;
    };
    for (std::size_t i = 0; i < n;) {
        unsigned char c = byte(i);
        // Initialism: L.L(.L)*[.] at a word start, not followed by a word byte.
        if (is_ascii_letter(c) && (i == 0 || !is_word_byte(byte(i - 1))) && byte(i + 1) == '.' &&
            is_ascii_letter(byte(i + 2)) && !is_word_byte(byte(i + 3))) {
            std::size_t j = i;
            std::string letters;
            while (is_ascii_letter(byte(j)) && !is_word_byte(byte(j + 1)) &&
                   (byte(j + 1) == '.' || !letters.empty())) {
                letters += static_cast<char>(byte(j));
                if (byte(j + 1) != '.') {
                    ++j;
                    break;
                }
                j += 2;  // letter and dot
            }
            if (letters.size() >= 2) {
                for (std::size_t k = 0; k < letters.size(); ++k) {
                    if (k) out += '_';
                    out += letters[k];
                }
                i = j;
                continue;
            }
        }
        if (c == '\'' && i > 0 && is_word_byte(byte(i - 1))) {
            // "'s" possessive
            if ((byte(i + 1) == 's' || byte(i + 1) == 'S') && !is_word_byte(byte(i + 2)) &&
                byte(i + 2) != '\'') {
                i += 2;
                continue;
            }
            // plural possessive "ministers'"
            if (!is_word_byte(byte(i + 1)) && (byte(i - 1) == 's' || byte(i - 1) == 'S')) {
                i += 1;
                continue;
            }
        }
        out += static_cast<char>(c);
        ++i;
    }
    return out;
}

std::string word_term(std::string_view word, const Xapian::Stem& stemmer) {
    // Fast path: an ASCII word of letters and digits is left as it is by normalize_for_terms
    // (no apostrophe, dot or multi-byte sequence to rewrite), and lower-cased byte by byte.
    if (std::all_of(word.begin(), word.end(),
                    [](char c) { return is_ascii_alnum(static_cast<unsigned char>(c)); })) {
        std::string lower(word);
        for (char& c : lower) {
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
        return stemmer(lower);
    }
    std::string normalized = normalize_for_terms(word);
    std::string lower = Xapian::Unicode::tolower(normalized);
    return stemmer(lower);
}

std::vector<WordSpan> split_words(std::string_view text) {
    std::vector<WordSpan> words;
    words.reserve(text.size() / 6 + 1);  // English news: about one word per 6 bytes
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t len;
        unsigned cp = code_point_at(text, i, len);
        if (!wordchar(cp)) {
            i += len;
            continue;
        }
        const std::size_t begin = i;
        unsigned prev = cp;
        i += len;
        while (i < text.size()) {
            cp = code_point_at(text, i, len);
            if (wordchar(cp)) {
                prev = cp;
                i += len;
                continue;
            }
            std::size_t next_len = 0;
            unsigned next = i + len < text.size() ? code_point_at(text, i + len, next_len) : 0;
            // Join "O’Neill", "don't" and initialisms "U.S." (a dot between single letters).
            if (is_apostrophe(cp) && wordchar(next)) {
                prev = next;
                i += len + next_len;
                continue;
            }
            // Numbers keep their separators: "1,164", "5.93".
            if ((cp == '.' || cp == ',') && prev >= '0' && prev <= '9' && next >= '0' &&
                next <= '9') {
                prev = next;
                i += len + next_len;
                continue;
            }
            if (cp == '.' && is_letter(prev) && is_letter(next)) {
                std::size_t after = i + len + next_len;
                std::size_t l2 = 0;
                unsigned after_cp = after < text.size() ? code_point_at(text, after, l2) : 0;
                if (!wordchar(after_cp)) {
                    prev = next;
                    i = after;
                    // Keep the closing dot of "U.S." inside the word.
                    if (after_cp == '.') {
                        std::size_t l3 = 0;
                        unsigned beyond =
                            after + l2 < text.size() ? code_point_at(text, after + l2, l3) : 0;
                        if (!wordchar(beyond)) i = after + l2;
                    }
                    continue;
                }
            }
            break;
        }
        words.push_back({begin, i});
    }
    return words;
}

}  // namespace herald
