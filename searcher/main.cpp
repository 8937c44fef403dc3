// herald-search: ranked stories (or paragraphs) with highlighted snippets, on a terminal or
// as JSON.
// Exit codes: 0 searched (even with no hits); 1 the query, a date or a limit is invalid;
// 2 usage error or the index cannot be opened.
#include <herald/searcher/searcher.hpp>

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <tuple>
#include <vector>

namespace {

void print_hits(const herald::SearchRequest& request,
                const herald::SearchResult& result,
                bool ansi) {
    const char* bold = ansi ? "\033[1m" : "";
    const char* dim = ansi ? "\033[2m" : "";
    const char* reset = ansi ? "\033[0m" : "";
    std::size_t rank = request.offset;
    for (const auto& hit : result.hits) {
        ++rank;
        std::cout << bold << rank << ". " << (hit.title.empty() ? "(untitled)" : hit.title) << reset
                  << '\n';
        std::cout << "   " << dim
                  << (hit.published.empty() ? "no date" : hit.published.substr(0, 10));
        if (!hit.source.empty()) std::cout << " · " << hit.source;
        const bool story = result.within == herald::SearchUnit::article;
        std::cout << " · " << hit.article_id;
        if (!story) std::cout << " ¶" << hit.paragraph;
        if (request.sort == herald::SortOrder::relevance) std::cout << " · score " << hit.score;
        std::cout << reset << '\n';
        if (!story || hit.passages.empty()) {
            std::cout << "   " << hit.snippet << "\n";
        } else {
            for (const auto& p : hit.passages)
                std::cout << "   " << dim << "¶" << p.paragraph << reset << " " << p.snippet
                          << '\n';
        }
        if (story && hit.paragraphs.size() > hit.passages.size()) {
            // The matching paragraphs the snippet does not show, in article order.
            std::vector<unsigned> more;
            for (unsigned n : hit.paragraphs) {
                bool shown = false;
                for (const auto& p : hit.passages) shown = shown || p.paragraph == n;
                if (!shown) more.push_back(n);
            }
            std::sort(more.begin(), more.end());
            std::cout << "   " << dim << more.size() << " more matching paragraph"
                      << (more.size() == 1 ? "" : "s") << ":";
            for (unsigned n : more) std::cout << " ¶" << n;
            std::cout << reset << '\n';
        }
        std::cout << '\n';
    }
    const bool articles = result.within == herald::SearchUnit::article || request.collapse;
    const bool one = result.estimate == 1 && result.lower_bound == result.upper_bound;
    const char* unit =
        articles ? (one ? "article" : "articles") : (one ? "paragraph" : "paragraphs");
    if (result.upper_bound == 0) {
        std::cout << "No matching " << unit << ".";
    } else if (result.hits.empty()) {
        std::cout << (result.lower_bound == result.upper_bound ? "" : "About ") << result.estimate
                  << " matching " << unit << ", none on this page.";
    } else {
        std::cout << "Showing " << request.offset + 1 << "–" << rank << " of ";
        if (result.lower_bound == result.upper_bound)
            std::cout << result.estimate;
        else if (result.estimate == result.lower_bound)
            std::cout << "at least " << result.estimate;
        else
            std::cout << "about " << result.estimate;
        std::cout << " matching " << unit << ".";
    }
    std::cout << " (" << result.took_ms << " ms)\n";
    for (const auto& [name, values] : result.facets) {
        if (values.empty()) continue;
        std::cout << '\n'
                  << bold << name << reset << (result.facets_exact ? "" : " (at least)") << ":";
        const char* sep = " ";
        for (const auto& v : values) {
            std::cout << sep << v.value << " (" << v.count << ")";
            sep = ", ";
        }
        std::cout << '\n';
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::string index_dir;
    herald::SearchRequest request;
    std::vector<std::string> words;
    std::string sort = "relevance";
    bool json = false;
    CLI::App app{
        "herald-search: search a Herald index and print ranked stories (one hit per article, its\n"
        "matching paragraphs as the snippet) or, with --within paragraph, single paragraphs.\n\n"
        "Query syntax (Xapian QueryParser): words are all required (--operator or: any of them);\n"
        "\"phrases\"; AND OR NOT NEAR\n"
        "(upper case); +must -mustnot; trailing wildcards sanct*; title:, source:, person:, "
        "place:\n"
        "and org: prefixes (person:\"Kim Jong Un\");\n"
        "date ranges 1987-03-01..1987-03-31. Example: herald-search --index idx '\"crude oil\" "
        "prices'\n\n"
        "Exit codes: 0 searched (even with no hits); 1 invalid query, date or limit; 2 usage "
        "error\n"
        "or the index cannot be opened."};
    app.add_option("--index", index_dir, "index folder written by herald-index")->required();
    app.add_option("--source", request.sources, "only this source (repeat for any of several)")
        ->allow_extra_args(false);
    for (auto [flag, target, help] :
         {std::tuple{"--person", &request.persons, "only stories (paragraphs) naming this person"},
          std::tuple{"--place", &request.places, "only stories (paragraphs) naming this place"},
          std::tuple{"--org", &request.orgs,
                     "only stories (paragraphs) naming this organization"}}) {
        app.add_option(flag, *target,
                       std::string(help) + " (repeat: any of them; across flags: all)")
            ->allow_extra_args(false);
    }
    bool facets = false;
    app.add_flag("--facets", facets,
                 "count person, place and org facets (and Reuters tags) over all matches");
    app.add_option("--facet-size", request.facet_size, "values shown per facet (default 10)")
        ->check(CLI::Range(1, 1000));
    std::string language = "en";
    app.add_option(
        "--language", language,
        "stemming language of the query: that of the articles (default en; none: no stemming)");
    app.add_option("--from", request.from,
                   "published on or after this date (YYYY-MM-DD, YYYY-MM or YYYY)");
    app.add_option("--to", request.to, "published on or before this date (inclusive)");
    app.add_option("--sort", sort, "relevance (default) or date (newest first)")
        ->check(CLI::IsMember({"relevance", "date"}));
    std::string within = "article";
    app.add_option("--within", within,
                   "article (default): a story matches when the whole article holds the query; "
                   "paragraph: one paragraph must hold it (quotes, co-occurrence)")
        ->check(CLI::IsMember({"article", "paragraph"}));
    app.add_flag("--collapse", request.collapse,
                 "with --within paragraph: best paragraph per article only");
    app.add_option("--limit", request.limit, "hits to show (default 10, at most 1000)")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--offset", request.offset, "hits to skip (for paging)")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--snippet-bytes", request.snippet_bytes,
                   "snippet length cap in bytes (default 200, 16 to 100000)")
        ->check(CLI::NonNegativeNumber);
    std::string op = "and";
    app.add_option(
           "--operator", op,
           "how plain words combine: and (default, all required) or or (any; ranked by BM25)")
        ->check(CLI::IsMember({"and", "or"}, CLI::ignore_case));
    app.add_option("--bm25-k1", request.bm25_k1,
                   "BM25 term-frequency saturation k1, 0 to 10 (default 1)");
    app.add_option("--bm25-b", request.bm25_b, "BM25 length normalization b, 0 to 1 (default 0.5)");
    app.add_option("--feedback", request.feedback_documents,
                   "pseudo-relevance feedback: expand the query from its top N hits (default 0: "
                   "off; at most 100)")
        ->check(CLI::Range(0, 100));
    app.add_option("--feedback-terms", request.feedback_terms,
                   "terms feedback adds (default 10, 1 to 50)")
        ->check(CLI::Range(1, 50));
    app.add_flag("--json", json, "print the JSON of the HTTP API's /api/search");
    app.add_option("QUERY", words, "the query (several arguments are joined with spaces)");
    app.set_version_flag("--version", "herald-search " HERALD_VERSION,
                         "print the version and exit");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? 0 : 2;
    }
    for (std::size_t i = 0; i < words.size(); ++i) request.query += (i ? " " : "") + words[i];
    if (facets) request.facets = herald::known_facets();

    try {
        request.sort = herald::parse_sort_order(sort);
        request.within = herald::parse_search_unit(within);
        request.default_operator = herald::parse_default_operator(op);
        herald::Searcher searcher(index_dir, language);
        const bool ansi = !json && isatty(STDOUT_FILENO);
        if (!json) {
            herald::SnippetOptions style;
            style.escape_html = false;
            style.mark_open = ansi ? "\033[1;33m" : "[";
            style.mark_close = ansi ? "\033[0m" : "]";
            searcher.set_snippet_style(style);
        }
        herald::SearchResult result = searcher.search(request);
        if (json) {
            std::cout << herald::to_json(result).dump(-1, ' ', false,
                                                      nlohmann::json::error_handler_t::replace)
                      << '\n';
        } else {
            print_hits(request, result, ansi);
        }
    } catch (const herald::QueryError& e) {
        std::cerr << "herald-search: " << e.what() << '\n';
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "herald-search: " << e.what() << '\n';
        return 2;
    }
    return 0;
}
