// Word clusters, gazetteer matching and the second (document) pass of the tagger.
#include <herald/ner/detail/features.hpp>
#include <herald/ner/model.hpp>
#include <herald/ner/train/clusters.hpp>
#include <herald/ner/train/gazetteers.hpp>
#include <herald/ner/train/trainer.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <unordered_map>

#include "ner_support.hpp"
#include "support.hpp"

using namespace herald;
using herald::test::show;
using herald::test::split;
using namespace herald::ner_detail;

namespace {

std::vector<std::string_view> views(const std::vector<std::string>& words) {
    return {words.begin(), words.end()};
}

}  // namespace

TEST_CASE("k-means puts words with close vectors in one cluster and apart ones apart",
          "[indexer]") {
    // Three groups of words around three orthogonal directions, each word slightly off.
    Embeddings e;
    e.dimensions = 3;
    const char* words[] = {"paris", "rome", "oslo", "anna", "omar", "lena", "red", "blue", "green"};
    for (int i = 0; i < 9; ++i) {
        e.words.push_back(words[i]);
        for (int d = 0; d < 3; ++d) e.vectors.push_back(d == i / 3 ? 1.0f : 0.1f * (i % 3));
    }
    const ClusterTable t = cluster_words(e, {3, 2}, 10, 7);
    REQUIRE(t.levels == std::vector<std::size_t>{3, 2});
    REQUIRE(t.ids.size() == 9);
    for (int i = 0; i < 9; ++i) {
        INFO(words[i]);
        CHECK(t.ids[i][0] == t.ids[i / 3 * 3][0]);    // same group, same cluster
        CHECK(t.ids[i][0] != t.ids[(i + 3) % 9][0]);  // the next group differs
        CHECK(t.ids[i][1] < 2);
    }
    CHECK(cluster_words(e, {3, 2}, 10, 7).ids == t.ids);  // deterministic for a seed
    CHECK_THROWS_AS(cluster_words(e, {10}, 10, 7), std::invalid_argument);  // k > words
    CHECK_THROWS_AS(cluster_words(e, {1}, 10, 7), std::invalid_argument);
}

TEST_CASE("a cluster table round-trips and a bad one is refused naming its line", "[indexer]") {
    test::TempDir dir;
    ClusterTable t;
    t.levels = {4, 16, 64};
    t.words = {"paris", "rome", "the"};
    t.ids = {{1, 9, 60}, {1, 9, 61}, {3, 0, 2}};
    write_cluster_table(t, dir / "c.tsv");
    const ClusterTable back = read_cluster_table(dir / "c.tsv");
    CHECK(back.levels == t.levels);
    CHECK(back.words == t.words);
    CHECK(back.ids == t.ids);

    std::ofstream(dir / "range.tsv") << "# clusters 4 16 64\nparis\t1\t9\t64\n";
    CHECK_THROWS_WITH(read_cluster_table(dir / "range.tsv"),
                      Catch::Contains("range.tsv:2") && Catch::Contains("out of range"));
    std::ofstream(dir / "short.tsv") << "# clusters 4 16 64\nparis\t1\t9\n";
    CHECK_THROWS_WITH(read_cluster_table(dir / "short.tsv"),
                      Catch::Contains("number of cluster ids"));
    std::ofstream(dir / "header.tsv") << "paris\t1\t9\t3\n";
    CHECK_THROWS_WITH(read_cluster_table(dir / "header.tsv"),
                      Catch::Contains("not a cluster table"));
    CHECK_THROWS_AS(read_cluster_table(dir / "missing.tsv"), std::runtime_error);
}

TEST_CASE("a word's clusters are found whatever its case, unknown words have none", "[indexer]") {
    Lexicon lexicon;
    WordEntry paris;
    paris.cluster[0] = 2;
    paris.cluster[1] = 10;
    paris.cluster[2] = 61;
    lexicon.words[hash_bytes("paris")] = paris;
    for (const char* form : {"paris", "Paris", "PARIS"}) {
        INFO(form);
        const WordEntry e = lookup_word(lexicon, form);
        CHECK(e.cluster[0] == 2);
        CHECK(e.cluster[1] == 10);
        CHECK(e.cluster[2] == 61);
    }
    CHECK(lookup_word(lexicon, "Parish").cluster[2] == 0);
}

