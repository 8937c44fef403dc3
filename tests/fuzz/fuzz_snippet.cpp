// libFuzzer target: the snippet generator. The input's first line is a query: its words
// (word_term with the English stemmer) are the terms to highlight and its trailing wildcards
// (QueryBuilder::wildcard_prefixes) the prefixes, as Searcher builds its Highlighter. The rest is
// the paragraph.
//
// The raw bytes are cut with the default options (crashes only). The paragraph made valid
// UTF-8, as every reader stores it, is cut at several lengths without HTML escaping and with
// empty markers, where SnippetOptions' contract can be checked: at most max_bytes bytes
// (ellipses included), never a cut character, a passage of the text between the ellipses, the
// whole text when it fits.
#include <herald/searcher/query.hpp>
#include <herald/searcher/snippet.hpp>
#include <herald/text/strings.hpp>
#include <herald/text/words.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <unordered_set>

namespace {

void check(bool ok, const char* what, std::size_t max_bytes, const std::string& snippet) {
    if (!ok) {
        std::fprintf(stderr, "invariant broken: %s (max_bytes %zu): \"%s\"\n", what, max_bytes,
                     snippet.c_str());
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace herald;
    static const Xapian::Stem stemmer = make_stemmer_or_none("en");
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t newline = input.find('\n');
    const std::string_view query = input.substr(0, newline);
    const std::string_view raw =
        newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);

    std::unordered_set<std::string> terms;
    for (const WordSpan& w : split_words(query)) {
        terms.insert(word_term(query.substr(w.begin, w.end - w.begin), stemmer));
    }
    const Highlighter highlighter(terms, QueryBuilder::wildcard_prefixes(query), stemmer);

    (void)highlighter.snippet(raw);

    const std::string text = to_valid_utf8(raw);
    // From 16 bytes (SearchRequest::kMinSnippetBytes, what searches may ask for) up.
    constexpr std::size_t kMin = 16;
    for (std::size_t max_bytes : {kMin, std::size_t{40}, std::size_t{200},
                                  std::max(kMin, text.size() > 0 ? text.size() - 1 : 0)}) {
        SnippetOptions options;
        options.max_bytes = max_bytes;
        options.escape_html = false;
        options.mark_open.clear();
        options.mark_close.clear();
        const std::string s = highlighter.snippet(text, options);
        if (text.size() <= max_bytes) {
            check(s == text, "the whole text when it fits", max_bytes, s);
            continue;
        }
        check(s.size() <= max_bytes, "at most max_bytes", max_bytes, s);
        check(to_valid_utf8(s) == s, "no character cut", max_bytes, s);
        std::string_view core = s;
        if (core.substr(0, options.ellipsis.size()) == options.ellipsis) {
            core.remove_prefix(options.ellipsis.size());
        }
        if (core.size() >= options.ellipsis.size() &&
            core.substr(core.size() - options.ellipsis.size()) == options.ellipsis) {
            core.remove_suffix(options.ellipsis.size());
        }
        check(text.find(core) != std::string::npos, "a passage of the text", max_bytes, s);
    }
    return 0;
}
