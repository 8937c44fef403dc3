#include <herald/ner/aliases.hpp>
#include <herald/ner/entities.hpp>

#include <catch2/catch.hpp>

#include <algorithm>

#include "support.hpp"

using namespace herald;

namespace {

Mention mention(const char* type, const char* text, std::size_t paragraph, std::size_t begin) {
    Mention m;
    m.type = parse_entity_type(type).value();
    m.text = text;
    m.canonical = text;
    m.paragraph = paragraph;
    m.begin = begin;
    m.end = begin + m.text.size();
    return m;
}

const EntityExtractor& shipped() {
    static const EntityExtractor extractor(default_ner_model());
    return extractor;
}

// "type:text" of each mention, joined by " | ".
std::string show(const std::vector<Mention>& mentions) {
    std::string out;
    for (const Mention& m : mentions) {
        if (!out.empty()) out += " | ";
        out += std::string(entity_type_name(m.type)) + ":" + m.text;
    }
    return out;
}

bool has(const std::vector<Mention>& mentions, const std::string& type, const std::string& text) {
    return std::any_of(mentions.begin(), mentions.end(), [&](const Mention& m) {
        return entity_type_name(m.type) == type && m.text == text;
    });
}

}  // namespace

TEST_CASE("canonical names resolve within an article", "[indexer]") {
    struct Row {
        std::vector<Mention> mentions;
        std::vector<std::string> canonical;
    };
    const std::vector<Row> table = {
        // A shorter mention takes the longest earlier mention that contains it.
        {{mention("person", "Vladimir Putin", 0, 0), mention("person", "Putin", 0, 40)},
         {"Vladimir Putin", "Vladimir Putin"}},
        {{mention("person", "Kim Jong Un", 0, 0), mention("person", "Kim", 1, 0),
          mention("person", "Jong Un", 2, 5)},
         {"Kim Jong Un", "Kim Jong Un", "Kim Jong Un"}},
        // Before the long form appears, the short one keeps its own name.
        {{mention("person", "Putin", 0, 0), mention("person", "Vladimir Putin", 0, 30)},
         {"Putin", "Vladimir Putin"}},
        // Case variants fold to the mixed-case form; ALL CAPS alone is title-cased.
        {{mention("organization", "RED CROSS", 0, 0), mention("organization", "Red Cross", 1, 0)},
         {"Red Cross", "Red Cross"}},
        {{mention("organization", "INTERNATIONAL MONETARY FUND", 0, 0)},
         {"International Monetary Fund"}},
        {{mention("place", "U.S.", 0, 0), mention("organization", "BBC", 0, 10)}, {"U.S.", "BBC"}},
        // Containment only within one type; word-wise, not by substring.
        {{mention("place", "Washington", 0, 0), mention("organization", "Washington Post", 0, 20)},
         {"Washington", "Washington Post"}},
        {{mention("person", "Johnson", 0, 0), mention("person", "John", 0, 20)},
         {"Johnson", "John"}},
        // Reading order is (paragraph, begin), whatever the order of the list.
        {{mention("person", "Putin", 1, 0), mention("person", "Vladimir Putin", 0, 10)},
         {"Vladimir Putin", "Vladimir Putin"}},
    };
    for (std::size_t r = 0; r < table.size(); ++r) {
        INFO("row " << r);
        auto mentions = table[r].mentions;
        canonicalize(mentions);
        REQUIRE(mentions.size() == table[r].canonical.size());
        for (std::size_t k = 0; k < mentions.size(); ++k)
            CHECK(mentions[k].canonical == table[r].canonical[k]);
    }
}

TEST_CASE("given entities join as earlier mentions", "[indexer]") {
    std::vector<Mention> mentions = {mention("person", "Morvan", 0, 0),
                                     mention("organization", "ACME CORP", 1, 0)};
    canonicalize(mentions, {mention("person", "Ines Morvan", 0, 0),
                            mention("organization", "Acme Corp", 0, 0)});
    CHECK(mentions[0].canonical == "Ines Morvan");
    CHECK(mentions[1].canonical == "Acme Corp");
    CHECK(mentions[0].text == "Morvan");  // text stays as written
}

TEST_CASE("a lone surname typed as a place after the full name becomes that person", "[indexer]") {
    std::vector<Mention> mentions = {mention("person", "Vladimir Putin", 0, 0),
                                     mention("place", "Putin", 0, 35)};
    canonicalize(mentions);
    CHECK(mentions[1].type == EntityType::person);
    CHECK(mentions[1].canonical == "Vladimir Putin");
}

TEST_CASE("titles and honorifics are recognized", "[indexer]") {
    for (const char* t :
         {"President", "Gov.", "Dr.", "Mr.", "Minister", "MP", "Chancellor", "sen."}) {
        INFO(t);
        CHECK(is_title(t));
    }
    for (const char* t : {"Varga", "Putin", "Major", "Labour"}) {
        INFO(t);
        CHECK_FALSE(is_title(t));
    }
}

