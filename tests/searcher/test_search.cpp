#include <herald/index/index_job.hpp>
#include <herald/searcher/searcher.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "support.hpp"

using namespace herald;

namespace {

// One fixture index for the whole file: tests/data/articles.jsonl + reuters-mini.sgm.
const std::filesystem::path& fixture_index() {
    static test::TempDir tmp;
    static const std::filesystem::path dir = [] {
        IndexJobOptions options;
        options.index_dir = tmp / "idx";
        options.inputs = {test::data_dir() / "articles.jsonl",
                          test::data_dir() / "reuters-mini.sgm"};
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
    request.within =
        SearchUnit::paragraph;  // this file tests paragraph hits; stories: test_stories.cpp
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
    CHECK(r2.hits[0].snippet ==
          "<mark>Putin\u2019s</mark> <mark>delegation</mark> included the pro-Kremlin governor of "
          "a Siberian region.");
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
    CHECK(run("oil OR rain").hits.size() == 2 + 3);  // a3 ¶1-2; a2 ¶1, 101 ¶1 and ¶3 say rain
    CHECK(ids(run("oil -gas")) == std::vector<std::string>{"a3#1"});
    CHECK(ids(run("title:floods")).size() == 2);
}

TEST_CASE("floods highlights Floods, and stemming works in both directions", "[searcher]") {
    SearchResult r = run("floods", {});
    REQUIRE(!r.hits.empty());
    bool marked = false;
    for (const auto& h : r.hits)
        marked |= h.snippet.find("<mark>Floods</mark>") != std::string::npos;
    CHECK(marked);
    CHECK(run("flooded").hits.size() == run("flood").hits.size());
}

TEST_CASE("stored HTML comes back escaped in snippets", "[searcher]") {
    SearchResult r = run("injection");
    REQUIRE(r.hits.size() == 1);
    CHECK(r.hits[0].snippet ==
          "A paragraph with &lt;script&gt;alert(1)&lt;/script&gt; and &lt;img src=x "
          "onerror=alert(1)&gt; inside it.");
    SearchResult r2 = run("onerror");
    REQUIRE(r2.hits.size() == 1);
    CHECK_THAT(r2.hits[0].snippet, Catch::Contains("<mark>onerror</mark>=alert(1)&gt;"));
}

TEST_CASE("sort by date, collapse, and date ranges", "[searcher]") {
    SearchRequest by_date;
    by_date.sort = SortOrder::date;
    SearchResult r = run("said OR prices OR rain", by_date);
    REQUIRE(r.hits.size() >= 3);
    for (std::size_t i = 1; i < r.hits.size(); ++i)
        CHECK(r.hits[i - 1].published >= r.hits[i].published);

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

TEST_CASE("the JSON has the shape of docs/http-api.md", "[searcher]") {
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
          "Federal Reserve Chairman Paul <mark>Volcker</mark> said <mark>growth</mark> would stay "
          "steady this year.");
    CHECK(h["entities"].is_array());
    CHECK(j["facets"].is_object());
    CHECK(j.contains("suggestion"));
}

namespace {

// A tiny index of one-paragraph articles written as JSON Lines in a fresh temporary folder.
struct TinyIndex {
    test::TempDir tmp;
    std::filesystem::path dir;

    explicit TinyIndex(const std::vector<std::string>& jsonl_lines) {
        const auto input = tmp / "tiny.jsonl";
        {
            std::ofstream out(input);
            for (const auto& line : jsonl_lines) out << line << '\n';
        }
        IndexJobOptions options;
        options.index_dir = tmp / "idx";
        options.inputs = {input};
        options.quiet = true;
        options.entities = false;  // given entities only
        options.threads = 1;
        std::ostringstream out, err;
        if (run_index_job(options, out, err) != kExitOk) throw std::runtime_error(err.str());
        dir = options.index_dir;
    }
};

std::string article(const std::string& id, const std::string& text, const std::string& extra = "") {
    return R"({"id": ")" + id + R"(", "title": "", "source": "Wire", "body": ")" + text + "\"" +
           extra + "}";
}

const TinyIndex& fruit_index() {
    static const TinyIndex index(
        {article("both", "apple banana kiwi lemon"), article("apple", "apple cherry kiwi lemon"),
         article("banana", "banana date kiwi lemon"), article("neither", "elder fig kiwi lemon"),
         article("apples", "apple apple apple grape")});
    return index;
}

std::vector<std::string> article_ids(const SearchResult& r) {
    std::vector<std::string> out;
    for (const auto& h : r.hits) out.push_back(h.article_id);
    return out;
}

}  // namespace

TEST_CASE("with op OR any word matches and a paragraph with both words ranks first", "[searcher]") {
    Searcher searcher(fruit_index().dir);
    SearchRequest request;
    request.query = "banana cherry";
    request.default_operator = DefaultOperator::any_word;
    SearchResult any = searcher.search(request);
    REQUIRE(any.hits.size() == 3);  // "both", "apple" (cherry), "banana"
    request.query = "apple banana";
    any = searcher.search(request);
    REQUIRE(any.hits.size() == 4);
    CHECK(any.hits[0].article_id == "both");
    CHECK(any.hits[0].score > any.hits[1].score);

    request.default_operator = DefaultOperator::all_words;  // AND: unchanged
    CHECK(article_ids(searcher.search(request)) == std::vector<std::string>{"both"});

    request.default_operator = DefaultOperator::any_word;
    request.query = "+apple +banana";  // required words stay required under OR
    CHECK(article_ids(searcher.search(request)) == std::vector<std::string>{"both"});
    request.query = "+banana apple";
    CHECK(article_ids(searcher.search(request)) == std::vector<std::string>{"both", "banana"});
}

TEST_CASE("BM25 k1 and b change scores but never the match set", "[searcher]") {
    Searcher searcher(fruit_index().dir);
    SearchRequest request;
    request.query = "apple";
    SearchResult standard = searcher.search(request);
    REQUIRE(standard.hits.size() == 3);
    CHECK(standard.hits[0].article_id == "apples");  // three occurrences beat one
    request.bm25_k1 = 0;  // term frequency ignored: every match weighs the same
    SearchResult flat = searcher.search(request);
    REQUIRE(flat.hits.size() == 3);
    CHECK(flat.hits[0].score == Approx(flat.hits[2].score));
    request.bm25_k1 = 1.2;
    request.bm25_b = 0;
    CHECK(searcher.search(request).hits.size() == 3);
}

TEST_CASE("bad ranking options are rejected", "[searcher]") {
    Searcher searcher(fruit_index().dir);
    const auto with = [](auto change) {
        SearchRequest r;
        r.query = "apple";
        change(r);
        return r;
    };
    CHECK_THROWS_AS(searcher.search(with([](SearchRequest& r) { r.bm25_k1 = -0.1; })), QueryError);
    CHECK_THROWS_AS(searcher.search(with([](SearchRequest& r) { r.bm25_k1 = 10.5; })), QueryError);
    CHECK_THROWS_AS(searcher.search(with([](SearchRequest& r) { r.bm25_k1 = std::nan(""); })),
                    QueryError);
    CHECK_THROWS_AS(searcher.search(with([](SearchRequest& r) { r.bm25_b = 1.01; })), QueryError);
    CHECK_THROWS_AS(searcher.search(with([](SearchRequest& r) { r.bm25_b = -1; })), QueryError);
    CHECK_THROWS_AS(searcher.search(with([](SearchRequest& r) { r.feedback_documents = 101; })),
                    QueryError);
    CHECK_THROWS_AS(searcher.search(with([](SearchRequest& r) {
        r.feedback_documents = 2;
        r.feedback_terms = 0;
    })),
                    QueryError);
    // Out of range even while feedback is off: the documented range is checked always.
    CHECK_THROWS_AS(searcher.search(with([](SearchRequest& r) { r.feedback_terms = 51; })),
                    QueryError);
    CHECK_NOTHROW(searcher.search(with([](SearchRequest& r) {
        r.bm25_k1 = 10;
        r.bm25_b = 1;
        r.feedback_terms = 50;
    })));
}

TEST_CASE("feedback adds paragraphs that share expansion terms, never through filter terms",
          "[searcher]") {
    // "solar" paragraphs share "photovoltaic" and "inverter"; "panels" shares them without
    // "solar". "club" shares only the source and the entity (boolean terms) with them.
    const std::string ada = R"(, "entities": [{"text": "Ada Lovelace", "type": "person"}])";
    const TinyIndex index(
        {article("s1", "solar photovoltaic inverter rooftop", ada),
         article("s2", "solar photovoltaic inverter subsidy", ada),
         article("panels", "photovoltaic inverter warranty claims"),
         article("club", "football club scores late goal", ada),
         R"({"id": "other", "title": "", "source": "Post", "body": "photovoltaic inverter tariffs"})",
         article("f1", "weather forecast rain tomorrow"),
         article("f2", "election results announced today"),
         article("f3", "museum opens new gallery"),
         article("f4", "train strike delays commuters")});
    Searcher searcher(index.dir);
    SearchRequest request;
    request.query = "solar";
    std::vector<std::string> found = article_ids(searcher.search(request));
    CHECK(std::set<std::string>(found.begin(), found.end()) == std::set<std::string>{"s1", "s2"});

    request.feedback_documents = 2;
    request.feedback_terms = 5;
    SearchResult expanded = searcher.search(request);
    found = article_ids(expanded);
    REQUIRE(found.size() == 4);
    // The original matches stay on top, then the paragraphs found through expansion terms.
    CHECK(std::set<std::string>(found.begin(), found.begin() + 2) ==
          std::set<std::string>{"s1", "s2"});
    CHECK(std::set<std::string>(found.begin() + 2, found.end()) ==
          std::set<std::string>{"panels", "other"});
    // "club" shares the source term XSwire and the entity term with both feedback paragraphs:
    // had a boolean term been an expansion term, it would be here.
    CHECK(std::find(found.begin(), found.end(), "club") == found.end());
    for (const auto& hit : expanded.hits) {
        if (hit.article_id == "panels")
            CHECK(hit.snippet == "<mark>photovoltaic</mark> <mark>inverter</mark> warranty claims");
    }

    // Filters keep holding: a source filter (parameter or query syntax) still excludes "other".
    request.sources = {"wire"};
    found = article_ids(searcher.search(request));
    CHECK(std::set<std::string>(found.begin(), found.end()) ==
          std::set<std::string>{"s1", "s2", "panels"});
    request.sources.clear();
    request.query = "solar source:wire";
    found = article_ids(searcher.search(request));
    CHECK(std::set<std::string>(found.begin(), found.end()) ==
          std::set<std::string>{"s1", "s2", "panels"});
    // An excluded word stays excluded from expansion matches.
    request.query = "solar -warranty";
    found = article_ids(searcher.search(request));
    CHECK(std::set<std::string>(found.begin(), found.end()) ==
          std::set<std::string>{"s1", "s2", "other"});
    // Feedback off: the same query finds the original paragraphs only.
    request.feedback_documents = 0;
    CHECK(article_ids(searcher.search(request)).size() == 2);
}
