// Mean average precision and precision at k, computed as NIST's trec_eval (9.0.x) computes
// `map` and `P_k` with `-c`, so Herald's ranking can be compared with published tables.
//
// What trec_eval does, and this header repeats:
// - Qrels lines are `topic iteration docno relevance`; a document is relevant when its
//   relevance is >= 1 (trec_eval's default -l 1). Lines with relevance 0 are judged
//   non-relevant and count for nothing here.
// - Run lines are `topic Q0 docno rank score run_id`. The rank column is ignored: each
//   topic's documents are sorted by score, descending, ties broken by docno in DESCENDING
//   strcmp order (trec_eval's form_res_rels.c, comp_sim_docno). Scores are compared as
//   the numbers written in the run file, so evaluate the file as written.
// - Averages are over every topic of the qrels (with -c, topics that the run does not answer
//   count as 0); run topics absent from the qrels are ignored. A qrels topic without a
//   relevant document has AP 0.
// - AP = (sum over the ranks i of relevant retrieved documents of (relevant in top i) / i)
//   divided by the number of relevant documents in the qrels; P_k = relevant in top k / k
//   (k even when fewer than k documents were retrieved).
//
// @see https://github.com/usnistgov/trec_eval (measures map and P; option -c)
#pragma once

#include <algorithm>
#include <cstring>
#include <istream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace herald::bench {

/// Judgments: topic → docno → relevance (a docno judged twice keeps the higher relevance).
using Qrels = std::map<std::string, std::map<std::string, int>>;

/// One line of a run: a retrieved document and its score.
struct RunEntry {
    std::string docno;
    double score = 0;
};

/// A run: topic → retrieved documents (in any order; see ranked()).
using Run = std::map<std::string, std::vector<RunEntry>>;

/// Per-topic and mean figures of one evaluation.
struct Evaluation {
    double map = 0;  ///< mean average precision over every qrels topic
    double precision =
        0;  ///< mean precision at the cutoff (P_30 by default) over every qrels topic
    std::size_t topics = 0;            ///< qrels topics averaged over
    std::size_t topics_retrieved = 0;  ///< qrels topics the run answered with at least one document
    std::map<std::string, double> ap;  ///< average precision of each qrels topic
};

/// @brief Reads qrels lines `topic iteration docno relevance` (white-space separated).
/// @throws std::runtime_error naming the line number of a malformed line.
inline Qrels read_qrels(std::istream& in) {
    Qrels qrels;
    std::string line;
    std::size_t number = 0;
    while (std::getline(in, line)) {
        ++number;
        std::istringstream fields(line);
        std::string topic, iteration, docno;
        int relevance = 0;
        if (!(fields >> topic)) continue;  // blank line
        if (!(fields >> iteration >> docno >> relevance)) {
            throw std::runtime_error("qrels line " + std::to_string(number) +
                                     ": expected 4 fields");
        }
        auto [it, fresh] = qrels[topic].try_emplace(docno, relevance);
        if (!fresh) it->second = std::max(it->second, relevance);
    }
    return qrels;
}

/// @brief Reads run lines `topic Q0 docno rank score run_id` (the rank and run id are
///        ignored; the run id may be missing).
/// @throws std::runtime_error naming the line number of a malformed line.
inline Run read_run(std::istream& in) {
    Run run;
    std::string line;
    std::size_t number = 0;
    while (std::getline(in, line)) {
        ++number;
        std::istringstream fields(line);
        std::string topic, q0, docno, rank, score;
        if (!(fields >> topic)) continue;
        if (!(fields >> q0 >> docno >> rank >> score)) {
            throw std::runtime_error("run line " + std::to_string(number) + ": expected 6 fields");
        }
        try {
            run[topic].push_back({docno, std::stod(score)});
        } catch (const std::exception&) {
            throw std::runtime_error("run line " + std::to_string(number) + ": bad score \"" +
                                     score + "\"");
        }
    }
    return run;
}

/// @brief @p entries in trec_eval's order: score descending, then docno descending (strcmp).
inline std::vector<RunEntry> ranked(std::vector<RunEntry> entries) {
    std::stable_sort(entries.begin(), entries.end(), [](const RunEntry& a, const RunEntry& b) {
        if (a.score != b.score) return a.score > b.score;
        return std::strcmp(a.docno.c_str(), b.docno.c_str()) > 0;
    });
    return entries;
}

/// @brief Evaluates @p run against @p qrels as `trec_eval -c -m map -m P.30` does.
/// @param cutoff the k of P_k (30 for P@30).
/// @return the means, 0 when @p qrels is empty. Thread-safe (pure function).
inline Evaluation evaluate(const Qrels& qrels, const Run& run, std::size_t cutoff = 30) {
    Evaluation e;
    double sum_ap = 0, sum_p = 0;
    for (const auto& [topic, judged] : qrels) {
        ++e.topics;
        std::size_t relevant = 0;
        for (const auto& [docno, rel] : judged) relevant += rel >= 1 ? 1 : 0;
        double ap = 0;
        std::size_t in_cutoff = 0;
        const auto found = run.find(topic);
        if (found != run.end() && !found->second.empty()) {
            ++e.topics_retrieved;
            const std::vector<RunEntry> list = ranked(found->second);
            std::size_t hits = 0;
            double precision_sum = 0;
            for (std::size_t i = 0; i < list.size(); ++i) {
                const auto j = judged.find(list[i].docno);
                if (j == judged.end() || j->second < 1) continue;
                ++hits;
                precision_sum += static_cast<double>(hits) / static_cast<double>(i + 1);
                if (i < cutoff) ++in_cutoff;
            }
            if (relevant > 0) ap = precision_sum / static_cast<double>(relevant);
        }
        e.ap[topic] = ap;
        sum_ap += ap;
        sum_p += cutoff == 0 ? 0.0 : static_cast<double>(in_cutoff) / static_cast<double>(cutoff);
    }
    if (e.topics > 0) {
        e.map = sum_ap / static_cast<double>(e.topics);
        e.precision = sum_p / static_cast<double>(e.topics);
    }
    return e;
}

}  // namespace herald::bench
