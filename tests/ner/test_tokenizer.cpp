#include <herald/ner/tokenizer.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace herald;

namespace {

// Tokens joined by '|'.
std::string joined(std::string_view text) {
    std::string out;
    for (const Token& t : tokenize(text)) {
        if (!out.empty()) out += '|';
        out += std::string(t.text);
    }
    return out;
}

// Sentences as their token texts joined by ' ', separated by " / ".
std::string sentences(std::string_view text) {
    const auto tokens = tokenize(text);
    std::string out;
    for (const Sentence& s : split_sentences(text, tokens)) {
        if (!out.empty()) out += " / ";
        for (std::size_t i = s.first; i < s.last; ++i) {
            if (i > s.first) out += ' ';
            out += std::string(tokens[i].text);
        }
    }
    return out;
}

}  // namespace

TEST_CASE("tokenize splits news text as the CoNLL-2003 data is split", "[indexer]") {
    struct Row {
        const char* text;
        const char* tokens;
    };
    const Row table[] = {
        {"Minister Varga\xE2\x80\x99s plan", "Minister|Varga|\xE2\x80\x99s|plan"},
        {"Varga's plan", "Varga|'s|plan"},
        {"the Reuters' report", "the|Reuters|'|report"},
        {"O\xE2\x80\x99Neill and O'Brien", "O\xE2\x80\x99Neill|and|O'Brien"},
        {"don't we'll", "do|n't|we|'ll"},
        {"a pro-Kremlin party", "a|pro-Kremlin|party"},
        {"on 1996-08-30 at 10:30", "on|1996-08-30|at|10:30"},
        {"1,000.5 tonnes, or 3.5%.", "1,000.5|tonnes|,|or|3.5|%|."},
        {"Gov. Hal Brenner", "Gov.|Hal|Brenner"},
        {"Mr. and Mrs. Smith of Acme Corp. Inc.", "Mr.|and|Mrs.|Smith|of|Acme|Corp.|Inc."},
        {"the U.S. and U.N. said", "the|U.S.|and|U.N.|said"},
        {"J. R. R. Tolkien", "J.|R.|R.|Tolkien"},
        {"at 5 p.m. today", "at|5|p.m.|today"},
        {"\xE2\x80\x9CNo,\xE2\x80\x9D she said.", "\xE2\x80\x9C|No|,|\xE2\x80\x9D|she|said|."},
        {"\"Yes\" (maybe)...", "\"|Yes|\"|(|maybe|)|..."},
        {"AT&T and S&P -- fine", "AT&T|and|S&P|--|fine"},
        {"S\xC3\xA3"
         "o Paulo\xE2\x80\x94"
         "Brazil",
         "S\xC3\xA3"
         "o|Paulo|\xE2\x80\x94|"
         "Brazil"},
        {"the end.", "the|end|."},
        {"", ""},
    };
    for (const Row& row : table) {
        INFO(row.text);
        CHECK(joined(row.text) == row.tokens);
    }
}

TEST_CASE("tokens carry the byte offsets of their text", "[indexer]") {
    const std::string text = "  Dr. Ines Morvan\xE2\x80\x99s plan.";
    const auto tokens = tokenize(text);
    REQUIRE(tokens.size() == 6);
    CHECK(tokens[0].begin == 2);
    CHECK(tokens[0].end == 5);
    CHECK(tokens[2].begin == 11);
    CHECK(tokens[2].end == 17);
    CHECK(tokens[3].text == "\xE2\x80\x99s");
    CHECK(tokens[3].begin == 17);
    CHECK(tokens[3].end == 21);
    for (const Token& t : tokens) CHECK(text.substr(t.begin, t.end - t.begin) == t.text);
}

TEST_CASE("abbreviations and initials never end a sentence", "[indexer]") {
    struct Row {
        const char* text;
        const char* sentences;
    };
    const Row table[] = {
        {"Gov. Hal Brenner signed. He left.", "Gov. Hal Brenner signed . / He left ."},
        {"Mr. Smith met Dr. Jones in the U.S. Army.", "Mr. Smith met Dr. Jones in the U.S. Army ."},
        {"On Jan. 5 the U.N. voted. Then J. Smith spoke!",
         "On Jan. 5 the U.N. voted . / Then J. Smith spoke !"},
        {"\xE2\x80\x9CWe won.\xE2\x80\x9D Then we left?",
         "\xE2\x80\x9C We won . \xE2\x80\x9D / Then we left ?"},
        {"It rose 3.5 pct. analysts said.", "It rose 3.5 pct . analysts said ."},
        {"Headline here\n\nFirst paragraph", "Headline here / First paragraph"},
        {"No period at the end", "No period at the end"},
    };
    for (const Row& row : table) {
        INFO(row.text);
        CHECK(sentences(row.text) == row.sentences);
    }
}

TEST_CASE("is_abbreviation knows titles, months and company forms", "[indexer]") {
    CHECK(is_abbreviation("Gov"));
    CHECK(is_abbreviation("Sen"));
    CHECK(is_abbreviation("Dec"));
    CHECK(is_abbreviation("Ltd"));
    CHECK_FALSE(is_abbreviation("May"));
    CHECK_FALSE(is_abbreviation("end"));
}
