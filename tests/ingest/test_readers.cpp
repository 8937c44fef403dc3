#include <herald/ingest/paragraphs.hpp>
#include <herald/ingest/readers.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "support.hpp"

using namespace herald;

namespace {

struct Collected {
    std::vector<Article> articles;
    std::vector<ReadError> errors;
    ArticleSink sink() {
        return [this](Article&& a) { articles.push_back(std::move(a)); };
    }
    ErrorSink error_sink() {
        return [this](const ReadError& e) { errors.push_back(e); };
    }
};

}  // namespace

TEST_CASE("JSONL reader keeps good records and reports bad ones with their line", "[indexer]") {
    Collected c;
    ReadCounts counts =
        read_path(test::data_dir() / "articles.jsonl", std::nullopt, c.sink(), c.error_sink());
    CHECK(counts.files == 1);
    CHECK(counts.articles == 4);
    CHECK(counts.skipped == 4);
    REQUIRE(c.articles.size() == 4);
    REQUIRE(c.errors.size() == 4);
    CHECK(c.errors[0].line == 5);
    CHECK_THAT(c.errors[0].message, Catch::Contains("invalid JSON"));
    CHECK(c.errors[1].line == 6);
    CHECK_THAT(c.errors[1].message, Catch::Contains("body"));
    CHECK(c.errors[2].line == 7);
    CHECK_THAT(c.errors[2].message, Catch::Contains("id"));
    CHECK(c.errors[3].line == 8);
    CHECK_THAT(c.errors[3].message, Catch::Contains("published"));
    CHECK_THAT(c.errors[0].file, Catch::EndsWith("articles.jsonl"));

    const Article& a1 = c.articles[0];
    CHECK(a1.id == "a1");
    CHECK(a1.title == "Putin\u2019s visit to Beijing");
    CHECK(a1.published == "2024-05-16T08:00:00Z");
    CHECK(a1.source == "Test Wire");
    CHECK(a1.paragraphs.size() == 3);
    CHECK(c.articles[1].language == "en");                     // default
    CHECK(c.articles[2].paragraphs.size() == 3);               // "paragraphs" array
    CHECK(c.articles[3].published == "2022-02-28T22:00:00Z");  // +02:00 to UTC
    REQUIRE(c.articles[3].entities.size() == 1);
    CHECK(c.articles[3].entities[0].type == EntityType::person);
}

TEST_CASE("JSONL reader accepts integer ids and rejects unknown entity types", "[indexer]") {
    Collected c;
    std::istringstream in(
        R"({"id": 42, "body": "one\n\ntwo"})"
        "\n"
        R"({"id": "x", "body": "b", "entities": [{"text": "Y", "type": "planet"}]})"
        "\n"
        R"({"id": "", "body": "b"})"
        "\n"
        R"([1, 2])"
        "\n");
    read_jsonl(in, "inline", c.sink(), c.error_sink());
    REQUIRE(c.articles.size() == 1);
    CHECK(c.articles[0].id == "42");
    CHECK(c.articles[0].paragraphs == std::vector<std::string>{"one", "two"});
    REQUIRE(c.errors.size() == 3);
    CHECK_THAT(c.errors[0].message, Catch::Contains("planet"));
    CHECK(c.errors[1].line == 3);
    CHECK(c.errors[2].line == 4);
}

TEST_CASE("JSONL with invalid UTF-8 and a BOM is repaired, not rejected", "[indexer]") {
    Collected c;
    std::istringstream in("\xEF\xBB\xBF{\"id\": \"u1\", \"body\": \"caf\xE9 cr\xE8me\"}\n");
    read_jsonl(in, "inline", c.sink(), c.error_sink());
    CHECK(c.errors.empty());
    REQUIRE(c.articles.size() == 1);
    CHECK(c.articles[0].paragraphs.at(0) == "caf\u00e9 cr\u00e8me");
}

TEST_CASE("a plain-text file's BOM is not part of its headline", "[indexer]") {
    Collected c;
    std::istringstream in("\xEF\xBB\xBFHeadline\n\nBody text.\n");
    read_text(in, "t", "t.txt", c.sink(), c.error_sink());
    REQUIRE(c.articles.size() == 1);
    CHECK(c.articles[0].title == "Headline");
}

