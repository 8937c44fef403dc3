#include <herald/searcher/snippet.hpp>
#include <herald/text/strings.hpp>
#include <herald/text/words.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <unordered_set>
#include <vector>

#include "../support.hpp"

using namespace herald;

namespace {

Highlighter highlighter(std::unordered_set<std::string> terms,
                        std::vector<std::string> prefixes = {}) {
    return Highlighter(std::move(terms), std::move(prefixes), make_stemmer("en"));
}

// The snippet's visible text: tags removed, entities decoded.
std::string visible(std::string s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s.compare(i, 6, "<mark>") == 0) {
            i += 5;
            continue;
        }
        if (s.compare(i, 7, "</mark>") == 0) {
            i += 6;
            continue;
        }
        if (s[i] == '&') {
            std::size_t semi = s.find(';', i);
            out += s.substr(i, semi - i + 1) == "&lt;"     ? "<"
                   : s.substr(i, semi - i + 1) == "&gt;"   ? ">"
                   : s.substr(i, semi - i + 1) == "&amp;"  ? "&"
                   : s.substr(i, semi - i + 1) == "&quot;" ? "\""
                                                           : "'";
            i = semi;
            continue;
        }
        out += s[i];
    }
    return out;
}

}  // namespace

TEST_CASE("snippets highlight inflected forms and escape HTML", "[searcher]") {
    struct Row {
        const char* text;
        std::unordered_set<std::string> terms;
        const char* snippet;
    };
    const Row rows[] = {
        {"Floods hit the town.", {"flood"}, "<mark>Floods</mark> hit the town."},
        {"Putin\u2019s aides and Putin's rivals.",
         {"putin"},
         "<mark>Putin\u2019s</mark> aides and <mark>Putin&#39;s</mark> rivals."},
        {"The U.S. and US officials.", {"u_s"}, "The <mark>U.S.</mark> and US officials."},
        {"Michelle O\u2019Neill spoke.", {"o'neil"}, "Michelle <mark>O\u2019Neill</mark> spoke."},
        {"<script>alert(1)</script> flood",
         {"flood"},
         "&lt;script&gt;alert(1)&lt;/script&gt; <mark>flood</mark>"},
        {"<img src=x onerror=alert(1)> rain",
         {"rain"},
         "&lt;img src=x onerror=alert(1)&gt; <mark>rain</mark>"},
        {"Tom & Jerry's \"show\"", {"show"}, "Tom &amp; Jerry&#39;s &quot;<mark>show</mark>&quot;"},
        {"no match here", {"flood"}, "no match here"},
    };
    for (const auto& r : rows) {
        INFO(r.text);
        CHECK(highlighter(r.terms).snippet(r.text) == r.snippet);
    }
}

TEST_CASE("wildcard prefixes highlight the words they expand to", "[searcher]") {
    CHECK(highlighter({}, {"sanct"}).snippet("New sanctions were sanctioned.") ==
          "New <mark>sanctions</mark> were <mark>sanctioned</mark>.");
}

TEST_CASE("the byte cap holds and never cuts a UTF-8 character", "[searcher]") {
    std::string text;
    for (int i = 0; i < 40; ++i) text += "Zürich São Paulo Kraków Ελλάδα ";
    text += "flood warning issued. ";
    for (int i = 0; i < 40; ++i) text += "日本 東京 ";
    for (std::size_t cap : {20u, 50u, 100u, 200u, 333u}) {
        INFO(cap);
        SnippetOptions options;
        options.max_bytes = cap;
        std::string s = highlighter({"flood"}).snippet(text, options);
        std::string v = visible(s);
        CHECK(v.size() <= cap);
        CHECK(to_valid_utf8(s) == s);  // valid UTF-8: nothing cut mid-character
        if (cap >= 50) CHECK_THAT(s, Catch::Contains("<mark>flood</mark>"));
        CHECK_THAT(s, Catch::StartsWith("\u2026"));  // the match is far from the start
    }
}

TEST_CASE("a snippet prefers the window with the most distinct matching terms", "[searcher]") {
    std::string text = "Oil rose. ";
    for (int i = 0; i < 30; ++i) text += "filler words here. ";
    text += "Crude oil prices rose sharply on Monday. ";
    for (int i = 0; i < 30; ++i) text += "more filler text. ";
    SnippetOptions options;
    options.max_bytes = 60;
    std::string s = highlighter({"crude", "oil", "price"}).snippet(text, options);
    CHECK(s ==
          "\u2026<mark>Crude</mark> <mark>oil</mark> <mark>prices</mark> rose sharply on Monday. "
          "more filler\u2026");
}

