#include <herald/index/document.hpp>
#include <herald/text/paragraph_data.hpp>
#include <herald/text/schema.hpp>

#include <catch2/catch.hpp>

#include <map>
#include <set>

using namespace herald;

namespace {

// term → positions of a document's unprefixed terms.
std::map<std::string, std::vector<Xapian::termpos>> positions(const Xapian::Document& doc) {
    std::map<std::string, std::vector<Xapian::termpos>> out;
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
        const std::string term = *t;
        auto& v = out[term];
        for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p) v.push_back(*p);
    }
    return out;
}

}  // namespace

TEST_CASE("a paragraph document carries terms, positions, values and data", "[indexer]") {
    Article a;
    a.id = "art-1";
    a.title = "Putin\u2019s talks";
    a.published = "2024-05-16T08:00:00Z";
    a.source = "Test Wire";
    a.url = "https://example.org/1";
    a.paragraphs = {"First paragraph.",
                    "The pro-Kremlin governor met U.S. envoys on Putin's behalf."};
    a.tags["places"] = {"russia"};

    DocumentBuilder builder;
    Xapian::Document doc = builder.paragraph_document(a, 1);
    auto pos = positions(doc);

    CHECK(pos.count("putin") == 1);  // possessive stripped, both apostrophes
    CHECK(pos.count("putin's") == 0);
    CHECK(pos.count("Sputin") == 1);  // title prefix
    CHECK(pos.count("Stalk") == 1);   // stemmed title word
    CHECK(pos.count("u_s") == 1);     // never the stop word "us"
    CHECK(pos.count("us") == 0);
    REQUIRE(pos.count("pro") == 1);
    REQUIRE(pos.count("kremlin") == 1);
    CHECK(pos["kremlin"][0] ==
          pos["pro"][0] + 1);        // hyphenated word: adjacent, so a phrase matches
    CHECK(pos.count("first") == 0);  // other paragraph's text is not here
    CHECK(pos.count("Q"
                    "art-1#2") == 1);
    CHECK(pos.count("XAart-1") == 1);
    CHECK(pos.count("XStest wire") == 1);
    CHECK(pos.count("XTPLACESrussia") == 1);
    CHECK(pos.count("Len") == 1);
    CHECK(pos.count("talk") == 0);  // the headline's plain words are in the lead paragraph only
    auto lead = positions(builder.paragraph_document(a, 0));
    REQUIRE(lead.count("talk") == 1);
    REQUIRE(lead.count("first") == 1);
    CHECK(lead.count("Stalk") == 1);
    // Title and body never share a phrase: the body starts after a gap.
    CHECK(lead["first"][0] > lead["talk"][0] + 1);

    CHECK(doc.get_value(schema::kPublished) == "20240516080000");
    CHECK(doc.get_value(schema::kArticleId) == "art-1");
    CHECK(Xapian::sortable_unserialise(doc.get_value(schema::kParagraph)) == 2.0);
    const auto data = decode_paragraph_data(doc.get_data());
    REQUIRE(data);
    CHECK(data->paragraph == 2);
    CHECK(data->article_id == "art-1");
    CHECK_THAT(data->text, Catch::Contains("pro-Kremlin governor"));
    CHECK_THROWS_AS(builder.paragraph_document(a, 2), std::out_of_range);
}

TEST_CASE("languages without a stemmer index their words as written", "[indexer]") {
    DocumentBuilder builder;
    for (const char* language : {"ja", "klingon", "und"}) {
        INFO(language);
        Article a;
        a.id = "x";
        a.language = language;
        a.paragraphs = {"Running tests"};
        auto pos = positions(builder.paragraph_document(a, 0));
        CHECK(pos.count("running") == 1);
        CHECK(pos.count("tests") == 1);
    }
    Article us;
    us.id = "y";
    us.language = "en-US";  // a language tag: its primary subtag stems
    us.paragraphs = {"Running tests"};
    auto pos = positions(builder.paragraph_document(us, 0));
    CHECK(pos.count("run") == 1);
    CHECK(pos.count("test") == 1);
}

TEST_CASE("an over-long word or id never breaks a document", "[indexer]") {
    Article a;
    a.id = std::string(300, 'i');
    a.source = std::string(300, 's');
    a.paragraphs = {"short " + std::string(400, 'x') + " words"};
    DocumentBuilder builder;
    Xapian::Document doc = builder.paragraph_document(a, 0);
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) CHECK((*t).size() <= 245);
    auto pos = positions(doc);
    CHECK(pos.count("short") == 1);
    CHECK(pos.count("word") == 1);
}