TEST_CASE("the lexicon's hash map finds what was stored, as std::unordered_map does", "[indexer]") {
    // Random keys (0 and colliding slots included) against the standard map as the oracle.
    HashMap64<std::uint16_t> map;
    std::unordered_map<std::uint64_t, std::uint16_t> oracle;
    std::uint64_t x = 88172645463325252ULL;
    auto next = [&] {  // xorshift64 (Marsaglia 2003)
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return x;
    };
    CHECK(map.find(0) == nullptr);
    CHECK(map.find(42) == nullptr);
    for (int i = 0; i < 20000; ++i) {
        // Small keys collide in the top bits the slot comes from; a few are 0.
        const std::uint64_t key = i % 7 == 0 ? next() % 64 : next();
        const auto value = static_cast<std::uint16_t>(next());
        if (i % 3 == 0) {
            map.emplace(key, value);  // keeps an earlier value, as the oracle's emplace
            oracle.emplace(key, value);
        } else {
            map[key] |= value;
            oracle[key] |= value;
        }
    }
    REQUIRE(oracle.count(0) == 1);
    CHECK(map.size() == oracle.size());
    for (const auto& [key, value] : oracle) {
        const std::uint16_t* found = map.find(key);
        REQUIRE(found != nullptr);
        CHECK(*found == value);
        CHECK(map.at(key) == value);
    }
    std::size_t absent = 0;
    std::uint64_t missing = 0;
    for (int i = 0; i < 20000; ++i) {
        const std::uint64_t key = next();
        if (oracle.count(key)) continue;
        ++absent;
        missing = key;
        CHECK(map.find(key) == nullptr);
    }
    CHECK(absent > 19000);
    CHECK_THROWS_AS(map.at(missing), std::out_of_range);
    std::size_t visited = 0;
    map.for_each([&](std::uint64_t key, std::uint16_t value) {
        ++visited;
        CHECK(oracle.at(key) == value);
    });
    CHECK(visited == oracle.size());
}

TEST_CASE("gazetteer matching marks the longest phrase of each source with BILU positions",
          "[indexer]") {
    Lexicon lexicon;
    add_gazetteer_phrase(lexicon, {"new", "york"}, kGazMajorCity);
    add_gazetteer_phrase(lexicon, {"new", "york", "city"}, kGazMajorCity);
    add_gazetteer_phrase(lexicon, {"york"}, kGazTown);
    add_gazetteer_phrase(lexicon, {"john"}, kGazFirstName);
    add_gazetteer_phrase(lexicon, {"new", "york", "times"},
                         static_cast<int>(EntityType::organization));
    const auto words = split("john flew to new york city today");
    std::vector<std::string_view> lower(words.begin(), words.end());
    std::vector<GazetteerMarks> marks;
    match_gazetteer(lexicon, lower, marks);
    REQUIRE(marks.size() == 7);
    CHECK(marks[0].any == 1u << kGazFirstName);
    CHECK(marks[0].position[kGazFirstName] == 1 + kUnit);
    CHECK(marks[1].any == 0);
    CHECK(marks[2].any == 0);
    // "new york city" (the longest city) wins over "new york"; "york" is also a town.
    CHECK(marks[3].position[kGazMajorCity] == 1 + kBegin);
    CHECK(marks[4].position[kGazMajorCity] == 1 + kInside);
    CHECK(marks[5].position[kGazMajorCity] == 1 + kLast);
    CHECK(marks[4].position[kGazTown] == 1 + kUnit);
    CHECK(marks[4].any == ((1u << kGazMajorCity) | (1u << kGazTown)));
    // "new york times" is listed, "new york city" is not an organization.
    CHECK(marks[3].position[static_cast<int>(EntityType::organization)] == 0);
    CHECK(marks[6].any == 0);
    // A prefix alone ("new") is no match.
    match_gazetteer(lexicon, {"new", "day"}, marks);
    CHECK(marks[0].any == 0);
}

TEST_CASE("read_gazetteers reads each list with its source and drops legal forms", "[indexer]") {
    test::TempDir dir;
    std::ofstream(dir / "geonames_cities1000.tsv")
        << "geonameid\tname\tcountry\tfeature_code\tadmin1\tpopulation\n"
        << "1\tSao Paulo\tBR\tPPLA\t27\t10021295\n2\tSmallville\tUS\tPPL\tKS\t1200\n";
    std::ofstream(dir / "iso_3166-1.json")
        << R"({"3166-1": [{"alpha_2": "BO", "name": "Bolivia, Plurinational State of",)"
        << R"( "common_name": "Bolivia"}]})";
    std::ofstream(dir / "sec_company_tickers.json")
        << R"({"0": {"cik_str": 1, "ticker": "AAPL", "title": "Apple Inc."}})";
    std::ofstream(dir / "first_names_male_en.txt") << "Aaron\n\nAbe\n";
    std::ofstream(dir / "cspell_people_names.txt") << "# cspell-tools: keep-case\nVolcker\n";
    std::ostringstream log;
    const auto names = read_gazetteers(dir.path(), &log);
    std::vector<std::string> shown;
    for (const auto& g : names) {
        std::string s = std::to_string(static_cast<int>(g.source)) + ":";
        for (const auto& t : g.tokens) s += t + "_";
        shown.push_back(s);
    }
    CHECK(shown == std::vector<std::string>{"0:Sao_Paulo_", "1:Smallville_",
                                            "2:Bolivia_,_Plurinational_State_of_", "2:Bolivia_",
                                            "4:Apple_Inc._", "4:Apple_", "5:Aaron_", "5:Abe_",
                                            "6:Volcker_"});
    CHECK_THAT(log.str(), Catch::Contains("iso_3166-2.json is absent"));
    std::ofstream(dir / "iso_3166-2.json") << "{not json";
    CHECK_THROWS_WITH(read_gazetteers(dir.path(), nullptr), Catch::Contains("iso_3166-2.json"));
}

