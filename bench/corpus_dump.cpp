// Writes the benchmark corpus every engine of bench/compare indexes: Reuters-21578 read and
// split into paragraphs by Herald's own reader, as
//   - articles JSON Lines (Herald's input: one article a line, "paragraphs" array), and
//   - paragraphs TSV (the peers' input: docid, article id, paragraph number, title, text;
//     docid an integer from 1; tabs and newlines in fields become spaces; the title only on
//     an article's first paragraph, empty on the others),
// so all engines index exactly the same text: Herald indexes the headline as words of the
// lead paragraph only (README, "title-only matches"), and a peer given the title on every
// row would match every paragraph of an article on a headline word. --paragraphs N stops at the
// first article boundary at or past N paragraphs; beyond one collection, the collection is repeated
// under new ids (`<id>-c<k>` for copy k >= 1), which is how the growth series reaches 1M
// paragraphs.
#include <herald/ingest/readers.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>

namespace fs = std::filesystem;

namespace {

std::string tsv_field(std::string s) {
    for (char& c : s) {
        if (c == '\t' || c == '\n' || c == '\r') c = ' ';
    }
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    fs::path corpus = "../shared/corpus";
    std::size_t limit = 0;
    fs::path articles_out, paragraphs_out;
    CLI::App app{"Write the Reuters-21578 paragraphs that bench/compare gives every engine."};
    app.add_option("--corpus", corpus, "the shared corpus folder");
    app.add_option(
        "--paragraphs", limit,
        "stop at the first article boundary at or past this many paragraphs, repeating the "
        "collection under new ids as needed (default: the collection once)");
    app.add_option("--articles", articles_out, "JSON Lines output for herald-index")->required();
    app.add_option("--tsv", paragraphs_out, "TSV output for the peers")->required();
    CLI11_PARSE(app, argc, argv);

    std::vector<herald::Article> articles;
    const herald::ReadCounts counts = herald::read_path(
        corpus / "reuters21578", std::nullopt,
        [&](herald::Article&& a) { articles.push_back(std::move(a)); },
        [](const herald::ReadError& e) {
            std::cerr << e.file << ":" << e.line << ": " << e.message << "\n";
        });
    if (articles.empty()) {
        std::cerr << "no article read from " << (corpus / "reuters21578") << "\n";
        return 1;
    }
    std::size_t per_copy = 0;
    for (const auto& a : articles) per_copy += a.paragraphs.size();
    if (limit == 0) limit = per_copy;

    std::ofstream jl(articles_out), tsv(paragraphs_out);
    if (!jl || !tsv) {
        std::cerr << "cannot write " << articles_out << " or " << paragraphs_out << "\n";
        return 1;
    }
    std::size_t paragraphs = 0, written_articles = 0;
    for (std::size_t copy = 0; paragraphs < limit; ++copy) {
        for (const auto& a : articles) {
            if (paragraphs >= limit) break;
            const std::string id = copy == 0 ? a.id : a.id + "-c" + std::to_string(copy);
            nlohmann::json j = {
                {"id", id},           {"title", a.title},       {"published", a.published},
                {"source", a.source}, {"language", a.language}, {"paragraphs", a.paragraphs}};
            jl << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
            for (std::size_t p = 0; p < a.paragraphs.size(); ++p) {
                ++paragraphs;
                tsv << paragraphs << '\t' << id << '\t' << (p + 1) << '\t'
                    << (p == 0 ? tsv_field(a.title) : std::string()) << '\t'
                    << tsv_field(a.paragraphs[p]) << '\n';
            }
            ++written_articles;
        }
    }
    std::cout << nlohmann::json{{"articles", written_articles},
                                {"paragraphs", paragraphs},
                                {"read_errors", counts.skipped}}
                     .dump()
              << "\n";
    return 0;
}
