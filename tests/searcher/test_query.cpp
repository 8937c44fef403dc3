#include <herald/searcher/query.hpp>

#include <catch2/catch.hpp>

using namespace herald;

// Like Xapian's tests/api_queryparser.cc: query string → parsed description.
TEST_CASE("query strings parse to the expected Xapian queries", "[searcher]") {
    struct Row {
        const char* in;
        const char* out;
    };
    const Row rows[] = {
        {"cocoa Bahia", "Query((cocoa@1 AND bahia@2))"},
        {"\"crude oil\" prices", "Query(((crude@1 PHRASE 2 oil@2) AND price@3))"},
        {"floods", "Query(flood@1)"},
        {"Floods", "Query(flood@1)"},  // capitalized words are stemmed too
        {"Putin's", "Query(putin@1)"},
        {"Putin\u2019s", "Query(putin@1)"},
        {"O\u2019Neill", "Query(o'neil@1)"},
        {"U.S. trade", "Query((u_s@1 AND trade@2))"},
        {"u.s.", "Query(u_s@1)"},
        {"pro-Kremlin", "Query((pro@1 PHRASE 2 kremlin@2))"},
        {"oil OR gas", "Query((oil@1 OR gas@2))"},
        {"oil or gas", "Query((oil@1 AND gas@3))"},  // lower-case "or" is a (stop) word
        {"Or", "Query(or@1)"},
        {"oil -gas", "Query((oil@1 AND_NOT gas@2))"},
        {"+oil gas", "Query((oil@1 AND gas@2))"},
        {"oil NEAR gas", "Query((oil@1 NEAR 11 gas@2))"},
        {"NOT oil", "Query((<alldocuments> AND_NOT oil@1))"},
        {"the oil", "Query(oil@2)"},  // stop words dropped beside other words
        {"title:cocoa", "Query(Scocoa@1)"},
        {"source:Reuters oil", "Query((oil@1 FILTER XSreuters))"},
        {"oil 1987-03-01..1987-03-31",
         "Query((oil@1 FILTER VALUE_RANGE 0 19870301000000 19870331235959))"},
        {"oil 1987-03..", "Query((oil@1 FILTER VALUE_GE 0 19870301000000))"},
        // top-level filters restrict the whole query, not the neighbouring word
        {"rain OR growth 1987-03-01..1987-03-31",
         "Query(((rain@1 OR growth@2) FILTER VALUE_RANGE 0 19870301000000 19870331235959))"},
        {"rain OR growth source:Reuters", "Query(((rain@1 OR growth@2) FILTER XSreuters))"},
        {"source:Reuters", "Query((<alldocuments> FILTER XSreuters))"},
        {"(oil source:x)", "Query((oil@1 FILTER XSx))"},
        {"\"crude oil", "Query((crude@1 PHRASE 2 oil@2))"},  // unbalanced quote: phrase to the end
        // only excluded words: everything but them (Xapian alone would search for them)
        {"-oil", "Query((<alldocuments> AND_NOT oil@1))"},
        {"-\"crude oil\" -gas",
         "Query((<alldocuments> AND_NOT ((crude@1 PHRASE 2 oil@2) OR gas@3)))"},
        {"\u2764\ufe0f oil", "Query(oil@1)"},  // an emoji's variation selector is not a word
        {"...", "Query()"},                    // punctuation, not a date range
        {"", "Query()"},
        {"&", "Query()"},
        {"  ", "Query()"},
    };
    QueryBuilder builder;
    for (const auto& r : rows) {
        INFO(r.in);
        CHECK(builder.parse(r.in).get_description() == r.out);
    }
}

TEST_CASE("unparseable and oversized queries throw QueryError with a message", "[searcher]") {
    QueryBuilder builder;
    struct Row {
        std::string in;
        const char* message;
    };
    std::string many;
    for (int i = 0; i < 70; ++i) many += "w" + std::to_string(i) + " ";
    const Row rows[] = {
        {"AND AND", "Syntax"},      {"NOT", "Syntax"},
        {"oil AND", "Syntax"},      {"oil 1987-13-01..1987-03-31", "not a date"},
        {"oil 1..5", "date range"}, {std::string(1025, 'a'), "limit is 1024"},
        {many, "limit is 64"},
    };
    for (const auto& r : rows) {
        INFO(r.in);
        try {
            builder.parse(r.in);
            FAIL("no QueryError");
        } catch (const QueryError& e) {
            CHECK_THAT(e.what(), Catch::Contains(r.message));
        }
    }
}

