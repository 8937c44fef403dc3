// Story search (SearchUnit::article): matching, ranking, snippets and counts of whole
// articles, over tests/data/stories.jsonl.
#include <herald/index/index_job.hpp>
#include <herald/searcher/searcher.hpp>
#include <herald/text/index_layout.hpp>
#include <herald/text/paragraph_data.hpp>
#include <herald/text/schema.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "support.hpp"

using namespace herald;

namespace {

std::filesystem::path build(const std::filesystem::path& dir) {
    IndexJobOptions options;
    options.index_dir = dir;
    options.inputs = {test::data_dir() / "stories.jsonl"};
    options.quiet = true;
    std::ostringstream out, err;
    if (run_index_job(options, out, err) != kExitOk) throw std::runtime_error(err.str());
    return dir;
}

const std::filesystem::path& stories_index() {
    static test::TempDir tmp;
    static const std::filesystem::path dir = build(tmp / "idx");
    return dir;
}

SearchResult run(const std::string& q, SearchRequest request = {}) {
    Searcher searcher(stories_index());
    request.query = q;
    return searcher.search(request);
}

SearchResult paragraphs(const std::string& q) {
    SearchRequest request;
    request.within = SearchUnit::paragraph;
    return run(q, request);
}

std::vector<std::string> articles(const SearchResult& r) {
    std::vector<std::string> out;
    for (const auto& h : r.hits) out.push_back(h.article_id);
    return out;
}

// The words inside <mark>…</mark>.
std::vector<std::string> marked(const std::string& snippet) {
    std::vector<std::string> out;
    const std::regex mark("<mark>([^<]*)</mark>");
    for (std::sregex_iterator it(snippet.begin(), snippet.end(), mark), end; it != end; ++it)
        out.push_back((*it)[1]);
    return out;
}

// The snippet's text without the markers.
std::string unmarked(const std::string& snippet) {
    return std::regex_replace(snippet, std::regex("</?mark>"), "");
}

}  // namespace

TEST_CASE("words in different paragraphs find the story, both marked in its snippet",
          "[searcher][stories]") {
    // "Yakutsk" is in paragraph 2 of the AP-style story, "Vietnam" in paragraph 5: no
    // paragraph holds both, so a paragraph search finds nothing.
    CHECK(paragraphs("Yakutsk Vietnam").hits.empty());
    SearchResult r = run("Yakutsk Vietnam");
    CHECK(r.within == SearchUnit::article);
    CHECK(r.estimate == 1);
    REQUIRE(r.hits.size() == 1);
    const Hit& h = r.hits[0];
    CHECK(h.article_id == "ap-putin-trip");
    CHECK(h.title == "Putin wraps up North Korea visit and flies on to Vietnam");
    // The headline ("… to Vietnam") is no paragraph's text: paragraphs 2 and 5 match.
    std::set<unsigned> matched(h.paragraphs.begin(), h.paragraphs.end());
    CHECK(matched == std::set<unsigned>{2, 5});
    CHECK(h.paragraph == h.paragraphs.front());
    CHECK(h.id == "ap-putin-trip#" + std::to_string(h.paragraph));
    REQUIRE(h.passages.size() == 2);
    CHECK(h.passages[0].paragraph == 2);  // in paragraph order
    CHECK(h.passages[1].paragraph == 5);
    CHECK(marked(h.passages[0].snippet) == std::vector<std::string>{"Yakutsk"});
    CHECK(marked(h.passages[1].snippet) == std::vector<std::string>{"Vietnam"});
    CHECK(marked(h.snippet) == std::vector<std::string>{"Yakutsk", "Vietnam"});
    CHECK(unmarked(h.snippet).size() <= SearchRequest{}.snippet_bytes);
    CHECK(h.snippet.find("\u2026") != std::string::npos);  // passages joined with an ellipsis

    SearchResult k = run("Kirby limousine");
    REQUIRE(articles(k) == std::vector<std::string>{"ap-putin-trip"});
    CHECK(marked(k.hits[0].snippet) == std::vector<std::string>{"limousine", "Kirby"});
    CHECK(paragraphs("Kirby limousine").hits.empty());
}