TEST_CASE("document evidence counts the other capitalized occurrences of a form", "[indexer]") {
    // First-pass labels: "Hal Brenner" a person, then "Brenner" alone a place.
    const auto s1 = split("Hal Brenner signed .");
    const auto s2 = split("Brenner said brenner .");
    const std::vector<std::vector<std::string_view>> doc = {views(s1), views(s2)};
    const int per = static_cast<int>(EntityType::person), loc = static_cast<int>(EntityType::place);
    const std::vector<std::vector<int>> labels = {
        {label_of(per, kBegin), label_of(per, kLast), 0, 0}, {label_of(loc, kUnit), 0, 0, 0}};
    std::vector<FormEvidence> ev;
    document_evidence(doc, labels, ev);
    REQUIRE(ev.size() == 8);
    // "Brenner" of sentence 1 sees the place of sentence 2, not its own person label.
    CHECK(ev[1].counted);
    CHECK(ev[1].label[loc] == 1);
    CHECK(ev[1].label[per] == 0);
    CHECK(ev[1].within[per * 3 + 2] == 0);
    // "Brenner" of sentence 2 sees the person's last name of sentence 1.
    CHECK(ev[4].label[per] == 1);
    CHECK(ev[4].label[loc] == 0);
    CHECK(ev[4].within[per * 3 + 2] == 1);
    // "Hal" occurs once: counted, with no other occurrence; lower-case words are not counted.
    CHECK(ev[0].counted);
    CHECK(ev[0].label[per] + ev[0].label[kTypes] == 0);
    CHECK_FALSE(ev[6].counted);  // "brenner"
    CHECK_FALSE(ev[2].counted);  // "signed"
}

namespace {

// A tiny corpus of documents where a name is a person in its document's first sentence, and
// alone, in an ambiguous context, later.
std::vector<LabeledSentence> tiny_documents() {
    const char* names[][2] = {{"Anna", "Berg"},  {"Paul", "Weber"}, {"Omar", "Haddad"},
                              {"Lena", "Novak"}, {"John", "Smith"}, {"Maria", "Lopez"}};
    const char* places[] = {"Paris", "Berlin", "Madrid", "Cairo", "Oslo", "Lima"};
    std::vector<LabeledSentence> out;
    std::size_t doc = 0;
    for (int i = 0; i < 6; ++i) {
        for (int j = 0; j < 6; ++j, ++doc) {
            out.push_back({split(std::string(names[i][0]) + " " + names[i][1] + " visited " +
                                 places[j] + " ."),
                           {{0, 2, EntityType::person}, {3, 4, EntityType::place}},
                           doc});
            out.push_back({split(std::string("Later ") + names[i][1] + " left ."),
                           {{1, 2, EntityType::person}},
                           doc});
            out.push_back({split(std::string("Later ") + places[j] + " slept ."),
                           {{1, 2, EntityType::place}},
                           doc});
        }
    }
    return out;
}

}  // namespace

TEST_CASE("a model with a second pass saves, loads and tags documents the same", "[indexer]") {
    NerTrainOptions options;
    options.epochs = 4;
    options.hash_bits = 14;
    options.second_pass_folds = 2;
    options.second_pass_epochs = 3;
    options.second_pass_hash_bits = 12;
    const auto data = tiny_documents();
    const NerModel model = train_ner_model(data, {}, options);
    test::TempDir dir;
    model.save(dir / "m.bin");
    const NerModel loaded = NerModel::load(dir / "m.bin");
    CHECK(loaded.weight_count() == model.weight_count());
    const auto a = split("Lena Novak visited Oslo .");
    const auto b = split("Later Novak left .");
    const std::vector<std::vector<std::string_view>> doc = {views(a), views(b)};
    const auto chunks = model.tag_document(doc);
    REQUIRE(chunks.size() == 2);
    CHECK(show(chunks[0]) == "PER:0-2 LOC:3-4");
    CHECK(show(chunks[1]) == "PER:1-2");
    const auto again = loaded.tag_document(doc);
    CHECK(show(again[0]) == show(chunks[0]));
    CHECK(show(again[1]) == show(chunks[1]));
    CHECK(model.evaluate(data).f1() == Approx(1.0));
    CHECK(model.tag_document({}).empty());
    CHECK(show(model.tag_document({{}, views(a)})[1]) == "PER:0-2 LOC:3-4");

    options.second_pass_folds = 1;
    CHECK_THROWS_AS(train_ner_model(data, {}, options), std::invalid_argument);
}

TEST_CASE("a version-1 model file is refused with a message to retrain it", "[indexer]") {
    test::TempDir dir;
    NerTrainOptions options;
    options.epochs = 1;
    options.hash_bits = 12;
    options.second_pass_folds = 0;
    train_ner_model(tiny_documents(), {}, options).save(dir / "m.bin");
    std::string bytes;
    {
        std::ifstream in(dir / "m.bin", std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    bytes[8] = 1;  // the version field of a model written before word clusters
    std::ofstream(dir / "old.bin", std::ios::binary) << bytes;
    CHECK_THROWS_WITH(NerModel::load(dir / "old.bin"),
                      Catch::Contains("format version 1") && Catch::Contains("retrain"));
}
