// herald_bench_known_items: a known-item benchmark whose two query words never share a
// paragraph, so only a search over whole stories can find the article (bench/README.md,
// "Known items across paragraphs"). The construction follows the simulated known-item
// queries of L. Azzopardi, M. de Rijke and K. Balog, "Building simulated queries for
// known-item topics: an analysis using six European languages", SIGIR 2007: pick a document,
// then pick query terms from it.
//
//   make --articles FILE [--bbc DIR] --split dev|test [--seed S] [--count N] --out FILE.tsv
//   eval --dir INDEX --queries FILE.tsv [--within article|paragraph] [--collapse]
//        [--passage-weight X] [--bm25-k1 K] [--bm25-b B] [--passes P] [--ranks FILE]
//
// make: reads the articles (any input herald-index reads: herald_bench_corpus's JSON Lines,
// the Reuters .sgm folder; --bbc adds the BBC folder, ids `business/001` as herald-index
// gives them), then writes `query<TAB>article_id` lines. See the README for the rules.
// eval: one JSON line (bench/known_set.hpp's time_known_set) for the set on a Herald index.
#include <herald/ingest/readers.hpp>
#include <herald/text/words.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "known_herald.hpp"
#include "known_set.hpp"

namespace fs = std::filesystem;
namespace hb = herald::bench;

namespace {

// A word is a candidate when its article frequency (articles whose title or paragraphs
// contain its stemmed term) is in [kMinArticles, kMaxArticles]: rare enough to single out a
// few stories, common enough not to be a unique name that finds the story on its own.
constexpr std::uint32_t kMinArticles = 3;
constexpr std::uint32_t kMaxArticles = 300;
constexpr std::size_t kMinLetters = 3;

/// splitmix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
/// OOPSLA 2014): fixed output for a seed on every platform, unlike std:: distributions.
class Rng {
   public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    /// A number in [0, n), n > 0 (modulo bias below 2^-32 for the sizes used here).
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
    template <typename T>
    void shuffle(std::vector<T>& v) {  // Fisher-Yates
        for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[below(i)]);
    }

   private:
    std::uint64_t state_;
};

/// Which half an article belongs to: bit 0 of a mixed FNV-1a hash of its id; 0 = dev, 1 = test.
/// Depends on the id alone, so an article keeps its half whatever else is read.
bool in_test_half(const std::string& id) {
    std::uint64_t h = 0xCBF29CE484222325ULL;
    for (unsigned char c : id) h = (h ^ c) * 0x100000001B3ULL;
    return (Rng(h).next() & 1) != 0;
}

struct Token {
    std::string term;     // Herald's stemmed term (herald::word_term)
    std::string surface;  // the word as written
};

std::vector<Token> tokens(const std::string& text, const Xapian::Stem& stemmer) {
    std::vector<Token> out;
    for (const auto& span : herald::split_words(text)) {
        std::string surface = text.substr(span.begin, span.end - span.begin);
        std::string term = herald::word_term(surface, stemmer);
        if (!term.empty()) out.push_back({std::move(term), std::move(surface)});
    }
    return out;
}

/// @brief The lower-cased word when it is at least kMinLetters ASCII letters and nothing else
///        (no digit, apostrophe, dot or non-ASCII letter: every engine then sees the same word),
///        else "".
std::string plain_word(const std::string& surface) {
    if (surface.size() < kMinLetters) return "";
    std::string lower;
    for (unsigned char c : surface) {
        if (!std::isalpha(c) || c >= 0x80) return "";
        lower.push_back(static_cast<char>(std::tolower(c)));
    }
    return lower;
}

struct Story {
    herald::Article article;
    bool from_bbc = false;
};

/// The terms of one article: for each, the paragraphs (0-based; the title counts as part of
/// paragraph 0, as Herald indexes it with the lead) that contain it and a plain surface form.
struct ArticleTerms {
    std::vector<std::string> order;  // first-occurrence order: deterministic iteration
    struct Info {
        std::vector<unsigned> paragraphs;  // ascending, unique
        std::string surface;               // plain_word() of an occurrence in a paragraph, or ""
    };
    std::unordered_map<std::string, Info> info;

    void add(const std::string& term, unsigned paragraph, const std::string& surface) {
        auto [it, fresh] = info.try_emplace(term);
        if (fresh) order.push_back(term);
        auto& p = it->second.paragraphs;
        if (p.empty() || p.back() < paragraph) {
            p.push_back(paragraph);
        } else if (p.front() > paragraph) {
            p.insert(p.begin(), paragraph);  // only the title (paragraph 0) comes late
        }
        if (it->second.surface.empty() && !surface.empty())
            it->second.surface = plain_word(surface);
    }
};