TEST_CASE("every snippet stays within its byte cap; a small cap shows fewer passages",
          "[searcher][stories]") {
    for (std::size_t cap : {16u, 40u, 80u, 124u, 125u, 200u, 400u, 2000u}) {
        SearchRequest request;
        request.snippet_bytes = cap;
        SearchResult r = run("Yakutsk Vietnam Kirby", request);
        REQUIRE(r.hits.size() == 1);
        INFO("cap " << cap << ": " << r.hits[0].snippet);
        CHECK(unmarked(r.hits[0].snippet).size() <= cap);
        CHECK(!r.hits[0].passages.empty());
        // Two passages need two shares of kMinPassageBytes and a separator (" … ", 5 bytes).
        if (cap < 2 * Highlighter::kMinPassageBytes + 5) CHECK(r.hits[0].passages.size() == 1);
        if (cap >= 3 * Highlighter::kMinPassageBytes + 10) CHECK(r.hits[0].passages.size() == 3);
    }
}

TEST_CASE("phrases and NEAR stay inside one paragraph", "[searcher][stories]") {
    CHECK(articles(run("\"Siberian region\"")) == std::vector<std::string>{"ap-putin-trip"});
    // Paragraph 3 ends "… earlier in the year." and paragraph 4 begins "In Washington".
    CHECK(run("\"the year in Washington\"").hits.empty());
    CHECK(run("\"earlier in the year\"").hits.size() == 1);
    CHECK(run("Yakutsk NEAR Vietnam").hits.empty());       // paragraphs 2 and 5
    CHECK(run("Yakutsk NEAR Siberian").hits.size() == 1);  // the trip; the frost story has
                                                           // "Siberian" in its title only
    CHECK(run("Hanoi NEAR/3 Vietnam").hits.size() == 0);
    CHECK(articles(run("Hanoi NEAR/16 Vietnam")).size() == 2);  // 5 and 14 words apart
}

TEST_CASE("boolean operators and exclusions apply to the whole article", "[searcher][stories]") {
    // The trip story names Yakutsk (paragraph 2) beside Vietnam (paragraph 5): excluded.
    CHECK(articles(run("Vietnam -Yakutsk")) == std::vector<std::string>{"hanoi-trade"});
    CHECK(articles(run("Vietnam NOT Yakutsk")) == std::vector<std::string>{"hanoi-trade"});
    // Paragraph mode excludes the paragraph only: paragraph 5 of the trip has no "Yakutsk".
    std::set<std::string> by_paragraph;
    for (const auto& h : paragraphs("Vietnam -Yakutsk").hits) by_paragraph.insert(h.article_id);
    CHECK(by_paragraph == std::set<std::string>{"ap-putin-trip", "hanoi-trade"});
    std::set<std::string> either;
    for (const auto& id : articles(run("Yakutsk OR Hanoi"))) either.insert(id);
    CHECK(either == std::set<std::string>{"ap-putin-trip", "hanoi-trade", "siberia-frost"});
}

TEST_CASE("entity filters and words may sit anywhere in the article", "[searcher][stories]") {
    // Kim Jong Un is named in paragraph 1, "Vietnam" in paragraph 5.
    CHECK(articles(run("person:\"Kim Jong Un\" Vietnam")) ==
          std::vector<std::string>{"ap-putin-trip"});
    SearchRequest filtered;
    filtered.persons = {"Kim Jong Un"};
    CHECK(articles(run("Hanoi", filtered)) == std::vector<std::string>{"ap-putin-trip"});
    CHECK(paragraphs("person:\"Kim Jong Un\" Hanoi").hits.empty());
    CHECK(articles(run("person:\"Kim Jong Un\" Hanoi")) ==
          std::vector<std::string>{"ap-putin-trip"});
    // A filter alone: the story, shown by its lead paragraph.
    SearchResult only = run("", filtered);
    REQUIRE(only.hits.size() == 1);
    CHECK(only.hits[0].paragraph == 1);
    CHECK(only.hits[0].paragraphs.empty());
}

