// Nightly re-indexing: incremental runs, prune, rebuild with an atomic switch of generations.
#include <herald/index/index_job.hpp>
#include <herald/searcher/searcher.hpp>
#include <herald/text/index_layout.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include "support.hpp"

using namespace herald;

namespace {

void write_jsonl(const std::filesystem::path& file, const std::vector<std::string>& lines) {
    std::ofstream out(file);
    for (const auto& l : lines) out << l << '\n';
}

std::string article(const std::string& id, int paragraphs, const std::string& word = "alpha") {
    std::string body;
    for (int i = 1; i <= paragraphs; ++i)
        body += (i > 1 ? "\\n\\n" : "") + word + " paragraph " + std::to_string(i);
    return R"({"id": ")" + id + R"(", "title": "Story )" + id + R"(", "body": ")" + body + R"("})";
}

struct Run {
    int code;
    std::string out, err;
};

Run index(const std::filesystem::path& dir,
          const std::filesystem::path& input,
          bool prune = false,
          bool rebuild = false) {
    IndexJobOptions options;
    options.index_dir = dir;
    options.inputs = {input};
    options.quiet = true;
    options.entities = false;
    options.prune = prune;
    options.rebuild = rebuild;
    options.grace_seconds = 0;
    std::ostringstream out, err;
    int code = run_index_job(options, out, err);
    return {code, out.str(), err.str()};
}

Xapian::doccount count(const std::filesystem::path& dir) {
    return paragraph_count(Xapian::Database(dir.string()));
}

}  // namespace

TEST_CASE("incremental runs add, replace, skip unchanged, and prune with exact counts",
          "[indexer]") {
    test::TempDir tmp;
    const auto dir = tmp / "idx";
    const auto input = tmp / "news.jsonl";

    write_jsonl(input, {article("a", 5), article("b", 2), article("c", 1)});
    Run r = index(dir, input);
    REQUIRE(r.code == kExitOk);
    CHECK_THAT(r.out, Catch::Contains(
                          "(3 added, 0 replaced, 0 unchanged, 0 deleted), 8 paragraphs written"));
    CHECK(count(dir) == 8);

    r = index(dir, input);  // the same input again
    CHECK_THAT(r.out, Catch::Contains(
                          "(0 added, 0 replaced, 3 unchanged, 0 deleted), 0 paragraphs written"));
    CHECK_THAT(r.out, Catch::Contains("nothing changed"));
    CHECK(count(dir) == 8);

    // a shrinks from 5 paragraphs to 3, b is unchanged, d is new; c is not in this input.
    write_jsonl(input, {article("a", 3, "beta"), article("b", 2), article("d", 2)});
    r = index(dir, input);
    CHECK_THAT(r.out, Catch::Contains(
                          "(1 added, 1 replaced, 1 unchanged, 0 deleted), 5 paragraphs written"));
    CHECK(count(dir) == 3 + 2 + 1 + 2);
    CHECK(Xapian::Database(dir.string()).get_termfreq("XAa") == 3 + 1);  // and its story document

    r = index(dir, input, /*prune=*/true);  // a full snapshot: c goes
    CHECK_THAT(r.out, Catch::Contains("(0 added, 0 replaced, 3 unchanged, 1 deleted)"));
    CHECK(count(dir) == 3 + 2 + 2);
    CHECK(Xapian::Database(dir.string()).get_termfreq("XAc") == 0);
}

TEST_CASE("prune never deletes when records could not be read", "[indexer]") {
    test::TempDir tmp;
    const auto dir = tmp / "idx";
    const auto input = tmp / "news.jsonl";
    write_jsonl(input, {article("a", 1), article("b", 1)});
    REQUIRE(index(dir, input).code == kExitOk);
    write_jsonl(input, {article("a", 1), "{broken"});
    Run r = index(dir, input, /*prune=*/true);
    CHECK(r.code == kExitSkipped);
    CHECK_THAT(r.err, Catch::Contains("not pruning"));
    CHECK(count(dir) == 2);
}

