// News tokenizer and sentence splitter (see include/herald/ner/tokenizer.hpp).
#include <herald/ner/tokenizer.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>

namespace herald {
namespace {

enum class CharClass { space, word, punct };

/// One decoded code point: its value and byte length (invalid bytes decode as themselves).
struct CodePoint {
    char32_t value = 0;
    std::size_t length = 0;
};

CodePoint decode(std::string_view s, std::size_t i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) return {b0, 1};
    std::size_t len = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 1;
    if (len == 1 || i + len > s.size()) return {b0, 1};
    char32_t cp = b0 & (0x3F >> (len - 1));
    for (std::size_t k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) return {b0, 1};
        cp = (cp << 6) | (b & 0x3F);
    }
    return {cp, len};
}

CharClass classify(char32_t c) {
    if (c < 0x80) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            return CharClass::space;
        }
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            return CharClass::word;
        }
        return CharClass::punct;
    }
    if (c == 0xA0 || (c >= 0x2000 && c <= 0x200B) || c == 0x202F || c == 0x205F || c == 0x3000) {
        return CharClass::space;
    }
    if ((c >= 0x80 && c <= 0xBF && c != 0xAA && c != 0xB5 && c != 0xBA) || c == 0xD7 || c == 0xF7 ||
        (c >= 0x2010 && c <= 0x206F) || (c >= 0x20A0 && c <= 0x20CF) ||
        (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF01 && c <= 0xFF0F)) {
        return CharClass::punct;
    }
    return CharClass::word;
}

bool is_apostrophe(char32_t c) {
    return c == '\'' || c == 0x2019;
}
bool is_ascii_alpha(char32_t c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_ascii_upper(char32_t c) {
    return c >= 'A' && c <= 'Z';
}
bool is_ascii_lower(char32_t c) {
    return c >= 'a' && c <= 'z';
}
bool is_digit(char32_t c) {
    return c >= '0' && c <= '9';
}

class Scanner {
   public:
    explicit Scanner(std::string_view text) : s_(text) {}

    CodePoint at(std::size_t i) const {
        if (i >= s_.size()) return {0, 0};
        return decode(s_, i);
    }
    CharClass class_at(std::size_t i) const {
        if (i >= s_.size()) return CharClass::space;
        return classify(at(i).value);
    }
    bool word_at(std::size_t i) const { return class_at(i) == CharClass::word; }

    std::size_t size() const { return s_.size(); }
    std::string_view text() const { return s_; }

   private:
    std::string_view s_;
};

/// Length in bytes of a contraction/possessive suffix that starts with an apostrophe at @p i
/// (`'s`, `'ll`, `'re`, `'ve`, `'d`, `'m`, case-insensitive), or 0.
std::size_t clitic_length(const Scanner& sc, std::size_t i) {
    const CodePoint apo = sc.at(i);
    if (!is_apostrophe(apo.value)) return 0;
    const std::size_t j = i + apo.length;
    static const std::array<std::string_view, 6> clitics = {"s", "ll", "re", "ve", "d", "m"};
    for (std::string_view c : clitics) {
        if (j + c.size() > sc.size()) continue;
        bool same = true;
        for (std::size_t k = 0; k < c.size(); ++k) {
            char ch = sc.text()[j + k];
            if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
            if (ch != c[k]) same = false;
        }
        if (same && !sc.word_at(j + c.size())) return apo.length + c.size();
    }
    return 0;
}

/// Scans the word that starts at @p start; returns its end.
std::size_t scan_word(const Scanner& sc, std::size_t start) {
    std::size_t i = start;
    while (true) {
        while (i < sc.size() && sc.word_at(i)) i += sc.at(i).length;
        if (i >= sc.size()) return i;
        const CodePoint c = sc.at(i);
        const std::size_t next = i + c.length;
        const CodePoint prev = sc.at(i - 1);
        if ((c.value == '-' || c.value == 0x2010 || c.value == 0x2011) && sc.word_at(next)) {
            i = next;  // hyphenated word
            continue;
        }
        if ((c.value == '.' || c.value == ',' || c.value == ':') && is_digit(prev.value) &&
            is_digit(sc.at(next).value)) {
            i = next;  // 1,000.5 or 10:30
            continue;
        }
        if (c.value == '&' && is_ascii_upper(prev.value) && is_ascii_upper(sc.at(next).value)) {
            i = next;  // AT&T, S&P
            continue;
        }
        if (is_apostrophe(c.value) && sc.word_at(next)) {
            if (clitic_length(sc, i) > 0) return i;  // Varga’s → Varga + ’s
            // n't: "don't" → "do" + "n't"
            if ((prev.value == 'n' || prev.value == 'N') &&
                (sc.at(next).value == 't' || sc.at(next).value == 'T') && !sc.word_at(next + 1) &&
                i - 1 > start) {
                return i - 1;
            }
            i = next;  // O’Neill
            continue;
        }
        return i;
    }
}

bool single_letter(std::string_view word) {
    return word.size() == 1 && is_ascii_alpha(static_cast<unsigned char>(word[0]));
}

}  // namespace