TEST_CASE("the shipped model extracts people without titles or possessives", "[indexer]") {
    const auto& x = shipped();
    {
        const std::string p = "Minister Varga\xE2\x80\x99s plan was rejected.";
        const auto m = x.extract(p);
        REQUIRE(show(m) == "person:Varga");
        CHECK(m[0].begin == 9);
        CHECK(m[0].end == 14);
        CHECK(p.substr(m[0].begin, m[0].end - m[0].begin) == "Varga");
    }
    CHECK(has(x.extract("Labour MP Ines Morvan said the vote would be close."), "person",
              "Ines Morvan"));
    CHECK(has(x.extract("Dr. Ines Morvan said the plan would fail."), "person", "Ines Morvan"));
    CHECK(show(x.extract("Gov. Hal Brenner signed the bill.")) == "person:Hal Brenner");
    for (const auto& m : x.extract("Labour MP Ines Morvan said the vote would be close.")) {
        CHECK(m.text.find("MP") == std::string::npos);
    }
}

TEST_CASE("the shipped model resolves a surname to the full name in one article", "[indexer]") {
    const std::string p =
        "Vladimir Putin arrived on Tuesday. Putin said the talks had been useful.";
    auto mentions = shipped().extract(p);
    canonicalize(mentions);
    REQUIRE(mentions.size() == 2);
    for (const Mention& m : mentions) {
        CHECK(m.type == EntityType::person);
        CHECK(m.canonical == "Vladimir Putin");
    }
    CHECK(mentions[1].text == "Putin");
    CHECK(mentions[1].begin == 35);
}

TEST_CASE("sentence-initial capitals alone are not names", "[indexer]") {
    const auto m = shipped().extract(
        "Yesterday the council met. However, nothing changed. Officials said prices rose. "
        "Analysts expect more. Despite that, Trade was calm.");
    CHECK(m.empty());
}

TEST_CASE("one-word ALL-CAPS organizations keep their capitals; people and places do not",
          "[indexer]") {
    std::vector<Mention> mentions(3);
    mentions[0].type = EntityType::organization;
    mentions[0].text = mentions[0].canonical = "OPEC";
    mentions[1].type = EntityType::place;
    mentions[1].text = mentions[1].canonical = "IRAN";
    mentions[2].type = EntityType::organization;
    mentions[2].text = mentions[2].canonical = "RED CROSS";
    mentions[1].begin = 10;
    mentions[2].begin = 20;
    canonicalize(mentions);
    CHECK(mentions[0].canonical == "OPEC");
    CHECK(mentions[1].canonical == "Iran");
    CHECK(mentions[2].canonical == "Red Cross");
}

TEST_CASE("a bare company designator is never an entity", "[indexer]") {
    EntityExtractor extractor(default_ner_model());
    for (const char* text : {"Co said profits rose.", "Shares of Merrill Lynch and Co rose.",
                             "Inc. reported a loss."}) {
        INFO(text);
        for (const auto& m : extractor.extract(text)) {
            CHECK(m.text != "Co");
            CHECK(m.text != "Inc.");
            CHECK(m.text != "Inc");
        }
    }
}

TEST_CASE(
    "the README's hard cases: seats of government and capitals are places, a leading The "
    "is no part of a name, nationalities are misc",
    "[indexer]") {
    AliasTable aliases;
    aliases.load(default_alias_table());
    // "type:name" of every entity of a one-paragraph article.
    auto entities = [&](const char* text) {
        Article a;
        a.id = "x";
        a.paragraphs = {text};
        const auto paragraphs = paragraph_entities(a, &shipped(), &aliases);
        std::vector<std::string> out;
        for (const auto& e : paragraphs[0])
            out.push_back(std::string(entity_type_name(e.type)) + ":" + e.text);
        std::sort(out.begin(), out.end());
        return out;
    };
    using List = std::vector<std::string>;
    CHECK(entities("MOSCOW, March 3 - The Kremlin said on Tuesday that arms talks with "
                   "Washington would resume next month.") ==
          List{"place:Kremlin", "place:Moscow", "place:Washington"});
    CHECK(entities("SEOUL, March 4 - Seoul and Pyongyang agreed on Wednesday to reopen the "
                   "border crossing.") == List{"place:Pyongyang", "place:Seoul"});
    CHECK(entities("WASHINGTON, March 5 - The White House declined to comment on the report.") ==
          List{"place:Washington", "place:White House"});
    CHECK(entities("MANILA, March 6 - The Philippines said it would repay 500 mln dlrs of its "
                   "foreign debt this year.") == List{"place:Manila", "place:Philippines"});
    CHECK(entities("TOKYO, March 7 - The Bank of Japan raised its discount rate by half a "
                   "point.") == List{"organization:Bank of Japan", "place:Tokyo"});
    CHECK(entities("CHICAGO, March 8 - The Chicago Mercantile Exchange closed early on "
                   "Friday.") == List{"organization:Chicago Mercantile Exchange", "place:Chicago"});
    CHECK(entities("BONN, March 9 - West German officials met Saudi and Soviet delegates to "
                   "discuss oil supplies.") ==
          List{"misc:Saudi", "misc:Soviet", "misc:West German", "place:Bonn"});
    // "The Hague" keeps its article: the shipped table lists the whole name.
    CHECK(entities("Talks resumed in The Hague on Monday.") == List{"place:The Hague"});
    // A kind of body is no entity; a named one is.
    CHECK(entities("The Finance Ministry said exports rose, and the Central Bank agreed.") ==
          List{});
    CHECK(entities("The World Bank said it would lend 300 mln dlrs.") ==
          List{"organization:World Bank"});
}
