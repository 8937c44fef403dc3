#include <herald/ner/entities.hpp>
#include <herald/ner/model.hpp>
#include <herald/ner/train/corpora.hpp>
#include <herald/ner/train/trainer.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <sstream>

#include "ner_support.hpp"
#include "support.hpp"

using namespace herald;
using herald::test::show;
using herald::test::split;

namespace {

LabeledSentence labeled(const std::string& words, const std::string& tags) {
    return {split(words), chunks_from_iob(split(tags))};
}

}  // namespace

TEST_CASE("chunks_from_iob reads IOB1 and BIO tags as conlleval does", "[indexer]") {
    struct Row {
        const char* tags;
        const char* chunks;
    };
    const Row table[] = {
        {"I-PER I-PER O", "PER:0-2"},              // IOB1: I- starts a chunk
        {"B-PER I-PER O", "PER:0-2"},              // BIO
        {"I-PER I-PER B-PER", "PER:0-2 PER:2-3"},  // IOB1: B- splits adjacent chunks
        {"I-PER I-LOC I-LOC", "PER:0-1 LOC:1-3"},  // a type change starts a chunk
        {"O I-ORG O B-ORG I-ORG", "ORG:1-2 ORG:3-5"},
        {"B-MISC B-MISC", "MISC:0-1 MISC:1-2"},
        {"O X-PER I-XYZ O", ""},  // malformed tags count as O
        {"", ""},
    };
    for (const Row& row : table) {
        INFO(row.tags);
        CHECK(show(chunks_from_iob(split(row.tags))) == row.chunks);
    }
}

TEST_CASE("chunks convert back to IOB1 and to BIO", "[indexer]") {
    const std::vector<Chunk> chunks = {
        {0, 2, EntityType::person}, {2, 3, EntityType::person}, {4, 5, EntityType::place}};
    CHECK(chunks_to_iob1(chunks, 6) ==
          std::vector<std::string>{"I-PER", "I-PER", "B-PER", "O", "I-LOC", "O"});
    CHECK(chunks_to_bio(chunks, 6) ==
          std::vector<std::string>{"B-PER", "I-PER", "B-PER", "O", "B-LOC", "O"});
    CHECK(chunks_from_iob(chunks_to_iob1(chunks, 6)) == chunks);
    CHECK(chunks_from_iob(chunks_to_bio(chunks, 6)) == chunks);
}

TEST_CASE("chunk scores count like conlleval", "[indexer]") {
    ChunkScores s;
    s.add(
        {{0, 2, EntityType::person}, {3, 4, EntityType::place}},
        {{0, 2, EntityType::person}, {3, 4, EntityType::organization}, {5, 6, EntityType::place}});
    CHECK(s.precision() == Approx(1.0 / 3));
    CHECK(s.recall() == Approx(0.5));
    CHECK(s.f1() == Approx(0.4));
    CHECK(s.f1(EntityType::person) == Approx(1.0));
    CHECK(s.recall(EntityType::place) == Approx(0.0));
}

TEST_CASE("read_conll skips -DOCSTART- and reads IOB1 chunks", "[indexer]") {
    test::TempDir dir;
    {
        std::ofstream out(dir / "tiny.conll");
        out << "-DOCSTART- -X- O O\n\nEU NNP I-NP I-ORG\nrejects VBZ I-VP O\n"
               "German JJ I-NP I-MISC\n\nPeter NNP I-NP I-PER\nBlackburn NNP I-NP I-PER\n";
    }
    const auto data = read_conll(dir / "tiny.conll");
    REQUIRE(data.size() == 2);
    CHECK(data[0].words == std::vector<std::string>{"EU", "rejects", "German"});
    CHECK(show(data[0].chunks) == "ORG:0-1 MISC:2-3");
    CHECK(show(data[1].chunks) == "PER:0-2");
    CHECK_THROWS_AS(read_conll(dir / "missing.conll"), std::runtime_error);
}