bool is_abbreviation(std::string_view word) {
    static const std::array<std::string_view, 62> list = {
        "Mr",  "Mrs",  "Ms",   "Dr",     "Gov",  "Sen",  "Rep", "St",   "Gen",  "Col", "Lt",
        "Sgt", "Capt", "Cmdr", "Adm",    "Maj",  "Rev",  "Hon", "Prof", "Pres", "Jr",  "Sr",
        "Jan", "Feb",  "Mar",  "Apr",    "Jun",  "Jul",  "Aug", "Sep",  "Sept", "Oct", "Nov",
        "Dec", "Corp", "Inc",  "Ltd",    "Co",   "Bros", "Cos", "vs",   "etc",  "No",  "Mt",
        "Ft",  "Ave",  "Dept", "Univ",   "Assn", "MR",   "MRS", "DR",   "GOV",  "SEN", "CORP",
        "INC", "LTD",  "CO",   "Messrs", "Gens", "Reps", "Sens"};
    return std::find(list.begin(), list.end(), word) != list.end();
}

std::vector<Token> tokenize(std::string_view text) {
    Scanner sc(text);
    std::vector<Token> out;
    auto emit = [&](std::size_t b, std::size_t e) { out.push_back({b, e, text.substr(b, e - b)}); };
    std::size_t i = 0;
    while (i < sc.size()) {
        const CodePoint c = sc.at(i);
        const CharClass cls = classify(c.value);
        if (cls == CharClass::space) {
            i += c.length;
            continue;
        }
        if (cls == CharClass::punct) {
            if (std::size_t n = clitic_length(sc, i);
                n > 0 && !out.empty() && out.back().end == i) {
                emit(i, i + n);  // ’s after a word
                i += n;
                continue;
            }
            if ((c.value == '.' && text.substr(i, 3) == "...")) {
                emit(i, i + 3);
                i += 3;
                continue;
            }
            if (c.value == '-' && text.substr(i, 2) == "--") {
                std::size_t e = i;
                while (e < sc.size() && text[e] == '-') ++e;
                emit(i, e);
                i = e;
                continue;
            }
            emit(i, i + c.length);
            i += c.length;
            continue;
        }
        // A word. n't first: "n't" starting here.
        if ((c.value == 'n' || c.value == 'N') && is_apostrophe(sc.at(i + 1).value)) {
            const CodePoint apo = sc.at(i + 1);
            const std::size_t t = i + 1 + apo.length;
            if ((sc.at(t).value == 't' || sc.at(t).value == 'T') && !sc.word_at(t + 1) &&
                !out.empty() && out.back().end == i) {
                emit(i, t + 1);
                i = t + 1;
                continue;
            }
        }
        std::size_t end = scan_word(sc, i);
        std::string_view word = text.substr(i, end - i);
        if (end < sc.size() && text[end] == '.') {
            if (single_letter(word)) {
                // Initialism (U.S., a.m.) or a capital initial (J.).
                std::size_t e = end + 1;
                bool initialism = false;
                while (e + 1 < sc.size() && is_ascii_alpha(static_cast<unsigned char>(text[e])) &&
                       text[e + 1] == '.' && !sc.word_at(e + 1 + 1)) {
                    e += 2;
                    initialism = true;
                }
                if (initialism || is_ascii_upper(static_cast<unsigned char>(word[0]))) end = e;
            } else if (is_abbreviation(word)) {
                end += 1;
            }
        }
        emit(i, end);
        i = end;
    }
    return out;
}

namespace {

bool ends_sentence(std::string_view t) {
    return t == "." || t == "!" || t == "?" || t == "..." || t == "\xE2\x80\xA6";
}

bool closes(std::string_view t) {
    return t == "\"" || t == "'" || t == ")" || t == "]" || t == "\xE2\x80\x9D" ||
           t == "\xE2\x80\x99" || t == "\xC2\xBB";
}

bool blank_line_between(std::string_view text, std::size_t from, std::size_t to) {
    int newlines = 0;
    for (std::size_t i = from; i < to; ++i) {
        if (text[i] == '\n') {
            if (++newlines >= 2) return true;
        } else if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r') {
            newlines = 0;
        }
    }
    return false;
}

bool starts_lower(std::string_view t) {
    return !t.empty() && is_ascii_lower(static_cast<unsigned char>(t[0]));
}

}  // namespace

std::vector<Sentence> split_sentences(std::string_view text, const std::vector<Token>& tokens) {
    std::vector<Sentence> out;
    std::size_t first = 0;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        bool end_here = false;
        std::size_t last = i + 1;
        if (ends_sentence(tokens[i].text)) {
            while (last < tokens.size() && closes(tokens[last].text) &&
                   tokens[last].begin == tokens[last - 1].end) {
                ++last;
            }
            end_here = last >= tokens.size() || !starts_lower(tokens[last].text);
        }
        if (!end_here && last < tokens.size() &&
            blank_line_between(text, tokens[last - 1].end, tokens[last].begin)) {
            end_here = true;
        }
        if (end_here || last >= tokens.size()) {
            out.push_back({first, last});
            first = last;
            i = last - 1;
        }
    }
    return out;
}

}  // namespace herald
