#include <herald/index_job.hpp>
#include <herald/search.hpp>

#include <catch2/catch.hpp>

#include "support.hpp"

#include <sstream>

using namespace herald;

namespace {

// One fixture index for the whole file: tests/data/articles.jsonl + reuters-mini.sgm.
const std::filesystem::path& fixture_index() {
    static test::TempDir tmp;
    static const std::filesystem::path dir = [] {
        IndexJobOptions options;
        options.index_dir = tmp / "idx";
        options.inputs = {test::data_dir() / "articles.jsonl", test::data_dir() / "reuters-mini.sgm"};
        options.quiet = true;
        options.skip_errors = true;
        std::ostringstream out, err;
        if (run_index_job(options, out, err) != kExitOk) throw std::runtime_error(err.str());
        return options.index_dir;
    }();
    return dir;
}

SearchResult run(const std::string& q, SearchRequest request = {}) {
    Searcher searcher(fixture_index());
    request.query = q;
    return searcher.search(request);
}

std::vector<std::string> ids(const SearchResult& r) {
    std::vector<std::string> out;
    for (const auto& h : r.hits) out.push_back(h.id);
    return out;
}

}  // namespace

TEST_CASE("names match their possessives with either apostrophe", "[searcher]") {
    // "Putin" is in a1's title (plain words in the lead paragraph) and in paragraphs 1 and 2.
    SearchResult r = run("Putin");
    CHECK(r.hits.size() == 2);
    CHECK(run("title:Putin").hits.size() == 3);  // title: matches every paragraph of the article
    SearchResult r2 = run("Putin\u2019s delegation");
    CHECK(ids(r2) == std::vector<std::string>{"a1#2"});
    CHECK(r2.hits[0].snippet == "<mark>Putin\u2019s</mark> <mark>delegation</mark> included the pro-Kremlin governor of a Siberian region.");
    CHECK(ids(run("O'Neill")) == std::vector<std::string>{"a2#2"});
    CHECK(ids(run("Smith")) == std::vector<std::string>{"a3#3"});  // "Mr. Smith's"
}

TEST_CASE("U.S. is a term, not the stop word us", "[searcher]") {
    SearchResult r = run("U.S.");
    REQUIRE(ids(r) == std::vector<std::string>{"a1#3"});
    CHECK_THAT(r.hits[0].snippet, Catch::Contains("<mark>U.S.</mark>"));
    CHECK(run("us").hits.empty());
}

TEST_CASE("a hyphenated word is found as written and as a phrase", "[searcher]") {
    CHECK(ids(run("pro-Kremlin")) == std::vector<std::string>{"a1#2"});
    CHECK(ids(run("\"pro Kremlin\"")) == std::vector<std::string>{"a1#2"});
    CHECK(ids(run("Kremlin")) == std::vector<std::string>{"a1#2"});
}

TEST_CASE("phrases, boolean operators and default AND", "[searcher]") {
    CHECK(ids(run("\"crude oil\"")) == std::vector<std::string>{"a3#1"});
    CHECK(ids(run("\"oil crude\"")).empty());
    CHECK(ids(run("oil gas")) == std::vector<std::string>{"a3#2"});  // AND: both words
    CHECK(run("oil OR rain").hits.size() == 2 + 3);         // a3 ¶1-2; a2 ¶1, 101 ¶1 and ¶3 say rain
    CHECK(ids(run("oil -gas")) == std::vector<std::string>{"a3#1"});
    CHECK(ids(run("title:floods")) .size() == 2);
}

TEST_CASE("floods highlights Floods, and stemming works in both directions", "[searcher]") {
    SearchResult r = run("floods", {});
    REQUIRE(!r.hits.empty());
    bool marked = false;
    for (const auto& h : r.hits) marked |= h.snippet.find("<mark>Floods</mark>") != std::string::npos;
    CHECK(marked);
    CHECK(run("flooded").hits.size() == run("flood").hits.size());
}