ArticleTerms article_terms(const herald::Article& a, const Xapian::Stem& stemmer) {
    ArticleTerms t;
    for (std::size_t p = 0; p < a.paragraphs.size(); ++p) {
        for (const auto& tok : tokens(a.paragraphs[p], stemmer))
            t.add(tok.term, static_cast<unsigned>(p), tok.surface);
    }
    for (const auto& tok : tokens(a.title, stemmer)) t.add(tok.term, 0, "");
    return t;
}

bool disjoint(const std::vector<unsigned>& a, const std::vector<unsigned>& b) {
    std::size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (a[i] == b[j]) return false;
        a[i] < b[j] ? ++i : ++j;
    }
    return true;
}

struct MakeOptions {
    fs::path articles, bbc, out;
    std::string split;
    std::string kind = "across";  ///< across: words of two paragraphs; within: of one paragraph
    std::uint64_t seed = 20261201;
    std::size_t count = 300;
};

void read_into(const fs::path& path, bool bbc, std::vector<Story>& stories) {
    const auto counts = herald::read_path(
        path, std::nullopt,
        [&](herald::Article&& a) {
            stories.push_back({std::move(a), bbc});
        },
        [](const herald::ReadError& e) {
            std::cerr << e.file << ":" << e.line << ": " << e.message << "\n";
        });
    if (counts.articles == 0) throw std::runtime_error("no article read from " + path.string());
}

int run_make(const MakeOptions& o) {
    if (o.split == "test" && !o.bbc.empty())
        throw std::runtime_error("--bbc is for dev sets; the test set is Reuters only");
    std::vector<Story> stories;
    read_into(o.articles, false, stories);
    if (!o.bbc.empty()) read_into(o.bbc, true, stories);

    const Xapian::Stem stemmer = herald::make_stemmer("en");
    const std::unique_ptr<Xapian::Stopper> stopper(herald::make_stopper("en"));

    // Article frequency of every stemmed term over the whole collection (both halves).
    std::unordered_map<std::string, std::uint32_t> article_frequency;
    for (const auto& s : stories) {
        for (const auto& term : article_terms(s.article, stemmer).order) ++article_frequency[term];
    }

    // Stories of the requested half with two paragraphs or more, in a seeded random order.
    const bool want_test = o.split == "test";
    std::vector<std::size_t> eligible;
    for (std::size_t i = 0; i < stories.size(); ++i) {
        const auto& s = stories[i];
        if (s.article.paragraphs.size() < 2) continue;
        const bool test = !s.from_bbc && in_test_half(s.article.id);
        if (test == want_test) eligible.push_back(i);
    }
    Rng rng(o.seed);
    rng.shuffle(eligible);

    std::ofstream out(o.out);
    if (!out) throw std::runtime_error("cannot write " + o.out.string());
    std::size_t made = 0, tried = 0, from_bbc = 0;
    for (std::size_t index : eligible) {
        if (made == o.count) break;
        ++tried;
        const Story& story = stories[index];
        const ArticleTerms terms = article_terms(story.article, stemmer);
        std::vector<const std::string*> candidates;
        for (const auto& term : terms.order) {
            const auto& info = terms.info.at(term);
            if (info.surface.empty() || (*stopper)(info.surface)) continue;
            const std::uint32_t af = article_frequency.at(term);
            if (af >= kMinArticles && af <= kMaxArticles) candidates.push_back(&term);
        }
        rng.shuffle(candidates);
        for (const std::string* first : candidates) {
            const auto& a = terms.info.at(*first);
            std::vector<const std::string*> partners;
            for (const std::string* second : candidates) {
                if (second == first) continue;
                const bool apart = disjoint(a.paragraphs, terms.info.at(*second).paragraphs);
                if (apart == (o.kind == "across")) partners.push_back(second);
            }
            if (partners.empty()) continue;
            const auto& b = terms.info.at(*partners[rng.below(partners.size())]);
            out << a.surface << ' ' << b.surface << '\t' << story.article.id << '\n';
            ++made;
            from_bbc += story.from_bbc;
            break;
        }
    }
    if (!out.flush()) throw std::runtime_error("cannot write " + o.out.string());
    std::cout << nlohmann::json{{"split", o.split},
                                {"kind", o.kind},
                                {"seed", o.seed},
                                {"items", made},
                                {"from_bbc", from_bbc},
                                {"stories_tried", tried},
                                {"stories_eligible", eligible.size()},
                                {"articles", stories.size()},
                                {"out", o.out.string()}}
                     .dump()
              << "\n";
    if (made < o.count) {
        std::cerr << "herald_bench_known_items: only " << made << " of " << o.count
                  << " items could be made\n";
        return 1;
    }
    return 0;
}

