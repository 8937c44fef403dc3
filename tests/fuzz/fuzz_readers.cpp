// libFuzzer target: the same bytes as a JSON Lines file, a Reuters-21578 SGML file and a
// plain-text article (read_jsonl, read_reuters, read_text of readers.hpp). Every article a
// reader passes on must keep Article's contract (article.hpp): a non-empty id, at least one
// paragraph, no empty or untrimmed paragraph, all strings valid UTF-8, a canonical or empty
// publication time.
//
// Errors go to the error sink and are expected; an exception out of a reader, a broken
// contract or a sanitizer report is a crash.
#include <herald/ingest/readers.hpp>
#include <herald/text/article.hpp>
#include <herald/text/strings.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

namespace {

void check(bool ok, const char* what, const std::string& value) {
    if (!ok) {
        std::fprintf(stderr, "invariant broken: %s: \"%s\"\n", what, value.c_str());
        std::abort();
    }
}

// What to_valid_utf8 leaves unchanged is valid UTF-8 in Herald's sense.
void check_utf8(const std::string& s, const char* field) {
    check(herald::to_valid_utf8(s) == s, field, s);
}

void check_article(const herald::Article& a) {
    check(!a.id.empty(), "non-empty id", a.id);
    check_utf8(a.id, "id is UTF-8");
    check_utf8(a.title, "title is UTF-8");
    check_utf8(a.source, "source is UTF-8");
    check_utf8(a.url, "url is UTF-8");
    check(a.published.empty() || herald::parse_timestamp(a.published) == a.published,
          "published is canonical", a.published);
    check(!a.paragraphs.empty(), "at least one paragraph", a.id);
    for (const auto& p : a.paragraphs) {
        check(!p.empty() && herald::collapse_whitespace(p) == p, "paragraph collapsed", p);
        check_utf8(p, "paragraph is UTF-8");
    }
    for (const auto& [kind, values] : a.tags) {
        for (const auto& v : values) check_utf8(v, "tag is UTF-8");
    }
    for (const auto& e : a.entities) {
        check(!e.text.empty(), "entity text", e.text);
        check_utf8(e.text, "entity is UTF-8");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    auto sink = [](herald::Article&& a) { check_article(a); };
    auto errors = [](const herald::ReadError& e) {
        check(!e.message.empty(), "error message", e.file);
    };
    {
        std::istringstream in(bytes);
        herald::read_jsonl(in, "fuzz.jsonl", sink, errors);
    }
    {
        std::istringstream in(bytes);
        (void)herald::read_reuters(in, "fuzz.sgm", sink, errors);
    }
    {
        std::istringstream in(bytes);
        herald::read_text(in, "fuzz", "fuzz.txt", sink, errors);
    }
    return 0;
}