TEST_CASE("Windows line ends (CRLF) split paragraphs as LF does and leave no CR", "[indexer]") {
    SECTION("plain text") {
        Collected c;
        std::istringstream in(
            "Storm hits the coast\r\n\r\nStrong winds hit the coast.\r\nThe storm moved "
            "north.\r\n\r\nPower returns.\r\n");
        read_text(in, "s", "s.txt", c.sink(), c.error_sink());
        CHECK(c.errors.empty());
        REQUIRE(c.articles.size() == 1);
        CHECK(c.articles[0].title == "Storm hits the coast");
        CHECK(c.articles[0].paragraphs ==
              std::vector<std::string>{"Strong winds hit the coast. The storm moved north.",
                                       "Power returns."});
    }
    SECTION("JSON Lines: CRLF between records and in a body") {
        Collected c;
        std::istringstream in(
            "{\"id\": \"j1\", \"body\": \"line one\\r\\nline two\\r\\n\\r\\nsecond\"}\r\n\r\n"
            "{\"id\": \"j2\", \"title\": \"a\\r\\nb\", \"paragraphs\": [\"p\\r\\nq\"]}\r\n");
        read_jsonl(in, "j.jsonl", c.sink(), c.error_sink());
        CHECK(c.errors.empty());
        REQUIRE(c.articles.size() == 2);
        CHECK(c.articles[0].paragraphs == std::vector<std::string>{"line one line two", "second"});
        CHECK(c.articles[1].title == "a b");
        CHECK(c.articles[1].paragraphs == std::vector<std::string>{"p q"});
    }
    SECTION("Reuters SGML: paragraphs and error lines") {
        Collected c;
        std::istringstream in(
            "<REUTERS NEWID=\"\"><BODY>Bad.</BODY></REUTERS>\r\n"
            "<REUTERS NEWID=\"7\"><BODY>First line\r\nsame paragraph.\r\n    Indented "
            "one.\r\n</BODY></REUTERS>\r\n"
            "<REUTERS NEWID=\"\"><BODY>Bad.</BODY></REUTERS>\r\n");
        read_reuters(in, "r.sgm", c.sink(), c.error_sink());
        REQUIRE(c.articles.size() == 1);
        CHECK(c.articles[0].paragraphs ==
              std::vector<std::string>{"First line same paragraph.", "Indented one."});
        REQUIRE(c.errors.size() == 2);
        CHECK(c.errors[0].line == 1);
        CHECK(c.errors[1].line == 6);  // a CRLF counts one line
    }
}

TEST_CASE("a file that is not Reuters SGML is reported, not silently empty", "[indexer]") {
    Collected c;
    std::istringstream in("Just a headline\n\nAnd a paragraph.\n");
    ReutersCounts counts = read_reuters(in, "story.sgm", c.sink(), c.error_sink());
    CHECK(counts.records == 0);
    REQUIRE(c.errors.size() == 1);
    CHECK_THAT(c.errors[0].message, Catch::Contains("no <REUTERS> records"));
}

TEST_CASE("plain-text folder: headline first, ids from relative paths, README ignored",
          "[indexer]") {
    Collected c;
    ReadCounts counts =
        read_path(test::data_dir() / "text", std::nullopt, c.sink(), c.error_sink());
    CHECK(counts.files == 3);
    CHECK(counts.articles == 2);
    CHECK(counts.skipped == 1);  // empty-body.txt
    REQUIRE(c.articles.size() == 2);
    CHECK(c.articles[0].id == "world/001");
    CHECK(c.articles[0].title == "Storm hits the coast");
    CHECK(c.articles[0].paragraphs ==
          std::vector<std::string>{
              "Strong winds and floods hit the coast on Sunday. The storm moved north overnight.",
              "Officials said power would return within days."});
    CHECK(c.articles[1].id == "world/002");
    REQUIRE(c.errors.size() == 1);
    CHECK_THAT(c.errors[0].file, Catch::EndsWith("empty-body.txt"));
}