struct EvalOptions {
    fs::path dir, queries, ranks;
    std::string within = "article";
    hb::KnownHeraldOptions herald;
    int passes = 1;
};

int run_eval(EvalOptions o) {
    const auto items = hb::read_known_items(o.queries);
    if (items.empty()) throw std::runtime_error("no item in " + o.queries.string());
    o.herald.within = herald::parse_search_unit(o.within);
    herald::Searcher searcher(o.dir, "en");
    std::vector<std::size_t> ranks;
    nlohmann::json out = hb::time_known_set(
        "herald", hb::known_mode(o.herald), items, o.passes,
        [&](const hb::KnownItem& item) {
            return hb::herald_known_articles(searcher, o.herald, item.query);
        },
        &ranks);
    out["within"] = o.within;
    out["collapse"] = o.herald.collapse;
    out["passage_weight"] = o.herald.passage_weight;
    out["bm25_k1"] = o.herald.bm25_k1;
    out["bm25_b"] = o.herald.bm25_b;
    if (!o.ranks.empty()) {
        std::ofstream r(o.ranks);
        for (std::size_t i = 0; i < items.size(); ++i)
            r << items[i].query << '\t' << items[i].article_id << '\t' << ranks[i] << '\n';
        if (!r.flush()) throw std::runtime_error("cannot write " + o.ranks.string());
    }
    std::cout << out.dump() << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Known items across paragraphs: make a query set, or evaluate Herald on one."};
    app.require_subcommand(1);

    MakeOptions m;
    auto* make = app.add_subcommand("make", "write a known-item query set (query<TAB>article_id)");
    make->add_option("--articles", m.articles,
                     "articles: herald_bench_corpus --articles JSON Lines (or any herald-index "
                     "input)")
        ->required();
    make->add_option("--bbc", m.bbc, "also the BBC folder (../shared/corpus/bbc); dev sets only");
    make->add_option("--kind", m.kind,
                     "across (default): two words no paragraph holds both of; within: two words "
                     "one paragraph holds (a development set for passage evidence)")
        ->check(CLI::IsMember({"across", "within"}));
    make->add_option("--split", m.split, "dev or test: disjoint halves of the articles by id")
        ->required()
        ->check(CLI::IsMember({"dev", "test"}));
    make->add_option("--seed", m.seed, "random seed (bench/compare's test set: 20261201)");
    make->add_option("--count", m.count, "stories, each used once (default 300)")
        ->check(CLI::Range(1, 1000000));
    make->add_option("--out", m.out, "the TSV to write")->required();

    EvalOptions e;
    auto* eval = app.add_subcommand("eval", "success@10 and MRR@10 of Herald on a set");
    eval->add_option("--dir", e.dir, "Herald index folder")->required();
    eval->add_option("--queries", e.queries, "the TSV written by make")->required();
    eval->add_option("--within", e.within, "article (stories) or paragraph")
        ->check(CLI::IsMember({"article", "paragraph"}));
    eval->add_flag("--collapse", e.herald.collapse, "paragraph mode: best paragraph per article");
    eval->add_option("--passage-weight", e.herald.passage_weight, "story mode: passage weight")
        ->check(CLI::Range(0.0, herald::SearchRequest::kMaxPassageWeight));
    eval->add_option("--bm25-k1", e.herald.bm25_k1, "BM25 k1")
        ->check(CLI::Range(herald::SearchRequest::kMinBm25K1, herald::SearchRequest::kMaxBm25K1));
    eval->add_option("--bm25-b", e.herald.bm25_b, "BM25 b")->check(CLI::Range(0.0, 1.0));
    eval->add_option("--passes", e.passes, "passes; with more than one the first is not timed")
        ->check(CLI::Range(1, 100));
    eval->add_option("--ranks", e.ranks, "also write query<TAB>article_id<TAB>rank (0: missed)");
    CLI11_PARSE(app, argc, argv);

    try {
        return make->parsed() ? run_make(m) : run_eval(e);
    } catch (const std::exception& ex) {
        std::cerr << "herald_bench_known_items: " << ex.what() << "\n";
        return 1;
    }
}
