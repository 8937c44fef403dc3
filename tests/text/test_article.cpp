#include <herald/text/article.hpp>

#include <catch2/catch.hpp>

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
