#include <herald/text/article.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

using namespace herald;

TEST_CASE("parse_timestamp canonicalizes ISO 8601 to UTC", "[indexer]") {
    struct Row {
        const char* in;
        const char* out;  // nullptr: rejected
    };
    const Row rows[] = {
        {"2024-06-18T09:00:00Z", "2024-06-18T09:00:00Z"},
        {"2024-06-18", "2024-06-18T00:00:00Z"},
        {"2024-06-18 09:30", "2024-06-18T09:30:00Z"},
        {"2024-06-18T09:00:00.123Z", "2024-06-18T09:00:00Z"},
        {"2024-06-18T09:00:00+02:00", "2024-06-18T07:00:00Z"},
        {"2024-06-18T23:30:00-01:00", "2024-06-19T00:30:00Z"},
        {"2024-02-29", "2024-02-29T00:00:00Z"},
        {"2023-02-29", nullptr},
        {"2024-13-01", nullptr},
        {"yesterday", nullptr},
        {"2024-06-18T25:00:00Z", nullptr},
        {"2024-06-18T09:00:00Zjunk", nullptr},
        // ISO 8601 basic format (issue 12: `published: "20240618"` was refused).
        {"20240618", "2024-06-18T00:00:00Z"},
        {"20240618T0930Z", "2024-06-18T09:30:00Z"},
        {"20240618T093015+0200", "2024-06-18T07:30:15Z"},
        {"20240618T093015-01:00", "2024-06-18T10:30:15Z"},
        {"20240230", nullptr},
        {"2024061", nullptr},
        {"202406181", nullptr},
        {"20240618T09:30", nullptr},   // basic date, extended time: not one format
        {"2024-06-18T0930", nullptr},  // and the other way round
    };
    for (const auto& r : rows) {
        INFO(r.in);
        auto got = parse_timestamp(r.in);
        if (r.out == nullptr) {
            CHECK_FALSE(got.has_value());
        } else {
            REQUIRE(got.has_value());
            CHECK(*got == r.out);
        }
    }
}

TEST_CASE("date_bound_key makes inclusive range bounds", "[indexer]") {
    CHECK(date_bound_key("2024-06", false) == std::optional<std::string>("20240601000000"));
    CHECK(date_bound_key("2024-06", true) == std::optional<std::string>("20240630235959"));
    CHECK(date_bound_key("2024-02", true) == std::optional<std::string>("20240229235959"));
    CHECK(date_bound_key("1987", false) == std::optional<std::string>("19870101000000"));
    CHECK(date_bound_key("1987", true) == std::optional<std::string>("19871231235959"));
    CHECK(date_bound_key("19870305", true) == std::optional<std::string>("19870305235959"));
    CHECK(date_bound_key("2024-06-31", false) == std::nullopt);
    CHECK(date_bound_key("June", false) == std::nullopt);
    CHECK(timestamp_key("1987-02-26T15:01:01Z") == "19870226150101");
    CHECK(timestamp_key("") == "");
}

TEST_CASE("every field of an article changes its fingerprint", "[text]") {
    Article base;
    base.id = "a1";
    base.title = "Oil prices rise";
    base.published = "1987-03-02T10:00:00Z";
    base.source = "Reuters";
    base.url = "https://example.com/a1";
    base.language = "en";
    base.paragraphs = {"First paragraph.", "Second paragraph."};
    base.tags = {{"places", {"usa"}}};
    base.entities = {{"Opec", EntityType::organization}};
    const std::string fingerprint = article_fingerprint(base, "v1");
    CHECK(fingerprint.size() == 16);
    CHECK(article_fingerprint(base, "v1") == fingerprint);
    CHECK(article_fingerprint(base, "v2") != fingerprint);

    // The structured binding names every member of Article: a field added to Article and not
    // here stops this test from compiling, so the new field must be added to the list below
    // and to article_fingerprint() (an incremental run would skip a changed article otherwise).
    {
        auto& [id, title, published, source, url, language, paragraphs, tags, entities] = base;
        (void)id, (void)title, (void)published, (void)source, (void)url, (void)language;
        (void)paragraphs, (void)tags, (void)entities;
    }
    const std::vector<std::pair<const char*, void (*)(Article&)>> changes = {
        {"id", [](Article& a) { a.id = "a2"; }},
        {"title", [](Article& a) { a.title = "Oil prices fall"; }},
        {"published", [](Article& a) { a.published = "1987-03-03T10:00:00Z"; }},
        {"source", [](Article& a) { a.source = "AP"; }},
        {"url", [](Article& a) { a.url = "https://example.com/a2"; }},
        {"language", [](Article& a) { a.language = "de"; }},
        {"paragraph text", [](Article& a) { a.paragraphs[1] = "Second paragraph!"; }},
        {"paragraph split",
         [](Article& a) { a.paragraphs = {"First paragraph.Second paragraph."}; }},
        {"tag value", [](Article& a) { a.tags["places"] = {"uk"}; }},
        {"tag kind",
         [](Article& a) {
             a.tags = {{"topics", {"usa"}}};
         }},
        {"entity name", [](Article& a) { a.entities[0].text = "OPEC"; }},
        {"entity type", [](Article& a) { a.entities[0].type = EntityType::misc; }},
    };
    for (const auto& [field, change] : changes) {
        INFO(field);
        Article changed = base;
        change(changed);
        CHECK(article_fingerprint(changed, "v1") != fingerprint);
    }
}
