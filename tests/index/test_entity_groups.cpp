// One entity, one facet value across the collection (issue 13): aliases, corporate
// designators, surnames and the type vote, on a fixture of given entities
// (tests/data/entity_groups.jsonl, indexed without the recognizer so the answers do not
// depend on its model).
#include <herald/index/index_job.hpp>
#include <herald/ner/aliases.hpp>
#include <herald/searcher/article_store.hpp>
#include <herald/searcher/searcher.hpp>
#include <herald/text/entity_resolution.hpp>
#include <herald/text/schema.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <sstream>

#include "support.hpp"

using namespace herald;

namespace {

int index_fixture(const std::filesystem::path& dir,
                  const std::filesystem::path& aliases,
                  std::string* out_text = nullptr,
                  std::string* err_text = nullptr) {
    IndexJobOptions options;
    options.index_dir = dir;
    options.inputs = {test::data_dir() / "entity_groups.jsonl"};
    options.quiet = true;
    options.entities = false;
    options.threads = 2;
    options.aliases = aliases;
    std::ostringstream out, err;
    const int rc = run_index_job(options, out, err);
    if (out_text) *out_text = out.str();
    if (err_text) *err_text = err.str();
    return rc;
}

void write_file(const std::filesystem::path& file, const std::string& text) {
    std::ofstream(file, std::ios::binary) << text;
}

struct Fixture {
    test::TempDir tmp;
    std::filesystem::path dir = tmp / "idx";
    Fixture() {
        write_file(tmp / "aliases.tsv", "# ours\norg\tHerald Widget Board\tHWB\n");
        std::string err;
        if (index_fixture(dir, tmp / "aliases.tsv", nullptr, &err) != kExitOk)
            throw std::runtime_error(err);
    }
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

SearchResult run(SearchRequest request) {
    Searcher searcher(fixture().dir);
    request.limit = 100;
    return searcher.search(request);
}

std::map<std::string, Xapian::doccount> facet(const SearchResult& r, const std::string& name) {
    std::map<std::string, Xapian::doccount> out;
    for (const auto& [f, values] : r.facets) {
        if (f == name)
            for (const auto& v : values) out[v.value] = v.count;
    }
    return out;
}

std::vector<std::string> article_ids(const SearchResult& r) {
    std::vector<std::string> ids;
    for (const auto& h : r.hits) ids.push_back(h.article_id);
    std::sort(ids.begin(), ids.end());
    return ids;
}

SearchResult all_facets() {
    SearchRequest request;
    request.from = "1900";
    request.facets = {"person", "place", "org"};
    return run(request);
}

}  // namespace

TEST_CASE("entity keys fold corporate designators and -isation spellings", "[text]") {
    CHECK(schema::entity_key("Texaco Inc") == "texaco");
    CHECK(schema::entity_key("Texaco, Inc.") == "texaco");
    CHECK(schema::entity_key("Merrill Lynch and Co") == "merrill lynch");
    CHECK(schema::entity_key("General Motors Corp") == "general motors");
    CHECK(schema::entity_key("Organisation of Petroleum Exporting Countries") ==
          schema::entity_key("Organization of Petroleum Exporting Countries"));
    CHECK(schema::entity_key("Co") == "co");  // a name of one word keeps it
    CHECK(schema::entity_key("SÃO PAULO") == "são paulo");
}

TEST_CASE("a label is the best form of a key, whatever the order", "[text]") {
    CHECK(schema::better_label("Red Cross", "RED CROSS"));
    CHECK_FALSE(schema::better_label("RED CROSS", "Red Cross"));
    CHECK(schema::better_label("New York", "New YOrk"));
    CHECK(schema::better_label("McDonald", "Mcdonald"));
    CHECK_FALSE(schema::better_label("Mcdonald", "McDonald"));
}

TEST_CASE("corporate designators fold into one organization", "[index]") {
    const auto r = all_facets();
    const auto org = facet(r, "org");
    CHECK(org.count("Texaco") == 1);
    CHECK(org.at("Texaco") == 3);
    CHECK(org.count("Texaco Inc") == 0);
    SearchRequest request;
    request.orgs = {"Texaco, Inc."};
    CHECK(article_ids(run(request)) == std::vector<std::string>{"g1", "g2", "g3"});
}

TEST_CASE("the shipped alias table makes U.S. and United States one place", "[index]") {
    const auto place = facet(all_facets(), "place");
    CHECK(place.at("United States") == 2);
    CHECK(place.count("U.S.") == 0);
    CHECK(place.count("São Paulo") == 1);  // ALL CAPS with a non-ASCII letter, title-cased
    for (const char* name : {"U.S.", "US", "United States", "United States of America"}) {
        SearchRequest request;
        request.places = {name};
        INFO(name);
        CHECK(article_ids(run(request)) == std::vector<std::string>{"g1", "g2"});
    }
}

TEST_CASE("a user alias file names an entity", "[index]") {
    const auto org = facet(all_facets(), "org");
    CHECK(org.at("Herald Widget Board") == 1);
    CHECK(org.count("HWB") == 0);
    SearchRequest request;
    request.orgs = {"hwb"};
    CHECK(article_ids(run(request)) == std::vector<std::string>{"g10"});
}

TEST_CASE("a surname the collection makes unambiguous is the full name", "[index]") {
    SearchRequest surname, full;
    surname.persons = {"Volcker"};
    full.persons = {"Paul Volcker"};
    const auto a = article_ids(run(surname));
    CHECK(a == std::vector<std::string>{"g4", "g5", "g6"});
    CHECK(article_ids(run(full)) == a);
    const auto person = facet(all_facets(), "person");
    CHECK(person.at("Paul Volcker") == 3);
    CHECK(person.count("Volcker") == 0);
    const Xapian::Database db(fixture().dir.string());
    const auto suggested = suggest_entities(db, "person", "Volck", 10);
    REQUIRE(suggested.size() == 1);
    CHECK(suggested[0].name == "Paul Volcker");
    CHECK(suggested[0].count == 3);
}

TEST_CASE("a name takes the type most of its articles give it", "[index]") {
    const auto r = all_facets();
    CHECK(facet(r, "person").count("Chrysler") == 0);
    CHECK(facet(r, "org").at("Chrysler") == 3);
    SearchRequest request;
    request.orgs = {"Chrysler"};
    CHECK(article_ids(run(request)) == std::vector<std::string>{"g7", "g8", "g9"});
}

TEST_CASE("the resolution rules on their own", "[text]") {
    const auto r = EntityResolution::compute({{"XEPpaul volcker", 5},
                                              {"XEPvolcker", 1},
                                              {"XEPjames baker", 6},
                                              {"XEPhoward baker", 4},
                                              {"XEPchrysler", 1},
                                              {"XEOchrysler", 4}},
                                             {{"XED2sec=securities and exchange commission", 3}},
                                             {{"XELu.s.", "XELunited states"}});
    CHECK(r.resolve("XEPvolcker") == "XEPpaul volcker");
    CHECK(r.resolve("XEPbaker") == "XEPbaker");  // 6 of 10: ambiguous
    CHECK(r.resolve("XEPchrysler") == "XEOchrysler");
    CHECK(r.resolve("XEOsec") == "XEOsecurities and exchange commission");
    CHECK(r.resolve("XELu.s.") == "XELunited states");
    const auto group = r.group("XEPvolcker");
    CHECK(group == std::vector<std::string>{"XEPpaul volcker", "XEPvolcker"});
    CHECK(EntityResolution::decode(r.encode()).encode() == r.encode());
}

TEST_CASE("a malformed alias file is an error naming its line", "[index]") {
    test::TempDir tmp;
    write_file(tmp / "bad.tsv", "org\tAcme\tACME\n# fine\nplanet\tMars\tRed Planet\n");
    std::string err;
    CHECK(index_fixture(tmp / "idx", tmp / "bad.tsv", nullptr, &err) == kExitUsage);
    CHECK(err.find("bad.tsv:3: unknown entity type \"planet\"") != std::string::npos);
    write_file(tmp / "bad2.tsv", "org Acme ACME\n");
    CHECK(index_fixture(tmp / "idx", tmp / "bad2.tsv", nullptr, &err) == kExitUsage);
    CHECK(err.find("bad2.tsv:1: expected type<TAB>canonical<TAB>alias") != std::string::npos);
}

TEST_CASE("a changed alias file re-indexes on the next incremental run", "[index]") {
    test::TempDir tmp;
    write_file(tmp / "a.tsv", "org\tHerald Widget Board\tHWB\n");
    std::string out;
    REQUIRE(index_fixture(tmp / "idx", tmp / "a.tsv", &out) == kExitOk);
    REQUIRE(index_fixture(tmp / "idx", tmp / "a.tsv", &out) == kExitOk);
    CHECK(out.find("nothing changed") != std::string::npos);
    write_file(tmp / "a.tsv", "org\tHeraldic Widget Board\tHWB\n");
    REQUIRE(index_fixture(tmp / "idx", tmp / "a.tsv", &out) == kExitOk);
    CHECK(out.find("10 replaced") != std::string::npos);
    Searcher searcher(tmp / "idx");
    SearchRequest request;
    request.from = "1900";
    request.facets = {"org"};
    const auto org = facet(searcher.search(request), "org");
    CHECK(org.count("Heraldic Widget Board") == 1);
    CHECK(org.count("Herald Widget Board") == 0);
}