namespace {

NerModel tiny_model() {
    std::vector<LabeledSentence> train;
    const char* people[][2] = {{"John", "Smith"},  {"Anna", "Berg"},   {"Paul", "Weber"},
                               {"Maria", "Lopez"}, {"Omar", "Haddad"}, {"Lena", "Novak"}};
    const char* places[] = {"Paris", "Berlin", "Madrid", "Cairo", "Oslo", "Lima"};
    const char* orgs[] = {"Siemens", "Reuters", "Nestle", "Fiat", "Intel", "Shell"};
    for (int i = 0; i < 6; ++i) {
        for (int j = 0; j < 6; ++j) {
            const std::string p = std::string(people[i][0]) + " " + people[i][1];
            train.push_back(
                labeled(p + " visited " + places[j] + " on Monday .", "I-PER I-PER O I-LOC O O O"));
            train.push_back(
                labeled(std::string("Shares in ") + orgs[j] + " rose , said " + p + " .",
                        "O O I-ORG O O O I-PER I-PER O"));
            train.push_back(labeled(
                std::string("The mayor of ") + places[i] + " met " + orgs[j] + " officials .",
                "O O O I-LOC O I-ORG O O"));
        }
    }
    NerTrainOptions options;
    options.epochs = 5;
    options.hash_bits = 16;
    return train_ner_model(train, {}, options);
}

}  // namespace

TEST_CASE("the tagger learns a tiny training set", "[indexer]") {
    const NerModel model = tiny_model();
    // New combinations of the learned names, in the learned contexts.
    CHECK(show(model.tag(split("Anna Berg visited Oslo on Monday ."))) == "PER:0-2 LOC:3-4");
    CHECK(show(model.tag(split("Shares in Intel rose , said Omar Haddad ."))) == "ORG:2-3 PER:6-8");
    CHECK(show(model.tag(split("The mayor of Lima met Fiat officials ."))) == "LOC:3-4 ORG:5-6");
    CHECK(model.tag(std::vector<std::string>{}).empty());
    const ChunkScores s = model.evaluate(
        {labeled("Paul Weber visited Cairo on Monday .", "I-PER I-PER O I-LOC O O O")});
    CHECK(s.f1() == Approx(1.0));
}

TEST_CASE("a saved model loads back and tags the same", "[indexer]") {
    const NerModel model = tiny_model();
    test::TempDir dir;
    model.save(dir / "m.bin");
    const NerModel loaded = NerModel::load(dir / "m.bin");
    CHECK(loaded.weight_count() == model.weight_count());
    for (const char* s :
         {"Lena Novak visited Madrid on Monday .", "Shares in Shell rose , said John Smith ."}) {
        CHECK(show(loaded.tag(split(s))) == show(model.tag(split(s))));
    }
}

TEST_CASE("loading a missing or corrupt model throws a clear runtime_error", "[indexer]") {
    test::TempDir dir;
    CHECK_THROWS_WITH(NerModel::load(dir / "none.bin"), Catch::Contains("cannot open NER model"));
    {
        std::ofstream out(dir / "text.bin");
        out << "this is not a model at all";
    }
    CHECK_THROWS_WITH(NerModel::load(dir / "text.bin"), Catch::Contains("not a Herald NER model"));
    tiny_model().save(dir / "m.bin");
    std::string bytes;
    {
        std::ifstream in(dir / "m.bin", std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    std::string flipped = bytes;
    flipped[bytes.size() / 2] = static_cast<char>(flipped[bytes.size() / 2] ^ 0x5A);
    std::ofstream(dir / "flipped.bin", std::ios::binary) << flipped;
    CHECK_THROWS_WITH(NerModel::load(dir / "flipped.bin"), Catch::Contains("checksum"));
    std::ofstream(dir / "short.bin", std::ios::binary) << bytes.substr(0, bytes.size() / 3);
    CHECK_THROWS_AS(NerModel::load(dir / "short.bin"), std::runtime_error);
    std::string future = bytes;
    future[8] = 9;  // version field
    std::ofstream(dir / "future.bin", std::ios::binary) << future;
    CHECK_THROWS_WITH(NerModel::load(dir / "future.bin"), Catch::Contains("version"));
}

TEST_CASE("the shipped model reaches F1 0.88 on CoNLL-2003 eng.testa", "[indexer]") {
    const auto testa = test::shared_corpus() / "conll2003" / "eng.testa";
    if (!std::filesystem::exists(testa)) {
        WARN("skipped: " << testa << " is absent (../shared is not beside the checkout)");
        return;
    }
    const auto started = std::chrono::steady_clock::now();
    const NerModel model = NerModel::load(default_ner_model());
    const auto data = read_conll(testa);
    CHECK(data.size() == 3250);
    const ChunkScores s = model.evaluate(data);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    INFO("precision " << s.precision() << " recall " << s.recall() << " in " << seconds << " s");
    CHECK(s.gold[0] + s.gold[1] + s.gold[2] + s.gold[3] == 5942);  // entities of eng.testa
    CHECK(s.f1() >= 0.88);
    CHECK(s.f1(EntityType::person) >= 0.85);
    CHECK(s.f1(EntityType::place) >= 0.85);
}
