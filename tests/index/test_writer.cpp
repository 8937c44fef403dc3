#include <herald/index/index_job.hpp>
#include <herald/index/writer.hpp>
#include <herald/text/index_layout.hpp>
#include <herald/text/schema.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

#include "support.hpp"

using namespace herald;

namespace {

Article make_article(const std::string& id,
                     std::size_t paragraphs,
                     const std::string& word = "text") {
    Article a;
    a.id = id;
    a.title = "Title " + id;
    for (std::size_t i = 0; i < paragraphs; ++i)
        a.paragraphs.push_back(word + " paragraph " + std::to_string(i + 1));
    return a;
}

// Paragraph documents holding @p term (story documents not counted).
Xapian::doccount docs_with(const std::filesystem::path& dir, const std::string& term) {
    Xapian::Database db(dir.string());
    Xapian::doccount n = 0;
    const std::string story(schema::kStoryDocument);
    for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it) {
        auto t = db.termlist_begin(*it);
        t.skip_to(story);
        if (t == db.termlist_end(*it) || *t != story) ++n;
    }
    return n;
}

// Story documents holding @p term.
Xapian::doccount stories_with(const std::filesystem::path& dir, const std::string& term) {
    Xapian::Database db(dir.string());
    return db.get_termfreq(term) - docs_with(dir, term);
}

}  // namespace

TEST_CASE("re-adding an article replaces it: no duplicates, no stale paragraphs", "[indexer]") {
    test::TempDir tmp;
    const auto dir = tmp / "idx";
    {
        IndexWriter w(dir, false);
        w.add(make_article("a", 5));
        w.add(make_article("b", 2));
        w.commit();
        CHECK(w.document_count() == 7);
        CHECK(w.counts().articles_added == 2);
    }
    {
        IndexWriter w(dir, false);
        w.add(make_article("a", 3, "changed"));  // shrinks from 5 paragraphs to 3
        w.commit();
        CHECK(w.counts().articles_replaced == 1);
        CHECK(w.counts().paragraphs_deleted == 2);
    }
    CHECK(paragraph_count(Xapian::Database(dir.string())) == 5);
    CHECK(docs_with(dir, schema::boolean_term(schema::kArticle, "a")) == 3);
    CHECK(docs_with(dir, "text") == 2);   // only b's paragraphs keep the old word
    CHECK(docs_with(dir, "chang") == 3);  // stemmed "changed"
    CHECK(docs_with(dir, schema::unique_term("a", 4)) == 0);
    // One story document per article, replaced with it: it holds the new words, not the old.
    CHECK(stories_with(dir, schema::boolean_term(schema::kArticle, "a")) == 1);
    CHECK(stories_with(dir, schema::boolean_term(schema::kArticle, "b")) == 1);
    CHECK(stories_with(dir, std::string(schema::kStoryDocument)) == 2);
    const std::string words(schema::kStoryWord);
    CHECK(stories_with(dir, words + "chang") == 1);
    CHECK(stories_with(dir, words + "text") == 1);  // b's
    CHECK(stories_with(dir, "chang") == 0);         // story words have their own prefix
    CHECK(stories_with(dir, schema::unique_term("a", 0)) == 1);
}

TEST_CASE("the same id twice in one run of a new index keeps one copy", "[indexer]") {
    test::TempDir tmp;
    IndexWriter w(tmp / "idx", false);
    w.add(make_article("dup", 2));
    w.add(make_article("dup", 1, "again"));
    w.commit();
    CHECK(w.document_count() == 1);
}