TEST_CASE("totals and facets count articles; paragraph mode counts paragraphs",
          "[searcher][stories]") {
    SearchRequest request;
    request.facets = {"person"};
    SearchResult story = run("Putin", request);
    CHECK(story.estimate == 1);
    CHECK(story.facets_exact);
    REQUIRE(story.facets.size() == 1);
    auto count_of = [](const SearchResult& r, const std::string& name) {
        for (const auto& v : r.facets.at(0).second)
            if (v.value == name) return v.count;
        return Xapian::doccount(0);
    };
    CHECK(count_of(story, "Vladimir Putin") == 1);
    CHECK(count_of(story, "Kim Jong Un") == 1);
    request.within = SearchUnit::paragraph;
    SearchResult para = run("Putin", request);
    // "Putin" is in paragraphs 1, 2, 3 and 5 of the trip and in its headline (paragraph 1).
    CHECK(para.estimate == 4);
    CHECK(count_of(para, "Vladimir Putin") >= 1);
    nlohmann::json j = to_json(story);
    CHECK(j["within"] == "article");
    CHECK(j["hits"][0]["paragraphs"].is_array());
    CHECK(j["hits"][0]["passages"][0]["paragraph"].is_number());
    CHECK(to_json(para)["within"] == "paragraph");
}

TEST_CASE("a title match shows the lead paragraph", "[searcher][stories]") {
    // Every paragraph of the cocoa story carries its title alike; the lead comes first.
    SearchResult r = run("title:cocoa");
    REQUIRE(articles(r) == std::vector<std::string>{"cocoa-board"});
    CHECK(r.hits[0].paragraph == 1);
    CHECK(r.hits[0].id == "cocoa-board#1");
    CHECK(r.hits[0].paragraphs.empty());
    REQUIRE(r.hits[0].passages.size() == 1);
    CHECK(r.hits[0].passages[0].paragraph == 1);
    // A title word and a body word: the body word's paragraph is the best.
    SearchResult both = run("title:cocoa decision");
    REQUIRE(both.hits.size() == 1);
    CHECK(both.hits[0].paragraphs == std::vector<unsigned>{3});
}

TEST_CASE("story pages are consecutive slices of one ranking", "[searcher][stories]") {
    const std::string q = "Putin OR Vietnam OR Yakutsk OR delegates OR trade";
    SearchRequest all;
    all.limit = 10;
    const std::vector<std::string> whole = articles(run(q, all));
    REQUIRE(whole.size() == 4);
    std::vector<std::string> paged;
    for (std::size_t offset = 0; offset < whole.size(); ++offset) {
        SearchRequest page;
        page.offset = offset;
        page.limit = 1;
        for (const auto& id : articles(run(q, page))) paged.push_back(id);
    }
    CHECK(paged == whole);
    for (double w : {0.0, 1.0, 10.0}) {
        SearchRequest weighted;
        weighted.passage_weight = w;
        CHECK(run(q, weighted).hits.size() == 4);  // reranking never changes the match set
    }
    SearchRequest bad;
    bad.passage_weight = -0.5;
    CHECK_THROWS_AS(run(q, bad), QueryError);
    bad.passage_weight = 10.5;
    CHECK_THROWS_AS(run(q, bad), QueryError);
}

TEST_CASE("an index without story documents is searched by paragraphs, collapsed",
          "[searcher][stories]") {
    test::TempDir tmp;
    const auto dir = build(tmp / "old");
    {
        // What an index written before story documents looks like.
        Xapian::WritableDatabase db(dir.string(), Xapian::DB_OPEN);
        db.delete_document(std::string(schema::kStoryDocument));
        db.commit();
    }
    Searcher searcher(dir);
    CHECK_FALSE(has_story_documents(searcher.database()));
    SearchRequest request;
    request.query = "Putin";
    SearchResult r = searcher.search(request);
    CHECK(r.within == SearchUnit::paragraph);
    REQUIRE(r.hits.size() == 1);  // collapsed: one hit per article
    CHECK(r.hits[0].article_id == "ap-putin-trip");
    CHECK(r.estimate == 1);
    request.query = "Yakutsk Vietnam";
    CHECK(searcher.search(request).hits.empty());
}

