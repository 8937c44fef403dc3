// Facet counts and entity filters on a fixture with known answers (tests/data/entities.jsonl,
// given entities only, so the answers do not depend on the recognizer's model).
#include <herald/index/index_job.hpp>
#include <herald/searcher/article_store.hpp>
#include <herald/searcher/searcher.hpp>

#include <catch2/catch.hpp>

#include <map>
#include <sstream>

#include "support.hpp"

using namespace herald;

namespace {

const std::filesystem::path& entity_index() {
    static test::TempDir tmp;
    static const std::filesystem::path dir = [] {
        IndexJobOptions options;
        options.index_dir = tmp / "idx";
        options.inputs = {test::data_dir() / "entities.jsonl"};
        options.quiet = true;
        options.entities = false;
        std::ostringstream out, err;
        if (run_index_job(options, out, err) != kExitOk) throw std::runtime_error(err.str());
        return options.index_dir;
    }();
    return dir;
}

SearchResult run(SearchRequest request) {
    request.within =
        SearchUnit::paragraph;  // this file tests paragraph counts; stories: test_stories.cpp
    Searcher searcher(entity_index());
    return searcher.search(request);
}

// facet → value → count
std::map<std::string, std::map<std::string, Xapian::doccount>> counts(const SearchResult& r) {
    std::map<std::string, std::map<std::string, Xapian::doccount>> out;
    for (const auto& [name, values] : r.facets) {
        auto& m = out[name];
        for (const auto& v : values) m[v.value] = v.count;
    }
    return out;
}

}  // namespace

// Placement of the given entities (a name belongs to the paragraphs that write it):
//   e1 ¶1 Vladimir Putin, Joe Biden, Geneva   ¶2 —   ¶3 Washington
//   e2 ¶1 Vladimir Putin, Moscow               ¶2 United Nations, Vladimir Putin (possessive)
//   e3 ¶1 Joe Biden, Geneva, United Nations

TEST_CASE("facets count paragraphs over the whole match set", "[searcher]") {
    SearchRequest request;
    request.query = "talks";  // e1¶1, e2¶1, e2¶2, e3¶1
    request.facets = {"person", "place", "org"};
    request.limit = 1;  // counts do not depend on the page
    SearchResult r = run(request);
    CHECK(r.estimate == 4);
    CHECK(r.facets_exact);
    auto c = counts(r);
    CHECK(c["person"] ==
          std::map<std::string, Xapian::doccount>{{"Vladimir Putin", 3}, {"Joe Biden", 2}});
    CHECK(c["place"] == std::map<std::string, Xapian::doccount>{{"Geneva", 2}, {"Moscow", 1}});
    CHECK(c["org"] == std::map<std::string, Xapian::doccount>{{"United Nations", 2}});
    // Sorted by count, most frequent first.
    REQUIRE(r.facets[0].second.size() == 2);
    CHECK(r.facets[0].second[0].value == "Vladimir Putin");
}

TEST_CASE("with collapse, facets count articles", "[searcher]") {
    SearchRequest request;
    request.query = "talks";
    request.facets = {"person", "org"};
    request.collapse = true;
    SearchResult r = run(request);
    CHECK(r.estimate == 3);
    CHECK(r.lower_bound == 3);
    CHECK(r.upper_bound == 3);
    auto c = counts(r);
    CHECK(c["person"] ==
          std::map<std::string, Xapian::doccount>{{"Vladimir Putin", 2}, {"Joe Biden", 2}});
    CHECK(c["org"] == std::map<std::string, Xapian::doccount>{{"United Nations", 2}});
}

TEST_CASE("entity filters: OR within a facet, AND across facets, case and possessive folded",
          "[searcher]") {
    SearchRequest either;
    either.persons = {"Vladimir Putin", "joe biden"};
    CHECK(run(either).estimate == 4);  // e1¶1, e2¶1, e2¶2, e3¶1

    SearchRequest both;
    both.persons = {"Vladimir Putin", "Joe Biden"};
    both.places = {"Geneva"};
    both.facets = {"place"};
    SearchResult r = run(both);
    CHECK(r.estimate == 2);                             // e1¶1, e3¶1
    CHECK(counts(r)["place"]["Geneva"] == r.estimate);  // the filter's value counts every hit

    SearchRequest folded;
    folded.persons = {"VLADIMIR PUTIN\u2019s"};
    CHECK(run(folded).estimate == 3);

    SearchRequest org;
    org.query = "talks";
    org.orgs = {"United Nations"};
    CHECK(run(org).estimate == 2);

    SearchRequest in_query;
    in_query.query = "talks person:\"Joe Biden\" person:\"vladimir putin\" place:Geneva";
    CHECK(run(in_query).estimate == 2);
}