TEST_CASE("a split build puts every story document after every paragraph, one copy per id",
          "[indexer]") {
    test::TempDir tmp;
    {
        IndexWriter w(tmp / "paragraphs", true, {}, nullptr, {}, tmp / "stories");
        w.add(make_article("a", 3));
        w.add(make_article("b", 2));
        w.add(make_article("a", 1, "again"));  // a repeated id replaces the first copy
        w.commit();
        CHECK(w.counts().articles_added == 2);
        CHECK(w.counts().articles_replaced == 1);
        CHECK(w.counts().paragraphs_deleted == 2);
    }
    Xapian::Database both;
    both.add_database(Xapian::Database((tmp / "paragraphs").string()));
    both.add_database(Xapian::Database((tmp / "stories").string()));
    both.compact((tmp / "merged").string());
    const std::filesystem::path merged = tmp / "merged";
    Xapian::Database db(merged.string());
    CHECK(paragraph_count(db) == 3);  // a's one, b's two
    CHECK(stories_with(merged, std::string(schema::kStoryDocument)) == 2);
    CHECK(stories_with(merged, schema::boolean_term(schema::kArticle, "a")) == 1);
    CHECK(docs_with(merged, schema::boolean_term(schema::kArticle, "a")) == 1);  // paragraphs
    const std::string story(schema::kStoryDocument);
    Xapian::docid first_story = 0, last_paragraph = 0;
    for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
        auto t = db.termlist_begin(*it);
        t.skip_to(story);
        const bool is_story = t != db.termlist_end(*it) && *t == story;
        if (is_story && first_story == 0) first_story = *it;
        if (!is_story) last_paragraph = *it;
    }
    CHECK(first_story > last_paragraph);
}

TEST_CASE("a second writer is refused with a message naming the lock", "[indexer]") {
    test::TempDir tmp;
    IndexWriter first(tmp / "idx", false);
    try {
        IndexWriter second(tmp / "idx", false);
        FAIL("second writer opened the index");
    } catch (const IndexLockedError& e) {
        CHECK_THAT(e.what(), Catch::Contains("locked"));
        CHECK_THAT(e.what(), Catch::Contains("flintlock"));
    }
    IndexJobOptions options;
    options.index_dir = tmp / "idx";
    options.inputs = {test::data_dir() / "articles.jsonl"};
    options.quiet = true;
    std::ostringstream out, err;
    CHECK(run_index_job(options, out, err) == kExitLocked);
    CHECK_THAT(err.str(), Catch::Contains("locked"));
}

TEST_CASE("index job: counts, exit codes, and an unchanged count on re-run", "[indexer]") {
    test::TempDir tmp;
    IndexJobOptions options;
    options.index_dir = tmp / "idx";
    options.inputs = {test::data_dir() / "articles.jsonl", test::data_dir() / "reuters-mini.sgm"};
    options.quiet = true;
    options.threads = 2;
    std::ostringstream out, err;
    CHECK(run_index_job(options, out, err) == kExitSkipped);  // 4 malformed records
    CHECK_THAT(out.str(), Catch::Contains("indexed 6 articles"));
    CHECK_THAT(out.str(), Catch::Contains("4 skipped"));
    CHECK_THAT(err.str(), Catch::Contains("articles.jsonl:5: invalid JSON"));
    CHECK(paragraph_count(Xapian::Database(options.index_dir.string())) == 9 + 4);

    options.skip_errors = true;
    std::ostringstream out2, err2;
    CHECK(run_index_job(options, out2, err2) == kExitOk);
    CHECK_THAT(out2.str(), Catch::Contains("(0 added, 0 replaced, 6 unchanged, 0 deleted)"));
    CHECK_THAT(out2.str(), Catch::Contains("nothing changed"));
    CHECK(paragraph_count(Xapian::Database(options.index_dir.string())) == 13);

    options.rebuild = true;
    options.inputs = {test::data_dir() / "reuters-mini.sgm"};
    std::ostringstream out3, err3;
    CHECK(run_index_job(options, out3, err3) == kExitOk);
    CHECK(paragraph_count(Xapian::Database(options.index_dir.string())) == 4);
}

TEST_CASE("index job: --rebuild never replaces an index with nothing", "[indexer]") {
    test::TempDir tmp;
    IndexJobOptions options;
    options.index_dir = tmp / "idx";
    options.inputs = {test::data_dir() / "reuters-mini.sgm"};
    options.quiet = true;
    std::ostringstream out, err;
    REQUIRE(run_index_job(options, out, err) == kExitOk);
    REQUIRE(paragraph_count(Xapian::Database(options.index_dir.string())) == 4);

    std::filesystem::create_directories(tmp / "empty");
    options.rebuild = true;
    options.inputs = {tmp / "empty"};  // no input files at all
    std::ostringstream out2, err2;
    CHECK(run_index_job(options, out2, err2) == kExitUsage);
    CHECK_THAT(err2.str(), Catch::Contains("no input files"));
    CHECK(paragraph_count(Xapian::Database(options.index_dir.string())) == 4);

    options.inputs = {test::data_dir() / "articles.jsonl"};  // right file, wrong format: no records
    options.format = InputFormat::reuters;
    std::ostringstream out3, err3;
    CHECK(run_index_job(options, out3, err3) == kExitUsage);
    CHECK_THAT(err3.str(), Catch::Contains("refusing to replace"));
    CHECK(paragraph_count(Xapian::Database(options.index_dir.string())) == 4);
}