TEST_CASE("stored HTML comes back escaped in snippets", "[searcher]") {
    SearchResult r = run("injection");
    REQUIRE(r.hits.size() == 1);
    CHECK(r.hits[0].snippet ==
          "A paragraph with &lt;script&gt;alert(1)&lt;/script&gt; and &lt;img src=x onerror=alert(1)&gt; inside it.");
    SearchResult r2 = run("onerror");
    REQUIRE(r2.hits.size() == 1);
    CHECK_THAT(r2.hits[0].snippet, Catch::Contains("<mark>onerror</mark>=alert(1)&gt;"));
}

TEST_CASE("sort by date, collapse, and date ranges", "[searcher]") {
    SearchRequest by_date;
    by_date.sort = SortOrder::date;
    SearchResult r = run("said OR prices OR rain", by_date);
    REQUIRE(r.hits.size() >= 3);
    for (std::size_t i = 1; i < r.hits.size(); ++i) CHECK(r.hits[i - 1].published >= r.hits[i].published);

    SearchRequest collapse;
    collapse.collapse = true;
    SearchResult c = run("Putin", collapse);
    CHECK(ids(c).size() == 1);
    CHECK(c.hits[0].article_id == "a1");

    SearchRequest range;
    range.from = "1987-01-01";
    range.to = "1987-12-31";
    SearchResult d = run("rain OR growth", range);
    for (const auto& h : d.hits) CHECK(h.published.substr(0, 4) == "1987");
    CHECK(d.hits.size() == 3);
    CHECK(run("rain OR growth 1987-03-01..1987-03-31").hits.size() == 1);  // only Volcker, March 5
    CHECK(run("rain OR growth 1987-02-26..1987-02-26").hits.size() == 2);  // inclusive end day
    SearchRequest only_filter;
    only_filter.from = "2024";
    CHECK(run("", only_filter).hits.size() == 5);  // no words + a filter: everything in 2024
}

TEST_CASE("paging with limit and offset", "[searcher]") {
    SearchRequest all;
    all.limit = 100;
    SearchResult r = run("said OR prices OR rain OR Putin", all);
    REQUIRE(r.hits.size() >= 6);
    SearchRequest page;
    page.limit = 2;
    page.offset = 2;
    SearchResult p = run("said OR prices OR rain OR Putin", page);
    REQUIRE(p.hits.size() == 2);
    CHECK(p.hits[0].id == r.hits[2].id);
    CHECK(p.hits[1].id == r.hits[3].id);
    SearchRequest too_many;
    too_many.limit = 5000;
    CHECK_THROWS_AS(run("oil", too_many), QueryError);
}

TEST_CASE("empty and punctuation-only queries give no hits, bad ones throw", "[searcher]") {
    CHECK(run("").hits.empty());
    CHECK(run("&").hits.empty());
    CHECK(run("   ").hits.empty());
    CHECK(run(std::string(300, 'x')).hits.empty());
    CHECK_THROWS_AS(run("AND AND"), QueryError);
    CHECK(run("Or").hits.empty());
    SearchResult wild = run("a*");  // expands to many terms, bounded
    CHECK(!wild.hits.empty());
}

TEST_CASE("the JSON has the shape of DESIGN.md", "[searcher]") {
    SearchRequest request;
    request.limit = 1;
    SearchResult r = run("Volcker growth", request);
    nlohmann::json j = to_json(r);
    CHECK(j["query"] == "Volcker growth");
    CHECK(j["total"]["estimate"] == 1);
    CHECK(j["total"]["lower_bound"] == 1);
    CHECK(j["total"]["upper_bound"] == 1);
    CHECK(j["took_ms"].is_number());
    REQUIRE(j["hits"].size() == 1);
    const auto& h = j["hits"][0];
    CHECK(h["id"] == "103#1");
    CHECK(h["article_id"] == "103");
    CHECK(h["paragraph"] == 1);
    CHECK(h["title"] == "VOLCKER SEES STEADY GROWTH");
    CHECK(h["url"] == "");
    CHECK(h["published"] == "1987-03-05T09:10:11Z");
    CHECK(h["score"].get<double>() > 0);
    CHECK(h["snippet"] ==
          "Federal Reserve Chairman Paul <mark>Volcker</mark> said <mark>growth</mark> would stay steady this year.");
    CHECK(h["entities"].is_array());
    CHECK(j["facets"].is_object());
    CHECK(j.contains("suggestion"));
}
