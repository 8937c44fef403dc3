#include <herald/text/strings.hpp>

#include <catch2/catch.hpp>

using namespace herald;

TEST_CASE("to_valid_utf8 keeps valid UTF-8 and decodes stray bytes as Latin-1", "[indexer]") {
    CHECK(to_valid_utf8("plain ascii") == "plain ascii");
    CHECK(to_valid_utf8("S\xC3\xA3o Paulo") == "S\xC3\xA3o Paulo");  // valid UTF-8 untouched
    CHECK(to_valid_utf8("M\xFCnchen") == "M\xC3\xBCnchen");          // Latin-1 ü
    CHECK(to_valid_utf8("\x93quoted\x94") == "\xE2\x80\x9Cquoted\xE2\x80\x9D");  // cp1252 quotes
    CHECK(to_valid_utf8("a\x01"
                        "b\rc\td") == "ab\nc\td");  // controls dropped, CR → LF
    CHECK(to_valid_utf8("\xED\xA0\x80") ==
          "\xC3\xAD\xC2\xA0\xE2\x82\xAC");  // a surrogate is not UTF-8
}

TEST_CASE("to_valid_utf8 turns CRLF into one LF and a lone CR into LF", "[indexer]") {
    CHECK(to_valid_utf8("a\r\nb") == "a\nb");
    CHECK(to_valid_utf8("a\r\n\r\nb\r\n") == "a\n\nb\n");  // a blank line stays one
    CHECK(to_valid_utf8("a\rb\r") == "a\nb\n");            // old Mac line ends
    CHECK(to_valid_utf8("a\n\rb") == "a\n\nb");            // LF CR is two line ends
    CHECK(to_valid_utf8("\r\n") == "\n");
}

TEST_CASE("html_escape escapes the five HTML specials", "[indexer]") {
    CHECK(html_escape("<a href=\"x\">Tom & Jerry's</a>") ==
          "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
}

TEST_CASE("utf8_floor never cuts inside a character", "[indexer]") {
    const std::string s = "ab\xC3\xBC\xE2\x82\xAC";  // a b ü €
    CHECK(utf8_floor(s, 2) == 2);
    CHECK(utf8_floor(s, 3) == 2);
    CHECK(utf8_floor(s, 4) == 4);
    CHECK(utf8_floor(s, 6) == 4);
    CHECK(utf8_floor(s, 7) == 7);
    CHECK(utf8_floor(s, 100) == 7);
}

TEST_CASE("append_utf8 encodes 1 to 4 bytes and replaces what is not a character", "[indexer]") {
    const auto encoded = [](std::uint32_t cp) {
        std::string s;
        herald::append_utf8(s, cp);
        return s;
    };
    CHECK(encoded('A') == "A");
    CHECK(encoded(0xE9) == "\xC3\xA9");             // é
    CHECK(encoded(0x20AC) == "\xE2\x82\xAC");       // €
    CHECK(encoded(0x1F600) == "\xF0\x9F\x98\x80");  // 😀
    CHECK(encoded(0) == "\xEF\xBF\xBD");
    CHECK(encoded(0xD800) == "\xEF\xBF\xBD");
    CHECK(encoded(0x110000) == "\xEF\xBF\xBD");
}