TEST_CASE("an index of schema 2 (JSON data, no story paragraph slot) shows the same stories",
          "[searcher][stories]") {
    test::TempDir tmp;
    const auto dir = build(tmp / "schema2");
    {
        // Rewrite every document as schema 2 stored it: JSON data, no kStoryRecord.
        Xapian::WritableDatabase db(dir.string(), Xapian::DB_OPEN);
        std::vector<Xapian::docid> ids;
        for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) ids.push_back(*it);
        for (Xapian::docid id : ids) {
            Xapian::Document doc = db.get_document(id);
            const auto p = decode_paragraph_data(doc.get_data());
            REQUIRE(p);
            nlohmann::json json = {{"article_id", p->article_id}, {"paragraph", p->paragraph},
                                   {"title", p->title},           {"url", p->url},
                                   {"source", p->source},         {"published", p->published},
                                   {"language", p->language},     {"text", p->text}};
            for (const auto& e : p->entities) {
                json["entities"].push_back(
                    {{"name", e.text}, {"type", std::string(entity_type_name(e.type))}});
            }
            doc.set_data(json.dump());
            if (!doc.get_value(schema::kStoryRecord).empty())
                doc.remove_value(schema::kStoryRecord);  // throws when absent
            // Story words unprefixed, as in paragraphs; the headline with its weight.
            const std::string words(schema::kStoryWord);
            std::vector<std::pair<std::string, std::vector<Xapian::termpos>>> story_words;
            for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
                if ((*t).rfind(words, 0) != 0) continue;
                story_words.emplace_back(
                    *t, std::vector<Xapian::termpos>(t.positionlist_begin(), t.positionlist_end()));
            }
            for (const auto& [term, at] : story_words) {
                doc.remove_term(term);
                for (Xapian::termpos p : at) {
                    doc.add_posting(
                        term.substr(words.size()), p,
                        schema::paragraph_of_position(p) == 0 ? schema::kHeadlineWeight : 1);
                }
            }
            db.replace_document(id, doc);
        }
        db.commit();
    }
    Searcher old(dir);
    Searcher now(stories_index());
    REQUIRE(old.database().get_document(1).get_data().front() == '{');
    REQUIRE(story_word_prefix(old.database()).empty());
    REQUIRE(story_word_prefix(now.database()) == schema::kStoryWord);
    for (const char* q : {"Yakutsk Vietnam", "Kirby limousine", "Putin", "title:Putin", "summit"}) {
        INFO(q);
        SearchRequest request;
        request.query = q;
        SearchResult a = old.search(request), b = now.search(request);
        REQUIRE(a.hits.size() == b.hits.size());
        REQUIRE_FALSE(a.hits.empty());
        CHECK(a.within == SearchUnit::article);
        // Scores differ (other term statistics): compare article by article.
        auto by_id = [](const Hit& x, const Hit& y) { return x.article_id < y.article_id; };
        std::sort(a.hits.begin(), a.hits.end(), by_id);
        std::sort(b.hits.begin(), b.hits.end(), by_id);
        for (std::size_t i = 0; i < a.hits.size(); ++i) {
            CHECK(a.hits[i].article_id == b.hits[i].article_id);
            CHECK(a.hits[i].title == b.hits[i].title);
            CHECK(a.hits[i].snippet == b.hits[i].snippet);
            // The same matching paragraphs, passages and entities; the order of the matching
            // paragraphs follows their scores.
            auto sorted = [](std::vector<unsigned> v) {
                std::sort(v.begin(), v.end());
                return v;
            };
            CHECK(sorted(a.hits[i].paragraphs) == sorted(b.hits[i].paragraphs));
            REQUIRE(a.hits[i].passages.size() == b.hits[i].passages.size());
            for (std::size_t k = 0; k < a.hits[i].passages.size(); ++k)
                CHECK(a.hits[i].passages[k].paragraph == b.hits[i].passages[k].paragraph);
            std::set<std::string> ea, eb;
            for (const auto& e : a.hits[i].entities) ea.insert(e.text);
            for (const auto& e : b.hits[i].entities) eb.insert(e.text);
            CHECK(ea == eb);
        }
    }
    // The snippet of the AP story's cross-paragraph query is not empty in either.
    SearchRequest request;
    request.query = "Yakutsk Vietnam";
    const SearchResult a = old.search(request);
    REQUIRE_FALSE(a.hits.empty());
    CHECK_THAT(a.hits[0].snippet, Catch::Contains("<mark>Yakutsk</mark>"));
    CHECK_THAT(a.hits[0].snippet, Catch::Contains("<mark>Vietnam</mark>"));
}