TEST_CASE("one enormous token is cut at a character boundary", "[searcher]") {
    std::string text(100, 'a');
    text += "\u00e9";
    text += std::string(300, 'b');
    SnippetOptions options;
    options.max_bytes = 102;
    std::string s = highlighter({"x"}).snippet(text, options);
    CHECK(s.size() <= 102);
    CHECK(to_valid_utf8(s) == s);
}

TEST_CASE("the byte cap holds when the best window starts at the second word", "[searcher]") {
    // Found by fuzz_snippet (tests/fuzz/corpus/fuzz_snippet/regress-window-over-budget): the
    // window of the first word (one ellipsis) was kept for the second (two), one byte over.
    SnippetOptions options;
    options.max_bytes = 16;
    std::string s = highlighter({"oil"}).snippet("A.oil and oil rose today.", options);
    CHECK(visible(s).size() <= 16);
    CHECK(s == "A.<mark>oil</mark> and <mark>oil</mark>\u2026");
}

TEST_CASE("a story snippet adds the paragraphs that show words the best one lacks", "[snippet]") {
    const Highlighter h = highlighter({"oil", "opec", "saudi"});
    const std::string p1 = "Oil prices rose on Monday.";
    const std::string p2 = "OPEC ministers meet next week; oil traders wait.";
    const std::string p3 = "Oil stocks fell.";
    const std::string p4 = "Saudi Arabia said nothing.";
    // Best first: p1; p2 adds "opec", p4 adds "saudi", p3 adds nothing.
    std::vector<PassageSource> sources = {{1, p1}, {3, p3}, {2, p2}, {4, p4}};
    std::vector<Passage> passages = h.story_snippet(sources);
    REQUIRE(passages.size() == 3);
    CHECK(passages[0].paragraph == 1);
    CHECK(passages[1].paragraph == 2);
    CHECK(passages[2].paragraph == 4);
    CHECK(join_passages(passages) ==
          "<mark>Oil</mark> prices rose on Monday. \u2026 <mark>OPEC</mark> ministers meet next "
          "week; <mark>oil</mark> traders wait. \u2026 <mark>Saudi</mark> Arabia said nothing.");
    // At most max_passages, and one passage when only one paragraph is offered.
    CHECK(h.story_snippet(sources, {}, 2).size() == 2);
    CHECK(h.story_snippet({{3, p3}}).size() == 1);
    CHECK(h.story_snippet({}).empty());
    // A cut passage already shows an ellipsis: a plain space joins it.
    SnippetOptions small;
    small.max_bytes = 2 * Highlighter::kMinPassageBytes + 5;
    const std::string long1 =
        "Oil output in the region climbed again in the first quarter, officials said on Friday, "
        "after months of decline.";
    const std::string long2 =
        "Ministers of OPEC will meet in Vienna later this month to review quotas and prices.";
    passages = h.story_snippet({{1, long1}, {2, long2}}, small);
    REQUIRE(passages.size() == 2);
    const std::string joined = join_passages(passages, small);
    CHECK(visible(joined).size() <= small.max_bytes);
    CHECK(joined.find("\u2026 \u2026") == std::string::npos);
    CHECK(joined.find("<mark>OPEC</mark>") != std::string::npos);
    CHECK(joined.find("<mark>Oil</mark>") != std::string::npos);
}

