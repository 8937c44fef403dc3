#include <herald/text/paragraph_data.hpp>
#include <herald/text/schema.hpp>

#include <catch2/catch.hpp>

using namespace herald;

TEST_CASE("boolean terms follow Omega's colon rule", "[indexer]") {
    CHECK(schema::boolean_term("XA", "abc") == "XAabc");
    CHECK(schema::boolean_term("XA", "Abc") == "XA:Abc");
    CHECK(schema::boolean_term("Q", "Abc") == "QAbc");  // single-letter prefix: no colon
    CHECK(schema::unique_term("12", 3) == "Q12#3");
    CHECK(schema::tag_term("places", "usa") == "XTPLACESusa");
}

TEST_CASE("over-long boolean values are hashed below Xapian's term limit", "[indexer]") {
    const std::string a(400, 'a');
    std::string b = a;
    b.back() = 'b';
    const std::string ta = schema::boolean_term("XA", a);
    const std::string tb = schema::boolean_term("XA", b);
    CHECK(ta.size() <= schema::kMaxTermBytes);
    CHECK(tb.size() <= schema::kMaxTermBytes);
    CHECK(ta != tb);
    CHECK(ta == schema::boolean_term("XA", a));  // deterministic
}

namespace {

ParagraphData sample_paragraph() {
    ParagraphData p;
    p.article_id = "a\xc3\xa9-1";
    p.paragraph = 300;  // takes two varint bytes
    p.title = "PUTIN VISITS YAKUTSK";
    p.url = "https://example.org/1";
    p.source = "Test Wire";
    p.published = "2024-06-18T09:00:00Z";
    p.language = "en";
    p.text = std::string(200, 'x') + " \xe2\x80\x99quoted\xe2\x80\x99";
    p.tags = {{"places", {"russia", "vietnam"}}, {"topics", {}}};
    p.entities = {{"Vladimir Putin", EntityType::person}, {"Yakutsk", EntityType::place}};
    return p;
}

}  // namespace

TEST_CASE("paragraph data round-trips through the binary layout", "[indexer]") {
    const ParagraphData p = sample_paragraph();
    const std::string bytes = encode_paragraph_data(p);
    REQUIRE(!bytes.empty());
    CHECK(bytes[0] == '\x01');  // never '{': the JSON of schema 1 and 2 stays readable
    const auto back = decode_paragraph_data(bytes);
    REQUIRE(back);
    CHECK(back->article_id == p.article_id);
    CHECK(back->paragraph == 300);
    CHECK(back->title == p.title);
    CHECK(back->url == p.url);
    CHECK(back->source == p.source);
    CHECK(back->published == p.published);
    CHECK(back->language == p.language);
    CHECK(back->text == p.text);
    CHECK(back->tags == p.tags);
    REQUIRE(back->entities.size() == 2);
    CHECK(back->entities[0].text == "Vladimir Putin");
    CHECK(back->entities[0].type == EntityType::person);
    CHECK(back->entities[1].type == EntityType::place);
    // Invalid UTF-8 is repaired on the way in, so every decoded string is valid.
    ParagraphData bad = p;
    bad.title = "caf\xe9";
    const auto repaired = decode_paragraph_data(encode_paragraph_data(bad));
    REQUIRE(repaired);
    CHECK(repaired->title != bad.title);
    CHECK(repaired->title.rfind("caf", 0) == 0);
}

TEST_CASE("document data of schema 2 (JSON) still reads", "[indexer]") {
    const auto p = decode_paragraph_data(
        R"({"article_id":"103","entities":[{"name":"Paul Volcker","type":"person"},)"
        R"({"name":"X","type":"alien"}],"language":"en","paragraph":1,)"
        R"("published":"1987-03-05T09:10:11Z","source":"Reuters","tags":{"people":["volcker"]},)"
        R"("text":"Volcker said.","title":"VOLCKER","url":""})");
    REQUIRE(p);
    CHECK(p->article_id == "103");
    CHECK(p->paragraph == 1);
    CHECK(p->text == "Volcker said.");
    CHECK(p->tags.at("people") == std::vector<std::string>{"volcker"});
    REQUIRE(p->entities.size() == 2);
    CHECK(p->entities[1].type == EntityType::misc);  // unknown type
    CHECK_FALSE(decode_paragraph_data("not json"));
    CHECK_FALSE(decode_paragraph_data(""));
}

TEST_CASE("cut or corrupt binary data is refused, never read past its end", "[indexer]") {
    const std::string bytes = encode_paragraph_data(sample_paragraph());
    // Every proper prefix is cut short somewhere: refused.
    for (std::size_t n = 1; n < bytes.size(); ++n) {
        INFO(n);
        CHECK_FALSE(decode_paragraph_data(bytes.substr(0, n)));
    }
    CHECK_FALSE(decode_paragraph_data(bytes + "x"));  // trailing bytes
    // A huge length or count is refused without allocating it.
    CHECK_FALSE(decode_paragraph_data(std::string("\x01\x01\xff\xff\xff\xff\x0f", 7)));
    CHECK_FALSE(decode_paragraph_data(std::string("\x01\x01") + std::string(11, '\x80')));
    // Flipping any one byte gives data or a refusal, never a read past the end (the ASan
    // build checks every flip); a flipped tag byte is neither layout.
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        std::string flipped = bytes;
        flipped[i] = static_cast<char>(flipped[i] ^ 0x5a);
        const auto decoded = decode_paragraph_data(flipped);
        if (i == 0) CHECK_FALSE(decoded);
    }
}

TEST_CASE("a story record round-trips with its paragraphs' entity indices", "[indexer]") {
    StoryRecord record;
    record.story = sample_paragraph();
    record.story.paragraph = 0;
    record.story.text.clear();
    record.paragraphs = {{"First paragraph.", {0}}, {"", {}}, {"Third, with two.", {1, 0, 7}}};
    const std::string value = encode_story_record(record);
    const auto back = decode_story_record(value);
    REQUIRE(back);
    CHECK(back->story.title == record.story.title);
    CHECK(back->story.tags == record.story.tags);
    REQUIRE(back->story.entities.size() == 2);
    REQUIRE(back->paragraphs.size() == 3);
    CHECK(back->paragraphs[0].text == "First paragraph.");
    CHECK(back->paragraphs[0].entities == std::vector<std::uint32_t>{0});
    CHECK(back->paragraphs[1].text.empty());
    CHECK(back->paragraphs[2].entities == std::vector<std::uint32_t>{1, 0});  // 7: no entity
    CHECK_FALSE(decode_story_record(""));                                     // schema 2: no slot
    for (std::size_t n = 1; n < value.size(); ++n) {
        INFO(n);
        CHECK_FALSE(decode_story_record(value.substr(0, n)));
    }
    CHECK_FALSE(decode_story_record(value + "x"));
}