TEST_CASE("Reuters SGML: entities, signature, Latin-1, dates and tags", "[indexer]") {
    Collected c;
    std::ifstream in(test::data_dir() / "reuters-mini.sgm", std::ios::binary);
    ReutersCounts counts = read_reuters(in, "reuters-mini.sgm", c.sink(), c.error_sink());
    CHECK(counts.records == 3);
    CHECK(counts.no_body == 1);
    CHECK(c.errors.empty());
    REQUIRE(c.articles.size() == 2);

    const Article& a = c.articles[0];
    CHECK(a.id == "101");
    CHECK(a.title == "TEST COCOA <REVIEW>");
    CHECK(a.published == "1987-02-26T15:01:01Z");
    CHECK(a.source == "Reuters");
    REQUIRE(a.paragraphs.size() == 3);
    CHECK(a.paragraphs[0] ==
          "Rain fell in the test cocoa zone, improving prospects for the crop, traders said.");
    CHECK(a.paragraphs[1] == "Arrivals were 155,221 bags <of 60 kilos> at M\u00fcnchen prices.");
    CHECK(a.paragraphs[2] == "Exporters expect more rain next week.");
    CHECK(a.tags.at("topics") == std::vector<std::string>{"cocoa", "coffee"});
    CHECK(a.tags.at("places") == std::vector<std::string>{"brazil", "usa"});
    CHECK(a.tags.at("orgs") == std::vector<std::string>{"ico-coffee"});
    CHECK(a.tags.count("people") == 0);

    const Article& b = c.articles[1];
    CHECK(b.id == "103");
    CHECK(b.published == "1987-03-05T09:10:11Z");
    REQUIRE(b.paragraphs.size() == 1);
    CHECK(b.paragraphs[0] ==
          "Federal Reserve Chairman Paul Volcker said growth would stay steady this year.");
    CHECK(b.tags.at("people") == std::vector<std::string>{"volcker"});
    CHECK(b.tags.at("exchanges") == std::vector<std::string>{"nyse"});
}

TEST_CASE("format detection by extension and by name", "[indexer]") {
    CHECK(detect_input_format("x/a.jsonl") == InputFormat::jsonl);
    CHECK(detect_input_format("reut2-000.sgm") == InputFormat::reuters);
    CHECK(detect_input_format("story.txt") == InputFormat::text);
    CHECK_THROWS_AS(detect_input_format("data.csv"), std::invalid_argument);
    CHECK(parse_input_format("reuters") == InputFormat::reuters);
    CHECK_THROWS_AS(parse_input_format("xml"), std::invalid_argument);
    Collected c;
    CHECK_THROWS_AS(read_path("/nonexistent/herald", std::nullopt, c.sink(), c.error_sink()),
                    std::invalid_argument);
}

TEST_CASE("Reuters signatures go, doubled or glued; 'told Reuters.' stays", "[indexer]") {
    Collected c;
    std::istringstream in(
        "<REUTERS NEWID=\"1\"><DATE>4-MAR-1987 17:33:09.00</DATE><TEXT><TITLE>T</TITLE><BODY>Net "
        "profit rose.\n"
        "    Note: period ended January 31.\nREUTER\n Reuter\n&#3;</BODY></TEXT></REUTERS>\n"
        "<REUTERS NEWID=\"2\"><DATE>4-MAR-1987 "
        "17:33:09.00</DATE><TEXT><TITLE>T</TITLE><BODY>Prices fell.\n"
        "    The plan is fine, he told Reuters.\n Reuter...\n&#3;</BODY></TEXT></REUTERS>\n");
    read_reuters(in, "inline.sgm", c.sink(), c.error_sink());
    REQUIRE(c.articles.size() == 2);
    CHECK(c.articles[0].paragraphs ==
          std::vector<std::string>{"Net profit rose.", "Note: period ended January 31."});
    CHECK(c.articles[1].paragraphs ==
          std::vector<std::string>{"Prices fell.", "The plan is fine, he told Reuters."});
}

