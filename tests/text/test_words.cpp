#include <herald/text/words.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <unordered_set>
#include <vector>

#include "../support.hpp"

using namespace herald;

TEST_CASE("normalize_for_terms: apostrophes, possessives, initialisms", "[indexer]") {
    struct Row {
        const char* in;
        const char* out;
    };
    const Row rows[] = {
        {"Putin\u2019s visit", "Putin visit"},
        {"Putin's visit", "Putin visit"},
        {"PUTIN'S", "PUTIN"},
        {"O\u2019Neill", "O'Neill"},
        {"O'Neill's plan", "O'Neill plan"},
        {"the ministers' meeting", "the ministers meeting"},
        {"U.S. troops", "U_S troops"},
        {"the U.S.", "the U_S"},
        {"U.S.-led", "U_S-led"},
        {"U.S.A.", "U_S_A"},
        {"u.s.", "u_s"},
        {"U.N. Security Council", "U_N Security Council"},
        {"Mr. Smith", "Mr. Smith"},
        {"5.93 mln", "5.93 mln"},
        {"pro-Kremlin", "pro-Kremlin"},
        {"\"crude oil\" AND title:cocoa", "\"crude oil\" AND title:cocoa"},
        {"it's", "it"},
        {"rock 'n' roll", "rock 'n' roll"},
        {"I \u2764\ufe0f NY", "I \u2764 NY"},
    };
    for (const auto& r : rows) {
        INFO(r.in);
        CHECK(normalize_for_terms(r.in) == r.out);
    }
}

TEST_CASE("word_term stems with Snowball and keeps initialisms whole", "[indexer]") {
    Xapian::Stem en = make_stemmer("en");
    CHECK(word_term("Floods", en) == "flood");
    CHECK(word_term("flooding", en) == "flood");
    CHECK(word_term("Putin\u2019s", en) == "putin");
    CHECK(word_term("U.S.", en) == "u_s");
    CHECK(word_term("prices", en) == "price");
}

TEST_CASE("make_stemmer reaches libstemmer languages Xapian 1.4 lacks", "[indexer]") {
    CHECK(make_stemmer("greek").get_description() == "Xapian::Stem(libstemmer:greek)");
    CHECK(
        make_stemmer("hindi")("\xe0\xa4\x95\xe0\xa4\xbf\xe0\xa4\xa4\xe0\xa4\xbe\xe0\xa4\xac\xe0\xa5"
                              "\x87\xe0\xa4\x82") !=
        "\xe0\xa4\x95\xe0\xa4\xbf\xe0\xa4\xa4\xe0\xa4\xbe\xe0\xa4\xac\xe0\xa5\x87\xe0\xa4\x82");  // किताबें is stemmed
    CHECK(make_stemmer("fr")("continuellement") == "continuel");
    CHECK_THROWS_AS(make_stemmer("klingon"), std::invalid_argument);
    CHECK(make_stemmer_or_none("klingon")("Words") == "Words");
}

TEST_CASE("split_words joins apostrophes, initialisms and numbers", "[searcher]") {
    const std::string text = "O’Neill met U.S. envoys, paid 1,164.50 dlrs; pro-Kremlin.";
    std::vector<std::string> words;
    for (const auto& w : split_words(text)) words.push_back(text.substr(w.begin, w.end - w.begin));
    CHECK(words == std::vector<std::string>{"O’Neill", "met", "U.S.", "envoys", "paid", "1,164.50",
                                            "dlrs", "pro", "Kremlin"});
}

TEST_CASE("stem_keeps_word_start knows the English stemmers however they were made", "[indexer]") {
    // Xapian::Stem wraps its implementation's description: "Xapian::Stem(libstemmer:en)".
    CHECK(stem_keeps_word_start(make_stemmer("en")));
    CHECK(stem_keeps_word_start(make_stemmer("english")));
    CHECK(stem_keeps_word_start(make_stemmer("porter")));
    CHECK(stem_keeps_word_start(make_stemmer_or_none("en-GB")));
    CHECK(stem_keeps_word_start(Xapian::Stem("english")));
    CHECK(stem_keeps_word_start(Xapian::Stem()));
    CHECK_FALSE(stem_keeps_word_start(make_stemmer("irish")));
    CHECK_FALSE(stem_keeps_word_start(make_stemmer("fr")));
}

TEST_CASE("English stems keep their word's start over real vocabularies", "[indexer]") {
    // The promise of stem_keeps_word_start(), checked word by word: the term shares the word's
    // first byte, and its first two when it has four bytes or more.
    std::vector<std::filesystem::path> sources = {
        test::data_dir() / "articles.jsonl", test::data_dir() / "reuters-mini.sgm",
        test::shared_corpus() / "embeddings" / "glove.6B.100d.top100k.txt",
        test::shared_corpus() / "gazetteers" / "cspell_people_names.txt",
        test::shared_corpus() / "gazetteers" / "scowl_capitalized_words.txt"};
    for (const char* name : {"reut2-000.sgm", "reut2-007.sgm", "reut2-014.sgm", "reut2-021.sgm"})
        sources.push_back(test::shared_corpus() / "reuters21578" / name);
    const Xapian::Stem stemmers[] = {make_stemmer("en"), make_stemmer("porter")};
    std::unordered_set<std::string> seen;
    std::size_t checked = 0, broken = 0;
    for (const auto& path : sources) {
        std::ifstream in(path, std::ios::binary);
        if (!in) continue;  // the shared corpus may be absent on a user's machine
        std::string line;
        while (std::getline(in, line)) {
            for (const WordSpan& w : split_words(line)) {
                const std::string word = line.substr(w.begin, w.end - w.begin);
                if (!seen.insert(word).second) continue;
                const std::string lower = Xapian::Unicode::tolower(normalize_for_terms(word));
                for (const Xapian::Stem& stemmer : stemmers) {
                    const std::string term = word_term(word, stemmer);
                    std::size_t common = 0;
                    while (common < term.size() && common < lower.size() &&
                           term[common] == lower[common])
                        ++common;
                    const std::size_t needed = term.size() >= 4 ? 2 : term.empty() ? 0 : 1;
                    ++checked;
                    if (common < needed) {
                        ++broken;
                        UNSCOPED_INFO(word << " -> " << term);
                    }
                }
            }
        }
    }
    CHECK(checked > 1000);
    CHECK(broken == 0);
}
