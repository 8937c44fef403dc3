// Renders bench/RESULTS.md from the JSON lines bench/compare collected (one line per
// measurement, each with "kind": corpus | index | query | load | known-set | known |
// known-index | cacm | micro, and "size"
// for the corpus point: "10k", "reuters", "1m"). Every figure in the report comes from
// those lines; nothing here is typed in.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

using nlohmann::json;

namespace {

std::string fmt(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

// Thousands separators for counts: 107315 -> "107,315".
std::string count(double v) {
    std::string s = fmt(v, 0);
    for (int i = static_cast<int>(s.size()) - 3; i > 0 && s[static_cast<std::size_t>(i) - 1] != '-';
         i -= 3) {
        s.insert(static_cast<std::size_t>(i), ",");
    }
    return s;
}

// Herald ÷ peer, or "—" when either is missing.
std::string ratio(const json* herald, const json* peer, const char* field) {
    if (!herald || !peer || !herald->contains(field) || !peer->contains(field)) return "—";
    const double p = (*peer)[field].get<double>();
    if (p <= 0) return "—";
    return fmt((*herald)[field].get<double>() / p, 2) + "×";
}

struct Results {
    std::vector<json> lines;

    const json* find(const std::string& kind,
                     const std::string& size,
                     const std::string& driver,
                     const std::string& set = "") const {
        for (const auto& l : lines) {
            if (l.value("kind", "") == kind && l.value("size", "") == size &&
                l.value("driver", "") == driver && (set.empty() || l.value("set", "") == set)) {
                return &l;
            }
        }
        return nullptr;
    }
    std::vector<const json*> all(const std::string& kind) const {
        std::vector<const json*> out;
        for (const auto& l : lines) {
            if (l.value("kind", "") == kind) out.push_back(&l);
        }
        return out;
    }
};

struct Engine {
    std::string driver;  // the driver name bench/compare records
    std::string label;
};

const std::vector<Engine> kEngines = {
    {"herald", "Herald (in-process), stories (the default)"},
    {"herald-paragraph", "Herald (in-process), paragraphs (`within=paragraph`)"},
    {"sqlite", "SQLite FTS5"},
    {"xapian", "Xapian: Omega's scriptindex + bare API"},
    {"sphinx", "Sphinx 2.2 (searchd, SphinxQL on loopback)"},
    {"omega-cgi", "Omega CGI, one process a query (first 300 queries)"},
};

std::string ms(const json* q, const char* field) {
    return q ? fmt((*q)[field].get<double>(), 3) : "—";
}
std::string seconds(const json* i) {
    return i ? fmt((*i)["index_seconds"].get<double>(), 1) : "—";
}
std::string megabytes(const json* i) {
    return i ? fmt((*i)["index_bytes"].get<double>() / 1e6, 1) : "—";
}

void main_table(std::ostream& out, const Results& r) {
    const json* corpus = r.find("corpus", "reuters", "");
    out << "## All of Reuters-21578";
    if (corpus) {
        out << ": " << count((*corpus)["paragraphs"].get<double>()) << " paragraphs of "
            << count((*corpus)["articles"].get<double>()) << " articles";
    }
    out << "\n\nIndex: a full build from the same paragraphs (Herald reads them as JSON Lines "
           "articles, the peers "
           "as TSV rows). Queries: top 10 by relevance with a highlighted snippet per hit, one at "
           "a time, "
           "latency in milliseconds over the reported passes (the first pass warms the cache). "
           "Requests/s: "
           "64 connections driven by 2 threads for the titles set (wrk for Herald's HTTP server, "
           "`herald_peer_sphinx load` for searchd).\n\n";
    out << "| engine | index s | index MB | titles mean | titles p50 | titles p99 | AOL mean | AOL "
           "p50 | AOL p99 | "
           "requests/s, 64 conns (Herald: over HTTP) "
           "|\n|---|---|---|---|---|---|---|---|---|---|\n";
    for (const auto& e : kEngines) {
        const json* idx = r.find("index", "reuters", e.driver);
        const json* t = r.find("query", "reuters", e.driver, "titles");
        const json* a = r.find("query", "reuters", e.driver, "aol");
        const json* load =
            r.find("load", "reuters", e.driver == "herald" ? "herald-http" : e.driver, "titles");
        out << "| " << e.label << " | " << seconds(idx) << " | " << megabytes(idx) << " | "
            << ms(t, "mean_ms") << " | " << ms(t, "p50_ms") << " | " << ms(t, "p99_ms") << " | "
            << ms(a, "mean_ms") << " | " << ms(a, "p50_ms") << " | " << ms(a, "p99_ms") << " | "
            << (load ? count((*load)["requests_per_s"].get<double>()) : "—") << " |\n";
    }
    if (const json* idx = r.find("index", "reuters", "herald-noent")) {
        out << "| Herald without entity extraction (`--no-entities`) | " << seconds(idx) << " | "
            << megabytes(idx) << " | | | | | | | |\n";
    }
    for (const char* set : {"titles", "aol"}) {
        if (const json* l = r.find("load", "reuters", "herald-http", set)) {
            out << "\nHerald over HTTP (" << set << (std::string(set) == "aol" ? ", `op=or`" : "")
                << "): " << count((*l)["requests_per_s"].get<double>()) << " requests/s, p50 "
                << fmt((*l)["p50_ms"].get<double>(), 2) << " ms, p99 "
                << fmt((*l)["p99_ms"].get<double>(), 2) << " ms under load, "
                << (*l)["non2xx"].get<long>() << " non-2xx.";
        }
    }
    if (const json* l = r.find("load", "reuters", "sphinx", "titles")) {
        out << "\nSphinx under the same load: p50 " << fmt((*l)["p50_ms"].get<double>(), 2)
            << " ms, p99 " << fmt((*l)["p99_ms"].get<double>(), 2) << " ms, "
            << (*l).value("errors", 0L) << " errors.";
    }
    out << "\n\n### Herald ÷ peer\n\nTimes and sizes: below 1× Herald takes less. Requests/s: "
           "above 1× Herald "
           "serves more.\n\n| peer | index s | index MB | titles p50 | titles p99 | AOL p50 | AOL "
           "p99 | "
           "requests/s |\n|---|---|---|---|---|---|---|---|\n";
    const json* hi = r.find("index", "reuters", "herald");
    const json* ht = r.find("query", "reuters", "herald", "titles");
    const json* ha = r.find("query", "reuters", "herald", "aol");
    const json* hl = r.find("load", "reuters", "herald-http", "titles");
    for (const auto& e : kEngines) {
        if (e.driver == "herald") continue;
        const json* pi = r.find("index", "reuters", e.driver);
        const json* pt = r.find("query", "reuters", e.driver, "titles");
        const json* pa = r.find("query", "reuters", e.driver, "aol");
        const json* pl = r.find("load", "reuters", e.driver, "titles");
        out << "| " << e.label << " | " << ratio(hi, pi, "index_seconds") << " | "
            << ratio(hi, pi, "index_bytes") << " | " << ratio(ht, pt, "p50_ms") << " | "
            << ratio(ht, pt, "p99_ms") << " | " << ratio(ha, pa, "p50_ms") << " | "
            << ratio(ha, pa, "p99_ms") << " | " << ratio(hl, pl, "requests_per_s") << " |\n";
    }
    out << "\n### Hits returned (like with like)\n\nSum of hits over the last pass (at most 10 per "
           "query) and "
           "queries with no hit.\n\n| engine | titles hits | titles no-hit queries | AOL hits | "
           "AOL no-hit "
           "queries |\n|---|---|---|---|---|\n";
    for (const auto& e : kEngines) {
        const json* t = r.find("query", "reuters", e.driver, "titles");
        const json* a = r.find("query", "reuters", e.driver, "aol");
        auto c = [](const json* q, const char* f) {
            return q ? count((*q)[f].get<double>()) : std::string("—");
        };
        out << "| " << e.label << " | " << c(t, "hits") << " | " << c(t, "zero_hit_queries")
            << " | " << c(a, "hits") << " | " << c(a, "zero_hit_queries") << " |\n";
    }
}

// The engines of the known-item table, in order; the article-level peer indexes exist for this
// set only (their build is the known-index line).
const std::vector<Engine> kKnownEngines = {
    {"herald", "Herald, stories (`within=article`)"},
    {"herald-paragraph", "Herald, paragraphs collapsed per article (`within=paragraph`, collapse)"},
    {"sqlite-articles", "SQLite FTS5, one row an article"},
    {"sqlite", "SQLite FTS5, paragraphs grouped by article"},
    {"sphinx-articles", "Sphinx 2.2, one document an article"},
    {"sphinx", "Sphinx 2.2, paragraphs grouped by article"},
};

void known_table(std::ostream& out, const Results& r) {
    const json* set = r.find("known-set", "reuters", "");
    bool any = false;
    for (const auto& e : kKnownEngines) any = any || r.find("known", "reuters", e.driver);
    if (!set && !any) return;
    out << "\n## Known items across paragraphs\n\n";
    if (set) {
        out << count(set->value("items", 0.0)) << " Reuters stories of the test half, seed "
            << set->value("seed", 0ULL)
            << " (`herald_bench_known_items make --split test`), each the target of one query of "
               "two words from different paragraphs that no single paragraph of it contains "
               "together; every engine requires both words. ";
    }
    out << "Success@10: share of queries whose story is among the first 10 distinct articles; "
           "MRR@10: mean of 1/rank (0 beyond 10). Article ids only, no snippets; latency in "
           "milliseconds over the reported passes. A paragraph-only engine cannot find these "
           "stories at all: its row shows the price of searching paragraphs. The article-level "
           "peer indexes are built for this set only (index s and MB).\n\n"
           "| engine | success@10 | MRR@10 | found | no-hit queries | mean | p50 | p99 | index s "
           "| index MB |\n|---|---|---|---|---|---|---|---|---|---|\n";
    for (const auto& e : kKnownEngines) {
        const json* k = r.find("known", "reuters", e.driver);
        if (!k) continue;
        const json* idx = r.find("known-index", "reuters", e.driver);
        if (!idx) {
            const std::string base = e.driver == "herald-paragraph" ? "herald" : e.driver;
            idx = r.find("index", "reuters", base);
        }
        out << "| " << e.label << " | " << fmt((*k)["success_at_10"].get<double>(), 3) << " | "
            << fmt((*k)["mrr_at_10"].get<double>(), 3) << " | "
            << count((*k)["found"].get<double>()) << " of " << count((*k)["queries"].get<double>())
            << " | " << count((*k)["zero_hit_queries"].get<double>()) << " | " << ms(k, "mean_ms")
            << " | " << ms(k, "p50_ms") << " | " << ms(k, "p99_ms") << " | " << seconds(idx)
            << " | " << megabytes(idx) << " |\n";
    }
}

void growth_table(std::ostream& out, const Results& r) {
    out << "\n## Growth\n\nThe collection cut at about 10k paragraphs (whole articles), and whole; "
           "where a "
           "1M row is present, the collection repeated under new article ids. Engines missing at a "
           "size were "
           "not run there (see bench/README.md). Latencies in milliseconds.\n\n"
           "| paragraphs | engine | index s | index MB | titles p50 | titles p99 | AOL p50 | AOL "
           "p99 |\n"
           "|---|---|---|---|---|---|---|---|\n";
    for (const char* size : {"10k", "reuters", "1m"}) {
        const json* corpus = r.find("corpus", size, "");
        if (!corpus) continue;
        for (const auto& e : kEngines) {
            const json* idx = r.find("index", size, e.driver);
            const json* t = r.find("query", size, e.driver, "titles");
            const json* a = r.find("query", size, e.driver, "aol");
            if (!idx && !t) continue;
            out << "| " << count((*corpus)["paragraphs"].get<double>()) << " | " << e.label << " | "
                << seconds(idx) << " | " << megabytes(idx) << " | " << ms(t, "p50_ms") << " | "
                << ms(t, "p99_ms") << " | " << ms(a, "p50_ms") << " | " << ms(a, "p99_ms")
                << " |\n";
        }
    }
}

void cacm_table(std::ostream& out, const Results& r) {
    const auto lines = r.all("cacm");
    if (lines.empty()) return;
    const json& first = *lines.front();
    out << "\n## Ranking quality: CACM\n\n"
        << count(first.value("documents", 0.0)) << " documents, " << first.value("topics_run", 0)
        << " topics (" << first.value("qrels_topics", 0)
        << " with judgments), 1,000 hits per topic, "
           "Herald's operator OR. MAP and P@30 computed as `trec_eval -c -m map -m P.30` does "
           "(`herald_bench_cacm`), with the qrels file as given and with its 55 unpadded ids "
           "(`CACM-115`) padded (`CACM-0115`).\n\n"
           "| configuration | MAP | P@30 | MAP, ids fixed | P@30, ids fixed "
           "|\n|---|---|---|---|---|\n";
    for (const json* l : lines) {
        std::string label = l->value("label", std::string("?"));
        if (l->value("best_of_sweep", false)) {
            label += ": k1=" + fmt((*l)["k1"].get<double>(), 1) +
                     ", b=" + fmt((*l)["b"].get<double>(), 1);
        }
        out << "| " << label << " | " << fmt((*l)["map"].get<double>(), 4) << " | "
            << fmt((*l)["p30"].get<double>(), 4) << " | " << fmt((*l)["map_fixed"].get<double>(), 4)
            << " | " << fmt((*l)["p30_fixed"].get<double>(), 4) << " |\n";
    }
    out << "| Anserini BM25 (k1=0.9, b=0.4), published | 0.3123 | 0.1942 | | |\n"
           "| Anserini BM25+RM3, published | 0.3648 | | | |\n";
}

void micro_table(std::ostream& out, const Results& r) {
    const auto lines = r.all("micro");
    if (lines.empty()) return;
    out << "\n## Micro-benchmarks (Google Benchmark, real Reuters-21578 and CoNLL-2003 text)\n\n"
           "| benchmark | time per iteration | items/s | MB/s |\n|---|---|---|---|\n";
    for (const json* l : lines) {
        auto rate = [&](const char* f, double scale) {
            return l->contains(f) && !(*l)[f].is_null() ? fmt((*l)[f].get<double>() / scale, 2)
                                                        : std::string("—");
        };
        const bool items = l->contains("items_per_second") && !(*l)["items_per_second"].is_null();
        out << "| " << (*l)["name"].get<std::string>() << " | "
            << fmt((*l)["real_time"].get<double>(), 3) << " "
            << (*l)["time_unit"].get<std::string>() << " | "
            << (items ? count((*l)["items_per_second"].get<double>()) : std::string("—")) << " | "
            << rate("bytes_per_second", 1e6) << " |\n";
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::string results_path, out_path, date, machine, versions, commit, command;
    long seconds_taken = 0;
    CLI::App app{"Render bench/RESULTS.md from the JSON lines of bench/compare."};
    app.add_option("--results", results_path, "JSON lines")->required();
    app.add_option("--out", out_path, "the Markdown report")->required();
    app.add_option("--date", date, "when the run was made");
    app.add_option("--machine", machine, "the machine it ran on");
    app.add_option("--versions", versions, "peer package versions");
    app.add_option("--commit", commit, "Herald's commit");
    app.add_option("--command", command, "the command that made the run");
    app.add_option("--seconds", seconds_taken, "wall time of the whole run");
    CLI11_PARSE(app, argc, argv);

    Results r;
    std::ifstream in(results_path);
    if (!in) {
        std::cerr << "herald_bench_report: cannot read " << results_path << "\n";
        return 1;
    }
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty()) r.lines.push_back(json::parse(line));
    }
    std::ostringstream out;
    out << "# Benchmark results\n\nGenerated by `" << command << "` (" << commit << ") on " << date
        << ", in " << seconds_taken / 60 << " min " << seconds_taken % 60
        << " s.\n\nMachine: " << machine << ".\nPeers: " << versions << ".\n\nRaw measurements: `"
        << std::filesystem::path(results_path).filename().string()
        << "` beside this file. What each engine's query means, and the commands, are in "
           "`bench/README.md`.\n\n";
    main_table(out, r);
    known_table(out, r);
    growth_table(out, r);
    cacm_table(out, r);
    micro_table(out, r);
    std::ofstream o(out_path);
    o << out.str();
    if (!o) {
        std::cerr << "herald_bench_report: cannot write " << out_path << "\n";
        return 1;
    }
    return 0;
}