TEST_CASE("split_paragraphs splits at blank lines and joins lines", "[indexer]") {
    auto p = split_paragraphs("First line\nsame paragraph.\n\n  \nSecond   one.\n\n\n");
    REQUIRE(p.size() == 2);
    CHECK(p[0] == "First line same paragraph.");
    CHECK(p[1] == "Second one.");
    CHECK(split_paragraphs("\n \n").empty());
}

TEST_CASE("split_paragraphs can also break at an indented line, as Reuters bodies do", "[ingest]") {
    const std::string body = "  First para\ngoes on.\n  Second para\n\n\tThird.";
    CHECK(split_paragraphs(body) ==
          std::vector<std::string>{"First para goes on. Second para", "Third."});
    CHECK(split_paragraphs(body, ParagraphBreak::blank_line_or_indent) ==
          std::vector<std::string>{"First para goes on.", "Second para", "Third."});
}

TEST_CASE("a Reuters record with an empty or unclosed NEWID is an error, not an empty id",
          "[indexer]") {
    // Found by fuzz_readers (tests/fuzz/corpus/fuzz_readers/regress-empty-newid): records with
    // an empty id replaced each other in the index.
    Collected c;
    std::istringstream in(
        "<REUTERS NEWID=\"\"><BODY>First.</BODY></REUTERS>\n"
        "<REUTERS NEWID=\"><BODY>Second.</BODY></REUTERS>\n"
        "<REUTERS NEWID=\"9\"><BODY>Third.</BODY></REUTERS>\n"
        "<REUTERS NEWID=\"  \"><BODY>Fourth.</BODY></REUTERS>\n"
        "<REUTERS NEWID=\"10\"><BODY>Fifth.</BODY></REUTERS>\n");
    const ReutersCounts counts = read_reuters(in, "inline.sgm", c.sink(), c.error_sink());
    CHECK(counts.records == 5);
    REQUIRE(c.articles.size() == 2);
    CHECK(c.articles[0].id == "9");
    CHECK(c.articles[1].id == "10");  // the good records after the bad ones are read
    REQUIRE(c.errors.size() == 3);
    CHECK(c.errors[0].line == 1);
    CHECK(c.errors[1].line == 2);
    CHECK(c.errors[2].line == 4);
    CHECK(c.errors[0].message == "<REUTERS> record with an empty NEWID");
    CHECK(c.errors[1].message == "<REUTERS> record with an unterminated NEWID (no closing \")");
    CHECK(c.errors[2].message == "<REUTERS> record with an empty NEWID");  // blanks only
}

TEST_CASE("records over the size limits are refused one by one; the others are read", "[indexer]") {
    const std::string word = "oil ";
    auto text_of = [&](std::size_t bytes) {
        std::string t;
        while (t.size() + word.size() <= bytes) t += word;
        return t.substr(0, t.size() - 1);  // no trailing space (collapsed anyway)
    };
    std::string jsonl;
    jsonl += "{\"id\": \"ok1\", \"body\": \"first\"}\n";
    // A line over kMaxRecordBytes, never parsed (nor held whole).
    jsonl += "{\"id\": \"huge\", \"body\": \"" + std::string(kMaxRecordBytes, 'x') + "\"}\n";
    // A paragraph of exactly the limit is kept; one byte more is refused.
    const std::string at_limit =
        text_of(kMaxParagraphBytes) +
        std::string(kMaxParagraphBytes - text_of(kMaxParagraphBytes).size(), 'y');
    REQUIRE(at_limit.size() == kMaxParagraphBytes);
    jsonl += "{\"id\": \"edge\", \"body\": \"" + at_limit + "\"}\n";
    jsonl += "{\"id\": \"para\", \"body\": \"short\\n\\n" + at_limit + "z\"}\n";
    // Paragraphs each under the paragraph limit, together over the article limit.
    std::string many = "{\"id\": \"long\", \"paragraphs\": [";
    for (std::size_t i = 0; i < kMaxArticleBytes / kMaxParagraphBytes + 1; ++i)
        many += std::string(i ? ", " : "") + "\"" + at_limit + "\"";
    jsonl += many + "]}\n";
    jsonl += "{\"id\": \"ok2\", \"body\": \"second\"}";  // last line without a newline
    Collected c;
    std::istringstream in(jsonl);
    read_jsonl(in, "big.jsonl", c.sink(), c.error_sink());
    REQUIRE(c.articles.size() == 3);
    CHECK(c.articles[0].id == "ok1");
    CHECK(c.articles[1].id == "edge");
    CHECK(c.articles[1].paragraphs.at(0).size() == kMaxParagraphBytes);
    CHECK(c.articles[2].id == "ok2");
    REQUIRE(c.errors.size() == 3);
    CHECK(c.errors[0].line == 2);
    CHECK(c.errors[0].message == "record is over 8388608 bytes, the limit of a JSON Lines line");
    CHECK(c.errors[1].line == 4);
    CHECK(c.errors[1].message ==
          "article \"para\": paragraph 2 is 65537 bytes, over the limit of 65536 bytes a "
          "paragraph");
    CHECK(c.errors[2].line == 5);
    CHECK(c.errors[2].message ==
          "article \"long\": its text is " +
              std::to_string((kMaxArticleBytes / kMaxParagraphBytes + 1) * kMaxParagraphBytes) +
              " bytes, over the limit of 1048576 bytes an article");
}

