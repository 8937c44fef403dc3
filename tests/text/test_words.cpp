#include <herald/text/words.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

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
