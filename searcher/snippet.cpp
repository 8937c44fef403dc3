#include <herald/analyzer.hpp>
#include <herald/snippet.hpp>
#include <herald/text.hpp>

#include <algorithm>
#include <unordered_map>

namespace herald {

namespace {

// Decodes the code point at text[i] and sets len to its length in bytes. A byte
// that does not start a complete sequence decodes as U+FFFD with length 1.
unsigned code_point_at(std::string_view text, std::size_t i, std::size_t& len) {
    const auto b0 = static_cast<unsigned char>(text[i]);
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

bool is_apostrophe(unsigned cp) { return cp == '\'' || cp == 0x2019 || cp == 0x2018 || cp == 0x02BC; }

bool is_letter(unsigned cp) {
    return Xapian::Unicode::is_wordchar(cp) && !(cp >= '0' && cp <= '9');
}

}  // namespace

std::vector<WordSpan> split_words(std::string_view text) {
    std::vector<WordSpan> words;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t len;
        unsigned cp = code_point_at(text, i, len);
        if (!Xapian::Unicode::is_wordchar(cp)) {
            i += len;
            continue;
        }
        const std::size_t begin = i;
        unsigned prev = cp;
        i += len;
        while (i < text.size()) {
            cp = code_point_at(text, i, len);
            if (Xapian::Unicode::is_wordchar(cp)) {
                prev = cp;
                i += len;
                continue;
            }
            std::size_t next_len = 0;
            unsigned next = i + len < text.size() ? code_point_at(text, i + len, next_len) : 0;
            // Join "O’Neill", "don't" and initialisms "U.S." (a dot between single letters).
            if (is_apostrophe(cp) && Xapian::Unicode::is_wordchar(next)) {
                prev = next;
                i += len + next_len;
                continue;
            }
            // Numbers keep their separators: "1,164", "5.93".
            if ((cp == '.' || cp == ',') && prev >= '0' && prev <= '9' && next >= '0' && next <= '9') {
                prev = next;
                i += len + next_len;
                continue;
            }
            if (cp == '.' && is_letter(prev) && is_letter(next)) {
                std::size_t after = i + len + next_len;
                std::size_t l2 = 0;
                unsigned after_cp = after < text.size() ? code_point_at(text, after, l2) : 0;
                if (!Xapian::Unicode::is_wordchar(after_cp)) {
                    prev = next;
                    i = after;
                    // Keep the closing dot of "U.S." inside the word.
                    if (after_cp == '.') {
                        std::size_t l3 = 0;
                        unsigned beyond = after + l2 < text.size() ? code_point_at(text, after + l2, l3) : 0;
                        if (!Xapian::Unicode::is_wordchar(beyond)) i = after + l2;
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

Highlighter::Highlighter(std::unordered_set<std::string> terms, std::vector<std::string> wildcard_prefixes,
                         Xapian::Stem stemmer)
    : terms_(std::move(terms)), prefixes_(std::move(wildcard_prefixes)), stemmer_(std::move(stemmer)) {}

bool Highlighter::matches(std::string_view word) const {
    if (terms_.empty() && prefixes_.empty()) return false;
    return matches_term(word, word_term(word, stemmer_));
}

bool Highlighter::matches_term(std::string_view word, const std::string& term) const {
    if (terms_.count(term)) return true;
    if (prefixes_.empty()) return false;
    const std::string lower = Xapian::Unicode::tolower(normalize_for_terms(word));
    for (const auto& p : prefixes_) {
        if (lower.compare(0, p.size(), p) == 0 || term.compare(0, p.size(), p) == 0) return true;
    }
    return false;
}

std::string Highlighter::snippet(std::string_view text, const SnippetOptions& options) const {
    const std::vector<WordSpan> words = split_words(text);
    std::vector<int> match_id(words.size(), -1);  // index of the distinct matched term, or -1
    std::unordered_map<std::string, int> matched_terms;  // term → its index
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (terms_.empty() && prefixes_.empty()) break;
        std::string_view w = text.substr(words[i].begin, words[i].end - words[i].begin);
        std::string term = word_term(w, stemmer_);
        if (!matches_term(w, term)) continue;
        const int next_id = static_cast<int>(matched_terms.size());
        match_id[i] = matched_terms.emplace(std::move(term), next_id).first->second;
    }

    const std::size_t ell = options.ellipsis.size();
    std::size_t from = 0, to = text.size();
    bool cut_start = false, cut_end = false;
    if (text.size() > options.max_bytes) {
        // Find the window [words[i].begin, words[j].end) of whole words that fits.
        std::size_t best_i = 0, best_j = 0;
        long best_score = -1;
        std::vector<int> counts(matched_terms.size(), 0);
        int distinct = 0, total = 0;
        std::size_t j = 0;  // one past the last word in the window
        for (std::size_t i = 0; i < words.size(); ++i) {
            // Conservative: assume the end is cut too.
            const std::size_t reserve = words[i].begin > 0 ? 2 * ell : ell;
            const std::size_t budget_bytes = options.max_bytes > reserve ? options.max_bytes - reserve : 0;
            if (j < i) j = i;
            while (j < words.size() && words[j].end - words[i].begin <= budget_bytes) {
                if (match_id[j] >= 0 && counts[match_id[j]]++ == 0) ++distinct;
                if (match_id[j] >= 0) ++total;
                ++j;
            }
            if (j > i) {
                // Sentence start: the previous non-space character ends a sentence.
                std::size_t k = words[i].begin;
                while (k > 0 && text[k - 1] == ' ') --k;
                const bool sentence_start = k == 0 || text[k - 1] == '.' || text[k - 1] == '!' || text[k - 1] == '?';
                // Lead: bytes before the window's first match; a short lead keeps the
                // match near the start, where the reader looks.
                std::size_t lead = 0;
                for (std::size_t k2 = i; k2 < j; ++k2) {
                    if (match_id[k2] >= 0) {
                        lead = words[k2].begin - words[i].begin;
                        break;
                    }
                }
                long score = distinct * 1000000L + total * 10000L + (sentence_start ? 5000L : 0L) -
                             static_cast<long>(std::min<std::size_t>(lead, 4999));
                if (score > best_score) {
                    best_score = score;
                    best_i = i;
                    best_j = j;
                }
            }
            // Slide: drop word i from the window.
            if (j > i && match_id[i] >= 0) {
                --total;
                if (--counts[match_id[i]] == 0) --distinct;
            }
        }
        if (best_score < 0) {
            // No whole word fits (one enormous token): cut bytes.
            from = 0;
            const std::size_t budget = options.max_bytes > ell ? options.max_bytes - ell : 0;
            to = from + utf8_floor(text.substr(from), budget);
        } else {
            from = words[best_i].begin;
            to = words[best_j - 1].end;
            // Take trailing punctuation ("said.") when it fits.
            const std::size_t reserve = from > 0 ? 2 * ell : ell;
            std::size_t limit = from + (options.max_bytes > reserve ? options.max_bytes - reserve : 0);
            std::size_t next_word = best_j < words.size() ? words[best_j].begin : text.size();
            std::size_t k = to;
            while (k < next_word && k < limit && text[k] != ' ') ++k;
            if (k <= limit && (k == next_word || text[k] == ' ' || k == text.size())) {
                to = utf8_floor(text, k);
            }
        }
        cut_start = from > 0;
        cut_end = to < text.size();
    }

    std::string out;
    out.reserve((to - from) + 64);
    auto append_text = [&](std::string_view s) {
        if (options.escape_html) out += html_escape(s);
        else out.append(s);
    };
    if (cut_start) out += options.ellipsis;
    std::size_t pos = from;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (match_id[i] < 0 || words[i].begin < from || words[i].end > to) continue;
        append_text(text.substr(pos, words[i].begin - pos));
        out += options.mark_open;
        append_text(text.substr(words[i].begin, words[i].end - words[i].begin));
        out += options.mark_close;
        pos = words[i].end;
    }
    append_text(text.substr(pos, to - pos));
    if (cut_end) out += options.ellipsis;
    return out;
}

}  // namespace herald