TEST_CASE("index job: usage errors leave no index behind; stale builds are removed", "[indexer]") {
    test::TempDir tmp;
    IndexJobOptions options;
    options.index_dir = tmp / "idx";
    options.inputs = {test::data_dir() / "text" / "README.TXT", tmp / "data.csv"};
    options.quiet = true;
    std::ofstream(tmp / "data.csv") << "a,b\n";
    std::ostringstream out, err;
    CHECK(run_index_job(options, out, err) == kExitUsage);
    CHECK_THAT(err.str(), Catch::Contains("data.csv"));
    CHECK_FALSE(std::filesystem::exists(options.index_dir));

    std::filesystem::create_directories(tmp / "idx.build-99999" / "shard-0");
    options.inputs = {test::data_dir() / "reuters-mini.sgm"};
    options.index_dir = tmp / "idx/";  // a trailing slash names the same index
    std::ostringstream out2, err2;
    CHECK(run_index_job(options, out2, err2) == kExitOk);
    CHECK_FALSE(std::filesystem::exists(tmp / "idx.build-99999"));
    CHECK(paragraph_count(Xapian::Database((tmp / "idx").string())) == 4);
}

namespace {

// The names in @p dir and, for regular files, their contents: what a run must not change.
std::map<std::string, std::string> folder_contents(const std::filesystem::path& dir) {
    std::map<std::string, std::string> out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
        std::string text;
        if (e.is_regular_file()) {
            std::ifstream in(e.path());
            text.assign(std::istreambuf_iterator<char>(in), {});
        }
        out[std::filesystem::relative(e.path(), dir).string()] = text;
    }
    return out;
}

}  // namespace

TEST_CASE("index job: a folder that is not a Herald index is refused with exit 2, nothing lost",
          "[indexer]") {
    test::TempDir tmp;
    const auto docs = tmp / "Documents";
    std::filesystem::create_directories(docs / "photos");
    std::ofstream(docs / "thesis.txt") << "chapter one\n";
    std::ofstream(docs / "photos" / "a.jpg") << "jpeg";
    const auto before = folder_contents(docs);
    REQUIRE(before.size() == 3);

    IndexJobOptions options;
    options.index_dir = docs;
    options.inputs = {test::data_dir() / "reuters-mini.sgm"};
    options.quiet = true;
    options.entities = false;
    for (bool rebuild : {false, true}) {
        options.rebuild = rebuild;
        std::ostringstream out, err;
        CHECK(run_index_job(options, out, err) == kExitUsage);
        CHECK_THAT(err.str(), Catch::Contains("is not a Herald index") &&
                                  Catch::Contains("files that are not an index") &&
                                  Catch::Contains("and 1 more"));
        CHECK(out.str().empty());
        CHECK(folder_contents(docs) == before);
        // Nothing beside it either (a rebuild of a plain index works in DIR.build-PID).
        CHECK(std::distance(std::filesystem::directory_iterator(tmp.path()),
                            std::filesystem::directory_iterator()) == 1);
    }

    // Another program's Xapian database: kept as it is.
    const auto other = tmp / "other-db";
    {
        Xapian::WritableDatabase db(other.string(), Xapian::DB_CREATE);
        Xapian::Document d;
        d.add_term("Qforeign");
        db.add_document(d);
        db.commit();
    }
    options.index_dir = other;
    options.rebuild = true;
    std::ostringstream out2, err2;
    CHECK(run_index_job(options, out2, err2) == kExitUsage);
    CHECK_THAT(err2.str(), Catch::Contains("a Xapian database without Herald articles"));
    CHECK(Xapian::Database(other.string()).get_doccount() == 1);
    CHECK(Xapian::Database(other.string()).term_exists("Qforeign"));

    // A file given as the index folder.
    std::ofstream(tmp / "notes.txt") << "notes\n";
    options.index_dir = tmp / "notes.txt";
    std::ostringstream out3, err3;
    CHECK(run_index_job(options, out3, err3) == kExitUsage);
    CHECK_THAT(err3.str(), Catch::Contains("it is not a folder"));
    CHECK(folder_contents(tmp.path()).count("notes.txt") == 1);
    CHECK(folder_contents(tmp.path())["notes.txt"] == "notes\n");
}