TEST_CASE("a facet value is never split by case", "[searcher]") {
    // e2 gives "VLADIMIR PUTIN"; e1 "Vladimir Putin": one value, one display form.
    SearchRequest request;
    request.persons = {"Vladimir Putin"};
    request.facets = {"person"};
    SearchResult r = run(request);
    auto c = counts(r);
    CHECK(c["person"].count("VLADIMIR PUTIN") == 0);
    CHECK(c["person"]["Vladimir Putin"] == 3);
}

TEST_CASE("hits list their paragraph's entities; unknown facets are rejected", "[searcher]") {
    SearchRequest request;
    request.query = "constructive";
    SearchResult r = run(request);
    REQUIRE(r.hits.size() == 1);
    CHECK(r.hits[0].entities.empty());  // e1¶2 names nobody in full
    request.query = "Moscow";
    r = run(request);
    REQUIRE(r.hits.size() == 1);
    std::vector<std::string> names;
    for (const auto& e : r.hits[0].entities)
        names.push_back(std::string(entity_type_name(e.type)) + ":" + e.text);
    CHECK(names == std::vector<std::string>{"person:Vladimir Putin", "place:Moscow"});

    SearchRequest bad;
    bad.facets = {"colour"};
    CHECK_THROWS_AS(run(bad), QueryError);
}

TEST_CASE("facets appear in the JSON with their counts", "[searcher]") {
    SearchRequest request;
    request.query = "talks";
    request.facets = {"place"};
    nlohmann::json j = to_json(run(request));
    CHECK(j["facets_exact"] == true);
    REQUIRE(j["facets"]["place"].size() == 2);
    CHECK(j["facets"]["place"][0]["value"] == "Geneva");
    CHECK(j["facets"]["place"][0]["count"] == 2);
    CHECK_FALSE(j["facets"]["place"][0].contains("count_upper_bound"));
}

TEST_CASE("an article reads back whole, in paragraph order, with its entities", "[searcher]") {
    Xapian::Database db(entity_index().string());
    auto a = get_article(db, "e2");
    REQUIRE(a.has_value());
    CHECK(a->title == "Talks in Moscow");
    CHECK(a->published == "2021-07-01T10:00:00Z");
    REQUIRE(a->paragraphs.size() == 2);
    CHECK(a->paragraphs[0] == "Vladimir Putin hosted talks in Moscow.");
    nlohmann::json j = to_json(*a);
    CHECK(j["paragraphs"][1]["paragraph"] == 2);
    // Article-level entities: each once, with the paragraphs that carry it.
    bool putin = false;
    for (const auto& e : j["entities"]) {
        if (e["name"] == "Vladimir Putin") {
            putin = true;
            CHECK(e["paragraphs"] == nlohmann::json::array({1, 2}));
        }
    }
    CHECK(putin);
    CHECK_FALSE(get_article(db, "nope").has_value());
}

TEST_CASE("entity autocomplete matches word starts and counts articles", "[searcher]") {
    Xapian::Database db(entity_index().string());
    auto pu = suggest_entities(db, "person", "Pu", 10);
    REQUIRE(pu.size() == 1);
    CHECK(pu[0].name == "Vladimir Putin");  // display form, not the folded key
    CHECK(pu[0].count == 2);                // three paragraphs of two articles
    auto all = suggest_entities(db, "person", "", 10);
    REQUIRE(all.size() == 2);
    // Two articles each: ties are in name order.
    CHECK(all[0].name == "Joe Biden");
    CHECK(all[0].count == 2);
    CHECK(all[1].name == "Vladimir Putin");
    CHECK(suggest_entities(db, "org", "united n", 10).at(0).name == "United Nations");
    CHECK(suggest_entities(db, "place", "x", 10).empty());
    CHECK_THROWS_AS(suggest_entities(db, "colour", "", 10), std::invalid_argument);
}