TEST_CASE("a JSONL line longer than the read buffer is read whole", "[indexer]") {
    // A 180 KB line crosses the reader's 64 KiB buffer; a line of exactly 65535 bytes fills it.
    const std::string body(60'000, 'a');
    std::string filler(65535 - std::string("{\"id\": \"b\", \"body\": \"\"}").size(), 'b');
    std::istringstream in("{\"id\": \"a\", \"paragraphs\": [\"x\", \"" + body + "\", \"" + body +
                          "\", \"" + body + "\"]}\n" + "{\"id\": \"b\", \"body\": \"" + filler +
                          "\"}\n\n");
    Collected c;
    read_jsonl(in, "long.jsonl", c.sink(), c.error_sink());
    CHECK(c.errors.empty());
    REQUIRE(c.articles.size() == 2);
    REQUIRE(c.articles[0].paragraphs.size() == 4);
    CHECK(c.articles[0].paragraphs[3] == body);
    CHECK(c.articles[1].paragraphs.at(0) == filler);
}

TEST_CASE("plain-text and Reuters records over the size limits are refused", "[indexer]") {
    const std::string big(kMaxParagraphBytes + 1, 'w');
    {
        Collected c;
        std::istringstream in("Title\n\n" + big + "\n");
        read_text(in, "t", "t.txt", c.sink(), c.error_sink());
        CHECK(c.articles.empty());
        REQUIRE(c.errors.size() == 1);
        CHECK(c.errors[0].message ==
              "article \"t\": paragraph 1 is 65537 bytes, over the limit of 65536 bytes a "
              "paragraph");
    }
    {
        Collected c;
        std::istringstream in("Title\n\n" + std::string(kMaxRecordBytes, 'w'));
        read_text(in, "t", "t.txt", c.sink(), c.error_sink());
        CHECK(c.articles.empty());
        REQUIRE(c.errors.size() == 1);
        CHECK(c.errors[0].message ==
              "file is over 8388608 bytes, the limit of a plain-text article");
    }
    {
        Collected c;
        std::istringstream in("<REUTERS NEWID=\"1\"><BODY>" + big +
                              "</BODY></REUTERS>\n<REUTERS NEWID=\"2\"><BODY>Fine.</BODY></"
                              "REUTERS>\n");
        read_reuters(in, "r.sgm", c.sink(), c.error_sink());
        REQUIRE(c.articles.size() == 1);
        CHECK(c.articles[0].id == "2");
        REQUIRE(c.errors.size() == 1);
        CHECK(c.errors[0].line == 1);
        CHECK_THAT(c.errors[0].message, Catch::StartsWith("article \"1\": paragraph 1 is 65537"));
    }
}
