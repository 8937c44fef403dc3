// Ranking quality on the CACM test collection (3,204 abstracts, 64 topics, qrels for 52):
// indexes the collection with Herald's own index code, runs every topic for 1,000 hits,
// writes a TREC run file and scores it as `trec_eval -c -m map -m P.30` does
// (bench/trec_eval.hpp), against the qrels as given and with their unpadded ids fixed.
//
// Usage: herald_bench_cacm [--cacm DIR] [--k1 X] [--b X] [--operator and|or]
//                          [--feedback N] [--feedback-terms M] [--sweep] [--run FILE]
//                          [--index DIR] [--threads N] [--per-topic]
// Exit status: 0; 1 when any topic run failed (e.g. a parameter out of range); 2 when the
// collection cannot be read or indexed.
// Output: one JSON line per configuration on stdout, a readable line per configuration on
// stderr. Published anchor (Anserini, Lucene BM25 k1=0.9 b=0.4): MAP 0.3123, P@30 0.1942;
// BM25+RM3: MAP 0.3648.
#include <herald/index/index_job.hpp>
#include <herald/searcher/searcher.hpp>
#include <herald/text/strings.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>

#include "trec_eval.hpp"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using herald::bench::Qrels;
using herald::bench::Run;

namespace {

#ifndef HERALD_SHARED_CORPUS_DIR
#define HERALD_SHARED_CORPUS_DIR "../shared/corpus"
#endif

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// The text of an HTML page: tags removed (a tag ends a word), the usual named entities and
// numeric character references decoded, line breaks kept.
std::string html_to_text(std::string_view html) {
    static const std::pair<const char*, const char*> kNamed[] = {
        {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}, {"nbsp", " "}};
    std::string out;
    out.reserve(html.size());
    for (std::size_t i = 0; i < html.size();) {
        const char c = html[i];
        if (c == '<') {
            const std::size_t end = html.find('>', i);
            if (end == std::string_view::npos) break;
            out += ' ';
            i = end + 1;
        } else if (c == '&') {
            const std::size_t semi = html.find(';', i);
            bool decoded = false;
            if (semi != std::string_view::npos && semi - i <= 10) {
                const std::string_view name = html.substr(i + 1, semi - i - 1);
                if (name.size() > 1 && name[0] == '#') {
                    const bool hex = name[1] == 'x' || name[1] == 'X';
                    const std::string digits(name.substr(hex ? 2 : 1));
                    char* end = nullptr;
                    const unsigned long cp = std::strtoul(digits.c_str(), &end, hex ? 16 : 10);
                    if (!digits.empty() && end != nullptr && *end == '\0') {
                        herald::append_utf8(out,
                                            static_cast<std::uint32_t>(std::min(cp, 0x110000UL)));
                        decoded = true;
                    }
                } else {
                    for (const auto& [entity, text] : kNamed) {
                        if (name == entity) {
                            out += text;
                            decoded = true;
                        }
                    }
                }
            }
            if (decoded) {
                i = semi + 1;
            } else {
                out += c;
                ++i;
            }
        } else {
            out += c;
            ++i;
        }
    }
    return out;
}

// Writes one JSON Lines article per CACM-NNNN.html: the first non-blank line is the title,
// everything after it one paragraph (so ranking is per document, as in Anserini).
std::size_t write_corpus(const fs::path& html_dir, const fs::path& jsonl) {
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(html_dir)) {
        if (e.is_regular_file() && e.path().extension() == ".html") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    std::ofstream out(jsonl);
    for (const auto& f : files) {
        const std::string text = html_to_text(read_file(f));
        std::istringstream lines(text);
        std::string line, title, body;
        while (std::getline(lines, line)) {
            if (title.empty()) {
                if (line.find_first_not_of(" \t\r") != std::string::npos) title = line;
            } else {
                body += line;
                body += '\n';
            }
        }
        if (body.find_first_not_of(" \t\r\n") == std::string::npos) body = title;
        if (body.empty()) continue;
        nlohmann::json article = {{"id", f.stem().string()},
                                  {"title", title},
                                  {"language", "en"},
                                  {"paragraphs", nlohmann::json::array({body})}};
        out << article.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    }
    if (!out) throw std::runtime_error("cannot write " + jsonl.string());
    return files.size();
}

struct Topic {
    std::string id;
    std::string text;
};

// TREC topics: `<DOC> <DOCNO> n </DOCNO> text </DOC>` (CACM as packaged for Anserini) or
// `<top> <num> Number: n ... <title> text ... </top>`; the whole text is the query.
std::vector<Topic> read_topics(const fs::path& path) {
    const std::string all = read_file(path);
    std::vector<Topic> topics;
    static const std::regex kDoc(R"(<DOCNO>\s*(\S+)\s*</DOCNO>([\s\S]*?)</DOC>)");
    static const std::regex kTop(R"(<num>\s*(?:Number:)?\s*(\S+)([\s\S]*?)</top>)");
    for (const std::regex* re : {&kDoc, &kTop}) {
        for (std::sregex_iterator it(all.begin(), all.end(), *re), end; it != end; ++it) {
            std::string text = std::regex_replace((*it)[2].str(), std::regex(R"(<[^>]*>)"), " ");
            topics.push_back({(*it)[1].str(), text});
        }
        if (!topics.empty()) break;
    }
    if (topics.empty()) throw std::runtime_error("no topics in " + path.string());
    return topics;
}

// A natural-language topic as a bag of words for the query parser: letters, digits and
// apostrophes inside words are kept, everything else (quotes, parentheses, colons, +, -)
// becomes a space, and all is lower-cased so that no word is read as an operator.
std::string bag_of_words(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        const bool word = std::isalnum(c) || c >= 0x80;
        const bool inner_apostrophe = c == '\'' && i > 0 && i + 1 < text.size() &&
                                      std::isalpha(static_cast<unsigned char>(text[i - 1])) &&
                                      std::isalpha(static_cast<unsigned char>(text[i + 1]));
        if (word || inner_apostrophe) {
            out += static_cast<char>(c < 0x80 ? std::tolower(c) : c);
        } else if (!out.empty() && out.back() != ' ') {
            out += ' ';
        }
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

// `CACM-115` → `CACM-0115`: the qrels' unpadded ids written as the documents' names.
Qrels fix_ids(const Qrels& qrels, std::size_t* changed) {
    static const std::regex kId(R"(^(.*-)(\d{1,3})$)");
    Qrels fixed;
    for (const auto& [topic, judged] : qrels) {
        for (const auto& [docno, rel] : judged) {
            std::smatch m;
            std::string id = docno;
            if (std::regex_match(docno, m, kId)) {
                id = m[1].str() + std::string(4 - m[2].length(), '0') + m[2].str();
                ++*changed;
            }
            auto [it, fresh] = fixed[topic].try_emplace(id, rel);
            if (!fresh) it->second = std::max(it->second, rel);
        }
    }
    return fixed;
}

struct Config {
    double k1 = herald::SearchRequest::kDefaultBm25K1;
    double b = herald::SearchRequest::kDefaultBm25B;
    double passage_weight = herald::SearchRequest::kDefaultPassageWeight;
    std::string within = "article";
    herald::DefaultOperator op = herald::DefaultOperator::any_word;
    std::size_t feedback = 0;
    std::size_t feedback_terms = herald::SearchRequest::kDefaultFeedbackTerms;
};

struct Outcome {
    herald::bench::Evaluation given, fixed;
    double seconds = 0;
    std::size_t failed = 0;  // topics the searcher refused (reported on stderr)
};

// Runs every topic, writes the run file (when @p run_path is set) and scores it.
Outcome run_topics(herald::Searcher& searcher,
                   const std::vector<Topic>& topics,
                   const Config& config,
                   const Qrels& given,
                   const Qrels& fixed,
                   const fs::path& run_path) {
    Outcome outcome;
    std::ostringstream run_text;
    const auto t0 = Clock::now();
    for (const auto& topic : topics) {
        herald::SearchRequest request;
        request.query = bag_of_words(topic.text);
        request.limit = herald::SearchRequest::kMaxLimit;
        request.snippets = false;
        request.default_operator = config.op;
        request.bm25_k1 = config.k1;
        request.bm25_b = config.b;
        request.feedback_documents = config.feedback;
        request.feedback_terms = config.feedback_terms;
        request.passage_weight = config.passage_weight;
        request.within = herald::parse_search_unit(config.within);
        herald::SearchResult result;
        try {
            result = searcher.search(request);
        } catch (const herald::QueryError& e) {
            std::cerr << "topic " << topic.id << ": " << e.what() << '\n';
            ++outcome.failed;
            continue;
        }
        std::size_t rank = 0;
        for (const auto& hit : result.hits) {
            char score[64];
            std::snprintf(score, sizeof score, "%.6f", hit.score);
            run_text << topic.id << " Q0 " << hit.article_id << ' ' << ++rank << ' ' << score
                     << " herald\n";
        }
    }
    outcome.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    // Scored from the text as written, so scores tie exactly as they do for trec_eval.
    std::istringstream in(run_text.str());
    const Run run = herald::bench::read_run(in);
    outcome.given = herald::bench::evaluate(given, run);
    outcome.fixed = herald::bench::evaluate(fixed, run);
    if (!run_path.empty()) {
        std::ofstream out(run_path);
        out << run_text.str();
        if (!out) throw std::runtime_error("cannot write " + run_path.string());
    }
    return outcome;
}

nlohmann::json to_json(const Config& c,
                       const Outcome& o,
                       std::size_t topics,
                       std::size_t documents) {
    return {{"documents", documents},
            {"k1", c.k1},
            {"b", c.b},
            {"operator", herald::to_string(c.op)},
            {"feedback", c.feedback},
            {"feedback_terms", c.feedback > 0 ? c.feedback_terms : 0},
            {"map", o.given.map},
            {"p30", o.given.precision},
            {"map_fixed", o.fixed.map},
            {"p30_fixed", o.fixed.precision},
            {"qrels_topics", o.given.topics},
            {"topics_run", topics},
            {"topics_failed", o.failed},
            {"seconds", o.seconds}};
}

void print_line(const Config& c, const Outcome& o) {
    char line[256];
    std::snprintf(
        line, sizeof line,
        "k1=%.2f b=%.2f op=%s feedback=%zu/%zu  MAP %.4f P@30 %.4f  |  ids fixed: MAP %.4f "
        "P@30 %.4f  (%.2f s)\n",
        c.k1, c.b, herald::to_string(c.op), c.feedback, c.feedback > 0 ? c.feedback_terms : 0,
        o.given.map, o.given.precision, o.fixed.map, o.fixed.precision, o.seconds);
    std::cerr << line;
}

}  // namespace

int main(int argc, char** argv) {
    fs::path cacm = fs::path(HERALD_SHARED_CORPUS_DIR) / "ir" / "cacm";
    fs::path index_dir, run_path;
    Config config;
    std::string op = "or";
    bool sweep = false, per_topic = false;
    unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    CLI::App app{
        "Ranking quality on CACM: index it, run its 64 topics (1,000 hits each), score MAP and "
        "P@30 as trec_eval -c does, with the qrels as given and with unpadded ids fixed."};
    app.add_option("--cacm", cacm, "folder with cacm.tar.gz, topics.cacm.txt and qrels.cacm.txt");
    app.add_option("--index", index_dir,
                   "index folder to build (default: a temporary folder, removed)");
    app.add_option("--k1", config.k1, "BM25 k1 (default: Herald's default)");
    app.add_option("--b", config.b, "BM25 b (default: Herald's default)");
    app.add_option("--operator", op, "default operator of the topics: or (default) or and")
        ->check(CLI::IsMember({"and", "or"}));
    app.add_option("--feedback", config.feedback, "pseudo-relevance feedback documents (0: off)");
    app.add_option("--feedback-terms", config.feedback_terms, "expansion terms with --feedback");
    app.add_option("--passage-weight", config.passage_weight,
                   "story ranking: weight of the best paragraph's score (default 0.1)");
    app.add_option("--within", config.within, "article (stories, the default) or paragraph")
        ->check(CLI::IsMember({"article", "paragraph"}));
    app.add_flag("--sweep", sweep,
                 "grid k1 0.5..1.6 step 0.1 x b 0.2..0.9 step 0.1; prints the best last");
    app.add_option("--run", run_path, "write the TREC run file here (last configuration)");
    app.add_option("--threads", threads, "configurations run in parallel (default: cores)");
    app.add_flag("--per-topic", per_topic, "print each topic's AP (qrels as given)");
    CLI11_PARSE(app, argc, argv);
    config.op = herald::parse_default_operator(op);

    char work_pattern[] = "/tmp/herald-cacm-XXXXXX";
    if (mkdtemp(work_pattern) == nullptr) {
        std::cerr << "herald_bench_cacm: cannot create a temporary folder\n";
        return 2;
    }
    const fs::path work = work_pattern;
    int rc = 0;
    try {
        // 1. Extract and index.
        const fs::path tarball = cacm / "cacm.tar.gz";
        if (!fs::exists(tarball)) throw std::runtime_error("no " + tarball.string());
        const fs::path html = work / "html";
        fs::create_directories(html);
        const std::string command =
            "tar -xzf '" + tarball.string() + "' -C '" + html.string() + "'";
        if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
        const auto t0 = Clock::now();
        const std::size_t documents = write_corpus(html, work / "cacm.jsonl");
        if (index_dir.empty()) index_dir = work / "index";
        herald::IndexJobOptions options;
        options.index_dir = index_dir;
        options.inputs = {work / "cacm.jsonl"};
        options.rebuild = true;
        options.grace_seconds = 0;
        options.quiet = true;
        options.entities = false;  // not news: no entity facets needed
        std::ostringstream out, err;
        if (herald::run_index_job(options, out, err) != herald::kExitOk)
            throw std::runtime_error(err.str());
        const double index_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
        std::cerr << "indexed " << documents << " CACM documents in " << index_seconds << " s\n";

        // 2. Topics and qrels.
        const std::vector<Topic> topics = read_topics(cacm / "topics.cacm.txt");
        std::ifstream qrels_in(cacm / "qrels.cacm.txt");
        if (!qrels_in)
            throw std::runtime_error("cannot read " + (cacm / "qrels.cacm.txt").string());
        const Qrels given = herald::bench::read_qrels(qrels_in);
        std::size_t changed = 0;
        const Qrels fixed = fix_ids(given, &changed);
        std::cerr << topics.size() << " topics; qrels for " << given.size() << " topics; "
                  << changed << " qrels ids zero-padded in the fixed copy\n";

        // 3. Run and score.
        std::vector<Config> configs;
        if (sweep) {
            for (int k = 5; k <= 16; ++k) {
                for (int b = 2; b <= 9; ++b) {
                    Config c = config;
                    c.k1 = k / 10.0;
                    c.b = b / 10.0;
                    configs.push_back(c);
                }
            }
        } else {
            configs.push_back(config);
        }
        // Configurations run on `threads` workers, each with its own Searcher (a Searcher
        // is not thread-safe); lines are printed in the order the runs finish.
        std::vector<Outcome> outcomes(configs.size());
        std::atomic<std::size_t> next{0};
        std::mutex print_mutex;
        const auto worker = [&] {
            herald::Searcher own(index_dir);
            for (std::size_t i; (i = next++) < configs.size();) {
                outcomes[i] = run_topics(own, topics, configs[i], given, fixed,
                                         i + 1 == configs.size() ? run_path : fs::path());
                const std::lock_guard<std::mutex> lock(print_mutex);
                std::cout << to_json(configs[i], outcomes[i], topics.size(), documents).dump()
                          << std::endl;
                print_line(configs[i], outcomes[i]);
                if (per_topic && !sweep) {
                    for (const auto& [topic, ap] : outcomes[i].given.ap) {
                        std::cerr << "  topic " << topic << " AP " << ap << '\n';
                    }
                }
            }
        };
        std::vector<std::thread> pool;
        const unsigned workers =
            std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(configs.size())));
        for (unsigned t = 1; t < workers; ++t) pool.emplace_back(worker);
        worker();
        for (auto& t : pool) t.join();
        std::size_t best_index = 0;
        for (std::size_t i = 1; i < configs.size(); ++i) {
            if (outcomes[i].given.map > outcomes[best_index].given.map) best_index = i;
        }
        const Config& best_config = configs[best_index];
        const Outcome& best = outcomes[best_index];
        if (sweep) {
            std::cerr << "best (MAP, qrels as given): ";
            print_line(best_config, best);
            nlohmann::json j = to_json(best_config, best, topics.size(), documents);
            j["best_of_sweep"] = true;
            std::cout << j.dump() << std::endl;
        }
        std::size_t failed = 0;
        for (const auto& o : outcomes) failed += o.failed;
        if (failed > 0) {
            std::cerr << "herald_bench_cacm: " << failed << " topic runs failed (see above)\n";
            rc = 1;
        }
    } catch (const std::exception& e) {
        std::cerr << "herald_bench_cacm: " << e.what() << '\n';
        rc = 2;
    }
    std::error_code ec;
    fs::remove_all(work, ec);
    return rc;
}