TEST_CASE("wildcard prefixes are found for highlighting", "[searcher]") {
    CHECK(QueryBuilder::wildcard_prefixes("sanct* oil Emb*") ==
          std::vector<std::string>{"sanct", "emb"});
    CHECK(QueryBuilder::wildcard_prefixes("title:coc*").size() == 1);
    CHECK(QueryBuilder::wildcard_prefixes("* alone").empty());
}

TEST_CASE("date_range_query checks its bounds", "[searcher]") {
    CHECK(date_range_query("2024-06-01", "2024-06-30").get_description() ==
          "Query(VALUE_RANGE 0 20240601000000 20240630235959)");
    CHECK(date_range_query("", "2024").get_description() ==
          "Query(VALUE_RANGE 0 00000000000000 20241231235959)");
    CHECK_THROWS_AS(date_range_query("2024-07-01", "2024-06-01"), QueryError);
    CHECK_THROWS_AS(date_range_query("soon", ""), QueryError);
}

TEST_CASE("with the OR default operator plain words are alternatives, +words still required",
          "[searcher]") {
    struct Row {
        const char* in;
        const char* out;
    };
    const Row rows[] = {
        {"cocoa Bahia", "Query((cocoa@1 OR bahia@2))"},
        {"+cocoa +Bahia", "Query((cocoa@1 AND bahia@2))"},
        {"+cocoa Bahia", "Query((cocoa@1 AND_MAYBE bahia@2))"},
        {"cocoa -Bahia", "Query((cocoa@1 AND_NOT bahia@2))"},
        {"the oil of Bahia", "Query((oil@2 OR bahia@4))"},  // stop words dropped
        // The whole English list, past "what" (it once ended there): a CACM-style question.
        {"which articles deal with TSS when you use it",
         "Query((articl@2 OR deal@3 OR tss@5 OR use@8))"},
        {"\"crude oil\" prices", "Query(((crude@1 PHRASE 2 oil@2) OR price@3))"},
        {"oil AND gas", "Query((oil@1 AND gas@2))"},
        {"rain growth source:Reuters", "Query(((rain@1 OR growth@2) FILTER XSreuters))"},
    };
    QueryBuilder qb;
    for (const auto& row : rows) {
        INFO(row.in);
        CHECK(qb.parse(row.in, DefaultOperator::any_word).get_description() == row.out);
    }
    // The builder does not keep the operator of the previous query.
    CHECK(qb.parse("cocoa Bahia").get_description() == "Query((cocoa@1 AND bahia@2))");
}

TEST_CASE("the default operator is parsed from and/or only", "[searcher]") {
    CHECK(parse_default_operator("and") == DefaultOperator::all_words);
    CHECK(parse_default_operator("OR") == DefaultOperator::any_word);
    CHECK(std::string(to_string(DefaultOperator::any_word)) == "or");
    CHECK(std::string(to_string(DefaultOperator::all_words)) == "and");
    for (const char* bad : {"", "xor", "any", "and "}) {
        INFO(bad);
        CHECK_THROWS_AS(parse_default_operator(bad), QueryError);
    }
}

TEST_CASE("parse_parts keeps the ranked words and the filters apart", "[searcher]") {
    QueryBuilder qb;
    ParsedQuery p = qb.parse_parts("oil gas source:Reuters 1987-03..", DefaultOperator::any_word);
    CHECK(p.match.get_description() == "Query((oil@1 OR gas@2))");
    CHECK(p.filter.get_description() == "Query((VALUE_GE 0 19870301000000 AND XSreuters))");
    CHECK(p.combined().get_description() ==
          "Query(((oil@1 OR gas@2) FILTER (VALUE_GE 0 19870301000000 AND XSreuters)))");
    ParsedQuery only_filter = qb.parse_parts("source:Reuters");
    CHECK(only_filter.match.empty());
    CHECK(only_filter.combined().get_description() == "Query((<alldocuments> FILTER XSreuters))");
    CHECK(qb.parse_parts("oil").filter.empty());
}
