#include <herald/text/schema.hpp>

#include <catch2/catch.hpp>

using namespace herald;

TEST_CASE("boolean terms follow Omega's colon rule", "[indexer]") {
    CHECK(schema::boolean_term("XA", "abc") == "XAabc");
    CHECK(schema::boolean_term("XA", "Abc") == "XA:Abc");
    CHECK(schema::boolean_term("Q", "Abc") == "QAbc");  // single-letter prefix: no colon
    CHECK(schema::unique_term("12", 3) == "Q12#3");
    CHECK(schema::tag_term("places", "usa") == "XTPLACESusa");
}

TEST_CASE("over-long boolean values are hashed below Xapian's term limit", "[indexer]") {
    const std::string a(400, 'a');
    std::string b = a;
    b.back() = 'b';
    const std::string ta = schema::boolean_term("XA", a);
    const std::string tb = schema::boolean_term("XA", b);
    CHECK(ta.size() <= schema::kMaxTermBytes);
    CHECK(tb.size() <= schema::kMaxTermBytes);
    CHECK(ta != tb);
    CHECK(ta == schema::boolean_term("XA", a));  // deterministic
}
