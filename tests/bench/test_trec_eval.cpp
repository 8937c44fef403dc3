// bench/trec_eval.hpp against values computed by hand as trec_eval -c computes them.
#include <catch2/catch.hpp>

#include <sstream>

#include "../../bench/trec_eval.hpp"

using namespace herald::bench;

namespace {

Qrels qrels_of(const std::string& text) {
    std::istringstream in(text);
    return read_qrels(in);
}

Run run_of(const std::string& text) {
    std::istringstream in(text);
    return read_run(in);
}

// t1: d1, d2 and d4 relevant (d4 at level 2), d3 judged non-relevant (relevance 0);
// t2: one relevant document, not answered by the run; t3: judged, nothing relevant.
const char* const kQrels =
    "t1 0 d1 1\n"
    "t1 0 d2 1\n"
    "t1 0 d3 0\n"
    "t1 0 d4 2\n"
    "\n"
    "t2 0 d5 1\n"
    "t3 0 d6 0\n";

// Rank column deliberately misleading: trec_eval sorts by score, ties by docno descending.
// t1 in trec_eval order: d3 (2.0), dX (1.0), d1 (1.0: "dX" > "d1"), d4 (0.5).
// t9 is not in the qrels: ignored.
const char* const kRun =
    "t1 Q0 d4 1 0.5 run\n"
    "t1 Q0 d1 2 1.000000 run\n"
    "t1 Q0 dX 3 1 run\n"
    "t1 Q0 d3 4 2.0 run\n"
    "t9 Q0 d1 1 9.0 run\n";

}  // namespace

TEST_CASE("ties in score are ranked by docno descending, as trec_eval does", "[bench]") {
    const std::vector<RunEntry> list =
        ranked({{"d1", 1.0}, {"d3", 2.0}, {"dX", 1.0}, {"d10", 1.0}, {"d4", 0.5}});
    std::vector<std::string> order;
    for (const auto& e : list) order.push_back(e.docno);
    CHECK(order == std::vector<std::string>{"d3", "dX", "d10", "d1", "d4"});
}

TEST_CASE("qrels and run files are read with relevance 0 kept as judged non-relevant", "[bench]") {
    const Qrels q = qrels_of(kQrels);
    REQUIRE(q.size() == 3);
    CHECK(q.at("t1").size() == 4);
    CHECK(q.at("t1").at("d3") == 0);
    CHECK(q.at("t1").at("d4") == 2);
    const Run r = run_of(kRun);
    REQUIRE(r.size() == 2);
    CHECK(r.at("t1").size() == 4);
    CHECK_THROWS_AS(qrels_of("t1 0 d1\n"), std::runtime_error);
    CHECK_THROWS_AS(run_of("t1 Q0 d1 1 high run\n"), std::runtime_error);
}

TEST_CASE("MAP and P@30 average over every qrels topic, unanswered ones as zero", "[bench]") {
    const Evaluation e = evaluate(qrels_of(kQrels), run_of(kRun));
    CHECK(e.topics == 3);
    CHECK(e.topics_retrieved == 1);
    // t1: relevant at ranks 3 (d1) and 4 (d4) of 3 relevant: AP = (1/3 + 2/4) / 3.
    // (Ties broken the other way, d1 would be at rank 2 and AP = (1/2 + 2/4) / 3.)
    CHECK(e.ap.at("t1") == Approx((1.0 / 3 + 2.0 / 4) / 3));
    CHECK(e.ap.at("t2") == 0);  // relevant documents, no results
    CHECK(e.ap.at("t3") == 0);  // nothing relevant
    CHECK(e.ap.count("t9") == 0);
    CHECK(e.map == Approx((1.0 / 3 + 2.0 / 4) / 3 / 3));  // 0.0925926
    // P@30: two relevant among t1's four results; 30 is the divisor even for short lists.
    CHECK(e.precision == Approx(2.0 / 30 / 3));
    // Cut-offs inside the list: top 2 (d3, dX) holds no relevant document, top 3 holds d1.
    CHECK(evaluate(qrels_of(kQrels), run_of(kRun), 2).precision == 0);
    CHECK(evaluate(qrels_of(kQrels), run_of(kRun), 3).precision == Approx(1.0 / 3 / 3));
}

TEST_CASE("a run matching no qrels topic scores zero, and empty qrels give zero", "[bench]") {
    const Evaluation none = evaluate(qrels_of(kQrels), run_of("t9 Q0 d1 1 1.0 run\n"));
    CHECK(none.topics == 3);
    CHECK(none.map == 0);
    CHECK(none.precision == 0);
    CHECK(evaluate(Qrels{}, run_of(kRun)).map == 0);
    // A perfect run for t2 alone: AP 1 for t2, averaged over the three qrels topics.
    CHECK(evaluate(qrels_of(kQrels), run_of("t2 Q0 d5 1 3.5 run\n")).map == Approx(1.0 / 3));
}
