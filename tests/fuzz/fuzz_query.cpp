// libFuzzer target: a query string as herald-search and /api/search take it, parsed by
// QueryBuilder under both default operators, then run by Searcher::search against the fixture
// index (fuzz_index.hpp) with facets, snippets and, depending on the input's length, collapse,
// date order and pseudo-relevance feedback.
//
// A QueryError is an expected answer (a bad query); any other exception, a sanitizer report or
// a broken invariant is a crash.
#include <herald/searcher/query.hpp>
#include <herald/searcher/searcher.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "fuzz/fuzz_index.hpp"

namespace {

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "invariant broken: %s\n", what);
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace herald;
    static Searcher searcher(fuzz::fixture_index());
    static QueryBuilder builder = [] {
        QueryBuilder b;
        b.set_database(searcher.database());
        return b;
    }();
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    for (DefaultOperator op : {DefaultOperator::all_words, DefaultOperator::any_word}) {
        try {
            const ParsedQuery parsed = builder.parse_parts(text, op);
            (void)parsed.combined().get_description();
        } catch (const QueryError&) {
        }
    }
    (void)QueryBuilder::wildcard_prefixes(text);

    SearchRequest request;
    request.query = std::string(text);
    request.default_operator = size & 1 ? DefaultOperator::any_word : DefaultOperator::all_words;
    request.collapse = (size & 2) != 0;
    request.sort = size & 4 ? SortOrder::date : SortOrder::relevance;
    request.feedback_documents = size & 8 ? 3 : 0;
    request.facets = {"person", "place", "tag.topics"};
    request.limit = 5;
    request.snippet_bytes = 16 + size % 200;
    try {
        const SearchResult result = searcher.search(request);
        check(result.hits.size() <= request.limit, "at most limit hits");
        check(result.lower_bound <= result.estimate && result.estimate <= result.upper_bound,
              "lower_bound <= estimate <= upper_bound");
        // As herald-search --json and the server print it (invalid UTF-8 of the query echoed:
        // U+FFFD).
        (void)to_json(result).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } catch (const QueryError&) {
    }
    return 0;
}
