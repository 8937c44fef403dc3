#include <herald/searcher/snippet.hpp>
#include <herald/text/strings.hpp>
#include <herald/text/words.hpp>

#include <algorithm>
#include <unordered_set>

namespace herald {

Highlighter::Highlighter(std::unordered_set<std::string> terms,
                         std::vector<std::string> wildcard_prefixes,
                         Xapian::Stem stemmer)
    : terms_(std::move(terms)),
      prefixes_(std::move(wildcard_prefixes)),
      stemmer_(std::move(stemmer)),
      start_kept_(stem_keeps_word_start(stemmer_)) {
    const auto note = [&](const std::string& s, bool is_prefix) {
        if (s.empty()) {
            start_kept_ = false;  // an empty prefix matches every word
            return;
        }
        const auto c = static_cast<unsigned char>(s[0]);
        // A term starting beyond ASCII may be the stem of a word whose first letter
        // lower-cases to another lead byte: such words are always stemmed (see may_match).
        if (c >= 128) return;
        first_bytes_[c] = true;
        const auto d = static_cast<unsigned char>(s.size() > 1 ? s[1] : 0);
        if (!is_prefix && s.size() >= 4 && c >= 'a' && c <= 'z' && d >= 'a' && d <= 'z') {
            first_pairs_[c - 'a'][d - 'a'] = true;
        } else {
            short_first_bytes_[c] = true;
        }
    };
    for (const auto& t : terms_) note(t, false);
    for (const auto& p : prefixes_) note(p, true);
    // A word matches a term only when it starts with all of the term but its last two bytes
    // (stem_keeps_word_start()); terms with bytes a text may write otherwise (`'` for ’, `_`
    // for the dots of "U.S.", letters beyond ASCII in any case) leave the test undecided.
    bool decidable = start_kept_ && prefixes_.empty() && !terms_.empty();
    for (const auto& t : terms_) {
        if (t.size() < 4) decidable = false;
        for (const char ch : t) {
            const auto c = static_cast<unsigned char>(ch);
            if (c >= 128 || c == '\'' || c == '_' || (c >= 'A' && c <= 'Z')) decidable = false;
        }
        if (!decidable) break;
        std::string start = t.substr(0, t.size() - 2);
        if (std::find(term_starts_.begin(), term_starts_.end(), start) == term_starts_.end())
            term_starts_.push_back(std::move(start));
    }
    if (!decidable) term_starts_.clear();
}

bool Highlighter::may_hold_match(std::string_view text) const {
    if (term_starts_.empty()) return true;
    std::string& lower = lowered_;  // reused: no allocation per text
    lower.resize(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        // Undecided: the two capitals beyond ASCII whose lower case is ASCII, U+0130 (İ → i)
        // and U+212A (Kelvin sign → k), and the variation selectors U+FE00..U+FE0F that
        // normalize_for_terms() removes from inside a word.
        const auto next = [&](std::size_t k) {
            return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0;
        };
        if ((c == 0xC4 && next(1) == 0xB0) || (c == 0xE2 && next(1) == 0x84 && next(2) == 0xAA) ||
            (c == 0xEF && next(1) == 0xB8 && (next(2) & 0xF0) == 0x80))
            return true;
        lower[i] = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    for (const auto& start : term_starts_) {
        if (lower.find(start) != std::string::npos) return true;
    }
    return false;
}

bool Highlighter::may_match(std::string_view word) const {
    const auto lower = [](unsigned char c) {
        return c >= 'A' && c <= 'Z' ? static_cast<unsigned char>(c - 'A' + 'a') : c;
    };
    const unsigned char c = lower(static_cast<unsigned char>(word[0]));
    if (!start_kept_ || c >= 128) return true;
    if (!first_bytes_[c]) return false;
    if (short_first_bytes_[c] || word.size() < 2) return true;
    const unsigned char d = lower(static_cast<unsigned char>(word[1]));
    // A word whose second byte is no ASCII letter ("U.S.", "3.5", "Ærø") may keep it in a
    // form the pair table does not hold: the first byte decides.
    if (c < 'a' || c > 'z' || d < 'a' || d > 'z') return true;
    return first_pairs_[c - 'a'][d - 'a'];
}

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

namespace {

// A snippet's byte range [from, to) of the text, and whether text was left out at either end.
struct Window {
    std::size_t from = 0, to = 0;
    bool cut_start = false, cut_end = false;
};

// The words [best_i, best_j) of the best window found, or best_score < 0 when no whole word fits.
struct WordRange {
    std::size_t best_i = 0, best_j = 0;
    long best_score = -1;
};

// Score of the window of words [i, j) holding @p distinct distinct and @p total matches.
long score_window(std::string_view text,
                  const std::vector<WordSpan>& words,
                  const std::vector<int>& match_id,
                  std::size_t i,
                  std::size_t j,
                  int distinct,
                  int total) {
    // Sentence start: the previous non-space character ends a sentence.
    std::size_t k = words[i].begin;
    while (k > 0 && text[k - 1] == ' ') --k;
    const bool sentence_start =
        k == 0 || text[k - 1] == '.' || text[k - 1] == '!' || text[k - 1] == '?';
    // Lead: bytes before the window's first match; a short lead keeps the
    // match near the start, where the reader looks.
    std::size_t lead = 0;
    for (std::size_t k2 = i; k2 < j; ++k2) {
        if (match_id[k2] >= 0) {
            lead = words[k2].begin - words[i].begin;
            break;
        }
    }
    return distinct * 1000000L + total * 10000L + (sentence_start ? 5000L : 0L) -
           static_cast<long>(std::min<std::size_t>(lead, 4999));
}

// Slides a window of whole words over the text; returns the best-scoring one that fits.
WordRange best_word_range(std::string_view text,
                          const std::vector<WordSpan>& words,
                          const std::vector<int>& match_id,
                          std::size_t term_count,
                          const SnippetOptions& options) {
    const std::size_t ell = options.ellipsis.size();
    WordRange best;
    std::vector<int> counts(term_count, 0);
    int distinct = 0, total = 0;
    std::size_t j = 0;  // one past the last word in the window
    for (std::size_t i = 0; i < words.size(); ++i) {
        // Conservative: assume the end is cut too.
        const std::size_t reserve = words[i].begin > 0 ? 2 * ell : ell;
        const std::size_t budget_bytes =
            options.max_bytes > reserve ? options.max_bytes - reserve : 0;
        if (j < i) j = i;
        while (j < words.size() && words[j].end - words[i].begin <= budget_bytes) {
            if (match_id[j] >= 0 && counts[match_id[j]]++ == 0) ++distinct;
            if (match_id[j] >= 0) ++total;
            ++j;
        }
        // The budget shrinks by an ellipsis after the first word: a window carried over
        // from i == 0 may no longer fit.
        while (j > i && words[j - 1].end - words[i].begin > budget_bytes) {
            --j;
            if (match_id[j] >= 0) {
                --total;
                if (--counts[match_id[j]] == 0) --distinct;
            }
        }
        if (j > i) {
            const long score = score_window(text, words, match_id, i, j, distinct, total);
            if (score > best.best_score) best = {i, j, score};
        }
        // Slide: drop word i from the window.
        if (j > i && match_id[i] >= 0) {
            --total;
            if (--counts[match_id[i]] == 0) --distinct;
        }
    }
    return best;
}

// The byte range of the window [words[i].begin, words[j].end) of whole words that fits in
// options.max_bytes.
Window choose_window(std::string_view text,
                     const std::vector<WordSpan>& words,
                     const std::vector<int>& match_id,
                     std::size_t term_count,
                     const SnippetOptions& options) {
    Window win;
    win.to = text.size();
    if (text.size() <= options.max_bytes) return win;
    const std::size_t ell = options.ellipsis.size();
    const WordRange best = best_word_range(text, words, match_id, term_count, options);
    if (best.best_score < 0) {
        // No whole word fits (one enormous token): cut bytes.
        win.from = 0;
        const std::size_t budget = options.max_bytes > ell ? options.max_bytes - ell : 0;
        win.to = win.from + utf8_floor(text.substr(win.from), budget);
    } else {
        win.from = words[best.best_i].begin;
        win.to = words[best.best_j - 1].end;
        // Take trailing punctuation ("said.") when it fits.
        const std::size_t reserve = win.from > 0 ? 2 * ell : ell;
        std::size_t limit =
            win.from + (options.max_bytes > reserve ? options.max_bytes - reserve : 0);
        std::size_t next_word = best.best_j < words.size() ? words[best.best_j].begin : text.size();
        std::size_t k = win.to;
        while (k < next_word && k < limit && text[k] != ' ') ++k;
        if (k <= limit && (k == next_word || text[k] == ' ' || k == text.size())) {
            win.to = utf8_floor(text, k);
        }
    }
    win.cut_start = win.from > 0;
    win.cut_end = win.to < text.size();
    return win;
}

// The text of @p win with the matched words marked and ellipses where text was left out.
std::string render(std::string_view text,
                   const std::vector<WordSpan>& words,
                   const std::vector<int>& match_id,
                   const Window& win,
                   const SnippetOptions& options) {
    const std::size_t from = win.from, to = win.to;
    std::string out;
    out.reserve((to - from) + 64);
    auto append_text = [&](std::string_view s) {
        if (options.escape_html)
            out += html_escape(s);
        else
            out.append(s);
    };
    if (win.cut_start) out += options.ellipsis;
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
    if (win.cut_end) out += options.ellipsis;
    return out;
}

}  // namespace

MarkedText Highlighter::mark(std::string_view text) const {
    MarkedText m;
    m.words = split_words(text);
    m.match_id.assign(m.words.size(), -1);
    if (terms_.empty() && prefixes_.empty()) return m;
    for (std::size_t i = 0; i < m.words.size(); ++i) {
        std::string_view w = text.substr(m.words[i].begin, m.words[i].end - m.words[i].begin);
        if (!may_match(w)) continue;
        std::string term = word_term(w, stemmer_);
        if (!matches_term(w, term)) continue;
        const auto known = std::find(m.terms.begin(), m.terms.end(), term);
        m.match_id[i] = static_cast<int>(known - m.terms.begin());
        if (known == m.terms.end()) m.terms.push_back(std::move(term));
    }
    return m;
}

std::string Highlighter::cut(std::string_view text,
                             const MarkedText& marked,
                             const SnippetOptions& options) const {
    const Window win =
        choose_window(text, marked.words, marked.match_id, marked.terms.size(), options);
    return render(text, marked.words, marked.match_id, win, options);
}

// The snippet: match the words, choose the window that fits, render it with marks.
std::string Highlighter::snippet(std::string_view text, const SnippetOptions& options) const {
    return cut(text, mark(text), options);
}

std::vector<Passage> Highlighter::story_snippet(const std::vector<PassageSource>& paragraphs,
                                                const SnippetOptions& options,
                                                std::size_t max_passages) const {
    if (paragraphs.empty()) return {};
    // The separator's bytes when it is the full " … ".
    const std::size_t separator = options.ellipsis.size() + 2;
    std::size_t room = 1;  // passages the cap has room for
    while (room < max_passages &&
           (room + 1) * kMinPassageBytes + room * separator <= options.max_bytes) {
        ++room;
    }
    // Each paragraph is marked once: its matching terms choose the passages, and its words
    // and marks cut the snippet.
    // Marks the caller made are used as they are.
    std::vector<MarkedText> own(paragraphs.size());
    std::vector<const MarkedText*> marked(paragraphs.size(), nullptr);
    auto marks = [&](std::size_t i) -> const MarkedText& {
        if (marked[i] == nullptr) {
            if (paragraphs[i].marked != nullptr) {
                marked[i] = paragraphs[i].marked;
            } else {
                own[i] = mark(paragraphs[i].text);
                marked[i] = &own[i];
            }
        }
        return *marked[i];
    };
    marks(0);
    std::vector<std::size_t> chosen = {0};
    if (room > 1) {
        for (std::size_t i = 1; i < paragraphs.size(); ++i) marks(i);
        std::unordered_set<std::string> shown(marked[0]->terms.begin(), marked[0]->terms.end());
        while (chosen.size() < room) {
            std::size_t best = 0, best_new = 0;
            for (std::size_t i = 1; i < paragraphs.size(); ++i) {
                if (std::find(chosen.begin(), chosen.end(), i) != chosen.end()) continue;
                std::size_t fresh = 0;
                for (const auto& t : marked[i]->terms) fresh += shown.count(t) == 0 ? 1 : 0;
                if (fresh > best_new) best = i, best_new = fresh;
            }
            if (best_new == 0) break;
            chosen.push_back(best);
            shown.insert(marked[best]->terms.begin(), marked[best]->terms.end());
        }
    }
    SnippetOptions share = options;
    const std::size_t n = chosen.size();
    share.max_bytes = (options.max_bytes - (n - 1) * separator) / n;
    std::vector<Passage> passages;
    for (std::size_t i : chosen) {
        passages.push_back({paragraphs[i].paragraph, cut(paragraphs[i].text, *marked[i], share)});
    }
    std::sort(passages.begin(), passages.end(),
              [](const Passage& a, const Passage& b) { return a.paragraph < b.paragraph; });
    return passages;
}

std::string join_passages(const std::vector<Passage>& passages, const SnippetOptions& options) {
    std::string out;
    const std::string& ell = options.ellipsis;
    auto ends_with = [](const std::string& s, const std::string& e) {
        return !e.empty() && s.size() >= e.size() &&
               s.compare(s.size() - e.size(), e.size(), e) == 0;
    };
    for (const auto& p : passages) {
        if (!out.empty()) {
            const bool shown = ends_with(out, ell) || p.snippet.compare(0, ell.size(), ell) == 0;
            out += shown ? " " : " " + ell + " ";
        }
        out += p.snippet;
    }
    return out;
}

}  // namespace herald