TEST_CASE("mark() marks exactly the words matches() accepts, its shortcuts notwithstanding",
          "[snippet]") {
    // mark() skips stemming words whose first byte, or first two letters, start no query term
    // (stem_keeps_word_start()); a skipped word that would have matched is a missed highlight.
    std::vector<std::string> texts = {
        "Dying trade: skies over the U.S. darken as OPEC's 3.5 pct cut, Ærø's ferries and "
        "O'Neill's dying hopes meet the ugly, early, only singly gently idly news.",
        "Relational rotational possibly nobility credibility hoping hopping generalization "
        "digitizer valency stability \xc3\x89lys\xc3\xa9"
        "e \xc3\xa9lys\xc3\xa9"
        "e yield.",
    };
    std::ifstream in(test::data_dir() / "reuters-mini.sgm", std::ios::binary);
    for (std::string line; std::getline(in, line);) texts.push_back(line);
    // Term sets built from the texts' own words (so many words match), with short terms,
    // initialisms and non-ASCII terms among them, and sets with wildcard prefixes.
    const Xapian::Stem en = make_stemmer("en");
    std::size_t compared = 0, marked = 0;
    for (std::size_t stride : {3, 7, 11}) {
        for (std::size_t t = 0; t < texts.size(); ++t) {
            const std::string& text = texts[t];
            const auto words = split_words(text);
            std::unordered_set<std::string> terms = {
                "die", "sky", "oil", "u_s", "pct", "3.5", "\xc3\xa9lys\xc3\xa9"};
            for (std::size_t i = 0; i < words.size(); i += stride)
                terms.insert(
                    word_term(text.substr(words[i].begin, words[i].end - words[i].begin), en));
            std::vector<std::vector<std::string>> prefix_sets = {{}, {"gen"}, {"o"}};
            for (const auto& prefixes : prefix_sets) {
                const Highlighter h(terms, prefixes, en);
                const MarkedText m = h.mark(text);
                REQUIRE(m.words.size() == words.size());
                for (std::size_t i = 0; i < words.size(); ++i) {
                    const std::string word =
                        text.substr(words[i].begin, words[i].end - words[i].begin);
                    INFO(word);
                    CHECK((m.match_id[i] >= 0) == h.matches(word));
                    ++compared;
                    marked += m.match_id[i] >= 0 ? 1 : 0;
                }
            }
        }
    }
    CHECK(compared > 1000);
    CHECK(marked > compared / 10);
    CHECK(marked < compared);
}

TEST_CASE("may_hold_match() rules out only texts in which no word matches", "[snippet]") {
    const Xapian::Stem en = make_stemmer("en");
    const Highlighter h({"constitut", "embassi"}, {}, en);
    CHECK(h.may_hold_match("The CONSTITUTIONAL court"));
    CHECK(h.may_hold_match("two embassies"));
    CHECK_FALSE(h.may_hold_match("Nothing of the kind, said the court."));
    CHECK_FALSE(h.may_hold_match(""));
    // Undecided, so true: a capital beyond ASCII whose lower case is ASCII, a variation
    // selector inside a word, a short term, an apostrophe or initialism, a wildcard prefix.
    const Highlighter istanbul({"istanbul"}, {}, en);
    CHECK(istanbul.mark("\xc4\xb0stanbul").terms == std::vector<std::string>{"istanbul"});
    CHECK(istanbul.may_hold_match("\xc4\xb0stanbul"));
    CHECK(h.may_hold_match("embas\xef\xb8\x8fsies"));
    CHECK(Highlighter({"oil", "constitut"}, {}, en).may_hold_match("nothing"));
    CHECK(Highlighter({"o'neill"}, {}, en).may_hold_match("nothing"));
    CHECK(Highlighter({"u_s_a"}, {}, en).may_hold_match("nothing"));
    CHECK(Highlighter({"constitut"}, {"emb"}, en).may_hold_match("nothing"));
    CHECK(Highlighter({"constitut"}, {}, make_stemmer("fr")).may_hold_match("nothing"));

    // Over real text: whatever the terms, a text ruled out has no match.
    std::vector<std::string> texts;
    for (const auto& path :
         {test::data_dir() / "reuters-mini.sgm", test::data_dir() / "stories.jsonl",
          test::shared_corpus() / "reuters21578" / "reut2-000.sgm"}) {
        std::ifstream in(path, std::ios::binary);
        for (std::string line; std::getline(in, line) && texts.size() < 600;) {
            if (line.size() > 40) texts.push_back(line);
        }
    }
    REQUIRE(texts.size() > 20);
    std::size_t ruled_out = 0, decided = 0;
    for (std::size_t t = 0; t < texts.size(); ++t) {
        // Terms from another text's words, so most texts hold none of them.
        const std::string& source = texts[(t * 7 + 3) % texts.size()];
        const auto words = split_words(source);
        std::unordered_set<std::string> terms;
        for (std::size_t i = 0; i < words.size() && terms.size() < 3; i += 5) {
            std::string term =
                word_term(source.substr(words[i].begin, words[i].end - words[i].begin), en);
            if (term.size() >= 4) terms.insert(std::move(term));
        }
        if (terms.empty()) continue;
        for (std::size_t k = 0; k < texts.size(); k += 3) {
            const Highlighter hk(terms, {}, en);
            ++decided;
            if (hk.may_hold_match(texts[k])) continue;
            ++ruled_out;
            INFO(texts[k]);
            CHECK(hk.mark(texts[k]).terms.empty());
        }
    }
    CHECK(ruled_out > decided / 4);
}