TEST_CASE("a new index has generations; a rebuild switches them and removes the old one",
          "[indexer]") {
    test::TempDir tmp;
    const auto dir = tmp / "idx";
    const auto input = tmp / "news.jsonl";
    write_jsonl(input, {article("a", 2), article("b", 1)});
    REQUIRE(index(dir, input).code == kExitOk);
    REQUIRE(has_generations(dir));
    const std::string first = stub_text(dir);

    write_jsonl(input, {article("x", 4, "gamma")});
    Run r = index(dir, input, false, /*rebuild=*/true);
    REQUIRE(r.code == kExitOk);
    CHECK(stub_text(dir) != first);
    CHECK(count(dir) == 4);
    std::size_t generations = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        if (e.path().filename().string().rfind("gen-", 0) == 0) ++generations;
    }
    CHECK(generations == 1);  // grace 0: the old generation is gone
}

TEST_CASE("searches keep answering while a rebuild switches generations", "[indexer]") {
    test::TempDir tmp;
    const auto dir = tmp / "idx";
    const auto old_input = tmp / "old.jsonl";
    const auto new_input = tmp / "new.jsonl";
    std::vector<std::string> olds, news;
    for (int i = 0; i < 300; ++i) {
        olds.push_back(article("o" + std::to_string(i), 3, "alpha"));
        news.push_back(article("n" + std::to_string(i), 3, "omega"));
    }
    write_jsonl(old_input, olds);
    write_jsonl(new_input, news);
    REQUIRE(index(dir, old_input).code == kExitOk);

    std::atomic<bool> done{false};
    std::atomic<int> searches{0}, failures{0}, saw_new{0};
    std::thread reader([&] {
        Searcher searcher(dir);
        while (!done.load() || saw_new.load() == 0) {
            try {
                searcher.reopen();
                SearchRequest a;
                a.query = "alpha OR omega";
                a.within = SearchUnit::paragraph;  // 900 paragraphs, 300 articles
                SearchResult r = searcher.search(a);
                if (r.estimate != 900) ++failures;  // one index or the other, never a mix
                SearchRequest n;
                n.query = "omega";
                if (!searcher.search(n).hits.empty()) ++saw_new;
            } catch (const std::exception&) {
                ++failures;
            }
            ++searches;
            if (searches.load() > 100000) break;
        }
    });
    Run r = index(dir, new_input, false, /*rebuild=*/true);
    done = true;
    reader.join();
    CHECK(r.code == kExitOk);
    CHECK(searches.load() > 0);
    CHECK(failures.load() == 0);
    CHECK(saw_new.load() > 0);
}

TEST_CASE("a rebuild keeps the index locked through the switch and the grace period", "[indexer]") {
    test::TempDir tmp;
    const auto dir = tmp / "idx";
    const auto input = tmp / "news.jsonl";
    write_jsonl(input, {article("a", 2), article("b", 1)});
    REQUIRE(index(dir, input).code == kExitOk);
    const std::string first = stub_text(dir);

    // A rebuild with a 3 s grace period: once the stub names the new generation, another
    // writer must find the index locked (it would otherwise write into the new generation
    // while the rebuild still runs).
    const auto rebuild_input = tmp / "rebuild.jsonl";
    write_jsonl(rebuild_input, {article("x", 4, "gamma")});
    std::thread rebuild([&] {
        IndexJobOptions options;
        options.index_dir = dir;
        options.inputs = {rebuild_input};
        options.quiet = true;
        options.entities = false;
        options.rebuild = true;
        options.grace_seconds = 3;
        std::ostringstream out, err;
        CHECK(run_index_job(options, out, err) == kExitOk);
    });
    while (stub_text(dir) == first) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const auto more = tmp / "more.jsonl";
    write_jsonl(more, {article("c", 1)});
    Run second = index(dir, more);
    CHECK(second.code == kExitLocked);
    CHECK_THAT(second.err, Catch::Contains("locked by another writer"));
    rebuild.join();
    CHECK(count(dir) == 4);  // the rebuild's articles only: the second writer wrote nothing
    CHECK(index(dir, more).code == kExitOk);  // after the run the lock is free
    CHECK(count(dir) == 5);
}