TEST_CASE("a story document holds the whole article, paragraphs kept apart", "[indexer]") {
    Article a;
    a.id = "s1";
    a.title = "Trade talks";
    a.published = "2024-05-16T08:00:00Z";
    a.source = "Test Wire";
    a.paragraphs = {"Ministers met in Geneva.", "Talks ended without a deal in Geneva."};
    const std::vector<std::vector<Entity>> entities = {
        {{"Geneva", EntityType::place}},
        {{"geneva", EntityType::place}, {"WTO", EntityType::organization}}};

    DocumentBuilder builder;
    const Xapian::Document doc = builder.article_document(a, entities);
    auto words = positions(doc);
    // Story words carry schema::kStoryWord; the rest below is read without it.
    std::map<std::string, std::vector<Xapian::termpos>> pos;
    for (auto& [term, at] : words) {
        if (term.rfind(std::string(schema::kStoryWord), 0) == 0)
            pos[term.substr(schema::kStoryWord.size())] = at;
        else
            pos[term] = at;
    }
    CHECK(words.count("minist") == 0);  // no unprefixed words: they are the paragraphs'
    // Words of both paragraphs; "geneva" twice, once in each.
    REQUIRE(pos.count("minist"));
    REQUIRE(pos.count("deal"));
    REQUIRE(pos["geneva"].size() == 2);
    // Each paragraph starts at its own multiple of kParagraphStride: positions tell the
    // paragraph, and no phrase joins two of them.
    CHECK(pos["talk"].size() == 2);  // the headline's "talks" and paragraph 2's
    CHECK(schema::paragraph_of_position(pos["talk"][0]) == 0);  // the headline
    CHECK(schema::paragraph_of_position(pos["talk"][1]) == 2);
    CHECK(schema::paragraph_of_position(pos["geneva"][0]) == 1);
    CHECK(schema::paragraph_of_position(pos["geneva"][1]) == 2);
    CHECK(pos["minist"] == std::vector<Xapian::termpos>{schema::kParagraphStride + 1});
    CHECK(pos["talk"][1] - pos["geneva"][0] > schema::kParagraphStride / 2);
    // Headline words: prefixed with weight kStoryTitleWeight, unprefixed with kHeadlineWeight.
    auto wdf = [&](const std::string& term) {
        auto t = doc.termlist_begin();
        t.skip_to(term);
        return t != doc.termlist_end() && *t == term ? t.get_wdf() : 0u;
    };
    CHECK(wdf("Strade") == 1);
    // The length BM25 normalizes (the sum of the wdfs): 11 words of text, the 2 headline
    // words 3 times (1 + 2), and the 2 entities once each.
    Xapian::termcount length = 0;
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) length += t.get_wdf();
    CHECK(length == 11 + 2 * 3 + 2);
    CHECK(wdf(std::string(schema::kStoryWord) + "trade") == schema::kHeadlineWeight);
    CHECK(wdf("trade") == 0);
    // Boolean terms: the kind, the unique id of paragraph 0, the article; entities once each.
    CHECK(wdf(std::string(schema::kStoryDocument)) == 0);
    CHECK(pos.count(std::string(schema::kStoryDocument)));
    CHECK(pos.count(schema::unique_term("s1", 0)));
    CHECK(pos.count(schema::boolean_term(schema::kArticle, "s1")));
    CHECK(pos.count(schema::entity_term(EntityType::place, "Geneva")));
    CHECK(pos.count(schema::entity_term(EntityType::organization, "WTO")));
    std::vector<std::pair<std::string, std::string>> facets;
    schema::decode_facets(doc.get_value(schema::kFacets), [&](auto f, auto n) {
        facets.emplace_back(std::string(f), std::string(n));
    });
    CHECK(facets ==
          std::vector<std::pair<std::string, std::string>>{{"place", "Geneva"}, {"org", "WTO"}});
    CHECK(Xapian::sortable_unserialise(doc.get_value(schema::kParagraph)) == 0);
    CHECK(doc.get_value(schema::kArticleId) == "s1");
    // Data: the article's fields and the union of entities; slot kStoryRecord: each
    // paragraph's text with its entities as indices into that union.
    const auto data = decode_paragraph_data(doc.get_data());
    REQUIRE(data);
    CHECK(data->paragraph == 0);
    CHECK(data->title == "Trade talks");
    CHECK(data->text.empty());
    REQUIRE(data->entities.size() == 2);
    CHECK(data->entities[0].text == "Geneva");
    CHECK(data->entities[1].text == "WTO");
    const auto record = decode_story_record(doc.get_value(schema::kStoryRecord));
    REQUIRE(record);
    CHECK(record->story.title == data->title);
    CHECK(record->story.article_id == "s1");
    REQUIRE(record->story.entities.size() == 2);
    const auto* paragraphs = &record->paragraphs;
    REQUIRE(paragraphs->size() == 2);
    CHECK((*paragraphs)[0].text == a.paragraphs[0]);
    CHECK((*paragraphs)[1].text == a.paragraphs[1]);
    CHECK((*paragraphs)[0].entities == std::vector<std::uint32_t>{0});
    CHECK((*paragraphs)[1].entities == std::vector<std::uint32_t>{0, 1});  // "geneva" is Geneva
}