TEST_CASE(
    "index job: an empty folder and a plain Herald index are written; a failed run on an "
    "empty folder leaves it empty",
    "[indexer]") {
    test::TempDir tmp;
    IndexJobOptions options;
    options.inputs = {test::data_dir() / "reuters-mini.sgm"};
    options.quiet = true;
    options.entities = false;

    // An index of the older layout: a plain glass folder (no stub), rebuilt in place.
    {
        IndexWriter w(tmp / "plain", false);
        w.add(make_article("old", 2));
        w.commit();
    }
    options.index_dir = tmp / "plain";
    options.rebuild = true;
    std::ostringstream out, err;
    CHECK(run_index_job(options, out, err) == kExitOk);
    CHECK(paragraph_count(Xapian::Database((tmp / "plain").string())) == 4);
    CHECK(docs_with(tmp / "plain", schema::boolean_term(schema::kArticle, "old")) == 0);

    std::filesystem::create_directories(tmp / "empty" / "in");
    options.index_dir = tmp / "empty" / "idx";
    std::filesystem::create_directories(options.index_dir);
    options.rebuild = false;
    options.inputs = {tmp / "empty" / "in"};  // no input files: the run fails
    std::ostringstream out2, err2;
    CHECK(run_index_job(options, out2, err2) == kExitUsage);
    CHECK_THAT(err2.str(), Catch::Contains("no input files"));
    REQUIRE(std::filesystem::is_directory(options.index_dir));
    CHECK(std::filesystem::is_empty(options.index_dir));

    options.inputs = {test::data_dir() / "reuters-mini.sgm"};
    std::ostringstream out3, err3;
    CHECK(run_index_job(options, out3, err3) == kExitOk);
    CHECK(paragraph_count(Xapian::Database(options.index_dir.string())) == 4);
    CHECK(has_generations(options.index_dir));

    // A new index killed before its stub was written: its first generation and the stub's
    // temporary file, nothing else. The next run starts it afresh.
    const auto killed = tmp / "killed";
    std::filesystem::create_directories(killed);
    {
        Xapian::WritableDatabase db((killed / "gen-000001").string(), Xapian::DB_CREATE);
        db.commit();
    }
    std::ofstream(killed / "XAPIANDB.tmp") << "auto gen-0";
    options.index_dir = killed;
    std::ostringstream out4, err4;
    CHECK(run_index_job(options, out4, err4) == kExitOk);
    CHECK(err4.str().empty());
    CHECK(has_generations(killed));
    CHECK(paragraph_count(Xapian::Database(killed.string())) == 4);
    CHECK_FALSE(std::filesystem::exists(killed / "XAPIANDB.tmp"));
}

TEST_CASE("index job: a missing input is a usage error, exit 2", "[indexer]") {
    test::TempDir tmp;
    IndexJobOptions options;
    options.index_dir = tmp / "idx";
    options.inputs = {tmp / "missing.jsonl"};
    options.quiet = true;
    std::ostringstream out, err;
    CHECK(run_index_job(options, out, err) == kExitUsage);
    CHECK_THAT(err.str(), Catch::Contains("missing.jsonl"));
}

TEST_CASE("over-long words, ids and sources never abort indexing", "[indexer]") {
    test::TempDir tmp;
    IndexWriter w(tmp / "idx", false);
    Article a;
    a.id = std::string(500, 'i');
    a.source = std::string(500, 'S');
    a.title = std::string(300, 't');
    a.url = std::string(5000, 'u');
    a.tags["places"] = {std::string(400, 'p')};
    a.paragraphs = {"before " + std::string(1000, 'x') + " after",
                    std::string(40000, 'y') + " tail"};
    w.add(a);
    w.add(make_article("next", 1));
    w.commit();
    CHECK(w.document_count() == 3);
    CHECK(docs_with(tmp / "idx", "after") == 1);
    CHECK(docs_with(tmp / "idx", "tail") == 1);
    CHECK(docs_with(tmp / "idx", schema::boolean_term(schema::kArticle, a.id)) == 2);
}