TEST_CASE("every query shape keeps story and paragraph documents apart", "[searcher][stories]") {
    // Story words have their own prefix; a kind filter covers the shapes without a word
    // (titles, filters, exclusions alone, wildcards). Paragraph hits are never paragraph 0 (a
    // story document), and story hits are distinct articles (a leaked paragraph document would
    // repeat its article), counted once.
    for (const char* q : {"Vietnam", "title:Putin", "title:Putin OR Hanoi", "-Yakutsk", "Viet*",
                          "\"flies on to Vietnam\"", "Hanoi NEAR Vietnam", "source:\"herald wire\"",
                          "Vietnam OR title:frost", "2024-06-01..2024-06-30", "Vietnam -Yakutsk"}) {
        INFO(q);
        SearchRequest request;
        request.limit = 100;
        const SearchResult stories = run(q, request);
        REQUIRE_FALSE(stories.hits.empty());
        std::set<std::string> ids;
        for (const auto& h : stories.hits) CHECK(ids.insert(h.article_id).second);
        CHECK(stories.estimate == stories.hits.size());
        request.within = SearchUnit::paragraph;
        const SearchResult paras = run(q, request);
        REQUIRE_FALSE(paras.hits.empty());
        for (const auto& h : paras.hits) CHECK(h.paragraph >= 1);
        CHECK(paras.estimate == paras.hits.size());
        CHECK(paras.hits.size() >= stories.hits.size());
    }
}

TEST_CASE("exact copies of a story rank earliest published first, whatever the thread count",
          "[searcher][stories]") {
    // Five copies of one wire story: equal scores in both modes. Xapian alone orders equal
    // scores by document id, which a sharded build assigns by a hash of the article id.
    const std::string text =
        R"("title": "Cocoa pact signed", "paragraphs": ["Producers signed the cocoa pact.", )"
        R"("Buffer stocks will be bought in London."]})";
    const std::vector<std::pair<std::string, std::string>> copies = {
        {"10", "1987-03-02T10:00:00Z"},
        {"undated", ""},
        {"9", "1987-03-02T10:00:00Z"},
        {"12", "1987-03-01T09:00:00Z"},
        {"b7", "1987-03-02T10:00:00Z"}};
    test::TempDir tmp;
    {
        std::ofstream out(tmp / "copies.jsonl");
        for (const auto& [id, published] : copies) {
            out << R"({"id": ")" << id << '"';
            if (!published.empty()) out << R"(, "published": ")" << published << '"';
            out << ", " << text << "\n";
        }
    }
    // The earliest, then by id (numbers numerically, before other ids), undated last.
    const std::vector<std::string> expected = {"12", "9", "10", "b7", "undated"};
    for (unsigned threads : {1u, 2u, 3u}) {
        CAPTURE(threads);
        IndexJobOptions options;
        options.index_dir = tmp / ("idx-" + std::to_string(threads));
        options.inputs = {tmp / "copies.jsonl"};
        options.threads = threads;
        options.quiet = true;
        std::ostringstream out, err;
        REQUIRE(run_index_job(options, out, err) == kExitOk);
        Searcher searcher(options.index_dir);
        for (SearchUnit unit : {SearchUnit::article, SearchUnit::paragraph}) {
            SearchRequest request;
            request.query = "cocoa pact";
            request.within = unit;
            const SearchResult r = searcher.search(request);
            REQUIRE(r.hits.size() == copies.size());
            for (std::size_t i = 1; i < r.hits.size(); ++i)
                CHECK(r.hits[i].score == r.hits[0].score);  // a tie, so the rule decides
            CHECK(articles(r) == expected);
        }
    }
}
