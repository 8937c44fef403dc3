// Indexes all of Reuters-21578 from ../shared/corpus (skipped with a message when absent)
// and checks counts and answers verified by reading the collection.
#include <herald/index/index_job.hpp>
#include <herald/searcher/searcher.hpp>
#include <herald/text/index_layout.hpp>

#include <catch2/catch.hpp>

#include <set>
#include <sstream>

#include "support.hpp"

using namespace herald;

TEST_CASE("all of Reuters-21578 indexes with exact counts and searches correctly",
          "[integration]") {
    const auto corpus = test::shared_corpus() / "reuters21578";
    if (!std::filesystem::exists(corpus / "reut2-000.sgm")) {
        WARN("skipped: " << corpus << " is not present");
        return;
    }
    test::TempDir tmp;
    IndexJobOptions options;
    options.index_dir = tmp / "reuters";
    options.inputs = {corpus};
    options.quiet = true;
    std::ostringstream out, err;
    REQUIRE(run_index_job(options, out, err) == kExitOk);
    INFO(out.str());
    // 21,578 records, 19,043 with a body; paragraphs start at a newline followed by indentation.
    CHECK_THAT(out.str(),
               Catch::Contains(
                   "indexed 19043 articles (19043 added, 0 replaced, 0 unchanged, 0 deleted)"));
    CHECK_THAT(out.str(), Catch::Contains("2535 without body"));
    CHECK(err.str().empty());
    const Xapian::doccount paragraphs =
        paragraph_count(Xapian::Database(options.index_dir.string()));
    CHECK(paragraphs == 107315);

    Searcher searcher(options.index_dir);
    SearchRequest request;

    // "Comissaria Smith" occurs only in NEWID 1 (BAHIA COCOA REVIEW), in its paragraphs 1, 4, 7, 11
    // and 15.
    request.query = "\"Comissaria Smith\"";
    request.limit = 20;
    // One story, with the five paragraphs the phrase is in.
    SearchResult story = searcher.search(request);
    REQUIRE(story.hits.size() == 1);
    CHECK(story.hits[0].article_id == "1");
    std::vector<unsigned> matched = story.hits[0].paragraphs;
    std::sort(matched.begin(), matched.end());
    CHECK(matched == std::vector<unsigned>{1, 4, 7, 11, 15});
    request.within = SearchUnit::paragraph;
    SearchResult r = searcher.search(request);
    std::vector<unsigned> found;
    for (const auto& h : r.hits) {
        CHECK(h.article_id == "1");
        found.push_back(h.paragraph);
    }
    std::sort(found.begin(), found.end());
    CHECK(found == std::vector<unsigned>{1, 4, 7, 11, 15});
    CHECK(r.hits.at(0).title == "BAHIA COCOA REVIEW");
    CHECK(r.hits.at(0).published == "1987-02-26T15:01:01Z");
    request.within = SearchUnit::article;

    // The one Latin-1 byte (0xFC, ü) of reut2-017.sgm is decoded: NEWID 17980.
    request.query = "\xC3\xBCside";
    r = searcher.search(request);
    REQUIRE(r.hits.size() == 1);
    CHECK(r.hits[0].article_id == "17980");
    CHECK_THAT(r.hits[0].snippet, Catch::Contains("<mark>\xC3\xBCside</mark>"));

    // cocoa + Bahia, collapsed: one hit per article, all about Bahia cocoa.
    request.query = "cocoa Bahia";
    request.collapse = true;
    request.limit = 10;
    r = searcher.search(request);
    REQUIRE(r.hits.size() >= 5);
    std::set<std::string> articles;
    for (const auto& h : r.hits) {
        CHECK(articles.insert(h.article_id).second);
        CHECK_THAT(h.title, Catch::Contains("BAHIA") || Catch::Contains("COCOA") ||
                                Catch::Contains("BRAZIL"));
    }
    // In March 1987 only NEWID 11459 (TRADERS CUT BAHIA TEMPORAO COCOA CROP ESTIMATE) matches.
    request.query = "cocoa Bahia 1987-03-01..1987-03-31";
    r = searcher.search(request);
    REQUIRE(r.hits.size() == 1);
    CHECK(r.hits[0].article_id == "11459");

    // Phrase plus word, sorted by date: newest first.
    request.query = "\"crude oil\" prices";
    request.collapse = false;
    request.sort = SortOrder::date;
    r = searcher.search(request);
    REQUIRE(r.hits.size() == 10);
    for (std::size_t i = 1; i < r.hits.size(); ++i)
        CHECK(r.hits[i - 1].published >= r.hits[i].published);
    // The title is searchable in every paragraph: a hit matches in its text or its title.
    for (const auto& h : r.hits) {
        CHECK_THAT(h.snippet + " " + h.title,
                   Catch::Contains("<mark>") || Catch::Contains("CRUDE"));
    }

    // Re-indexing the same input finds every article unchanged and leaves the count as it was.
    options.threads = 2;
    std::ostringstream out2, err2;
    REQUIRE(run_index_job(options, out2, err2) == kExitOk);
    CHECK_THAT(out2.str(),
               Catch::Contains(
                   "indexed 19043 articles (0 added, 0 replaced, 19043 unchanged, 0 deleted)"));
    CHECK_THAT(out2.str(), Catch::Contains("nothing changed"));
    CHECK(paragraph_count(Xapian::Database(options.index_dir.string())) == paragraphs);
}
