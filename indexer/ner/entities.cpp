// Entity mentions and canonical names (see include/herald/ner/entities.hpp).
#include <herald/ner/entities.hpp>
#include <herald/ner/tokenizer.hpp>
#include <herald/text/schema.hpp>
#include <herald/text/strings.hpp>

#include <xapian.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <numeric>
#include <set>

#ifndef HERALD_MODEL_DIR
#define HERALD_MODEL_DIR "corpus/models"
#endif

namespace herald {

namespace {

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

bool is_possessive(std::string_view t) {
    return t == "'s" || t == "'S" || t == "\xE2\x80\x99s" || t == "\xE2\x80\x99S" || t == "'" ||
           t == "\xE2\x80\x99";
}

bool has_letter_or_digit(std::string_view t) {
    for (unsigned char c : t) {
        if (std::isalnum(c) || c >= 0x80) return true;
    }
    return false;
}

}  // namespace

bool is_title(std::string_view word) {
    static const std::array<std::string_view, 96> titles = {"president",
                                                            "vice-president",
                                                            "president-elect",
                                                            "gov",
                                                            "governor",
                                                            "dr",
                                                            "doctor",
                                                            "mr",
                                                            "mrs",
                                                            "ms",
                                                            "miss",
                                                            "messrs",
                                                            "sir",
                                                            "dame",
                                                            "lord",
                                                            "lady",
                                                            "minister",
                                                            "premier",
                                                            "chancellor",
                                                            "sen",
                                                            "senator",
                                                            "rep",
                                                            "representative",
                                                            "congressman",
                                                            "congresswoman",
                                                            "mp",
                                                            "mep",
                                                            "mps",
                                                            "judge",
                                                            "justice",
                                                            "king",
                                                            "queen",
                                                            "prince",
                                                            "princess",
                                                            "pope",
                                                            "rev",
                                                            "reverend",
                                                            "father",
                                                            "gen",
                                                            "general",
                                                            "col",
                                                            "colonel",
                                                            "lt",
                                                            "lieutenant",
                                                            "capt",
                                                            "captain",
                                                            "sgt",
                                                            "sergeant",
                                                            "adm",
                                                            "admiral",
                                                            "maj",
                                                            "prof",
                                                            "professor",
                                                            "secretary",
                                                            "ambassador",
                                                            "mayor",
                                                            "chairman",
                                                            "chairwoman",
                                                            "chief",
                                                            "coach",
                                                            "spokesman",
                                                            "spokeswoman",
                                                            "sheikh",
                                                            "ayatollah",
                                                            "cardinal",
                                                            "bishop",
                                                            "archbishop",
                                                            "rabbi",
                                                            "imam",
                                                            "commissioner",
                                                            "inspector",
                                                            "detective",
                                                            "sheriff",
                                                            "officer",
                                                            "attorney",
                                                            "agent",
                                                            "chair",
                                                            "ceo",
                                                            "emir",
                                                            "sultan",
                                                            "crown",
                                                            "deputy",
                                                            "state",
                                                            "sec",
                                                            "gens",
                                                            "sens",
                                                            "reps",
                                                            "speaker",
                                                            "leader",
                                                            "director",
                                                            "manager",
                                                            "pres",
                                                            "hon",
                                                            "cmdr",
                                                            "supt",
                                                            "mme"};
    std::string w = ascii_lower(word);
    if (!w.empty() && w.back() == '.') w.pop_back();
    return std::find(titles.begin(), titles.end(), w) != titles.end();
}

EntityExtractor::EntityExtractor(const std::filesystem::path& model_file)
    : model_(NerModel::load(model_file)) {}

EntityExtractor::EntityExtractor(NerModel model) : model_(std::move(model)) {}

namespace {

// "Co", "Corp.", "Inc", "Ltd", "PLC", "AG", "SA", "NV", "GmbH", … (case-insensitive).
bool is_designator(std::string_view word) {
    std::string w;
    for (char c : word) {
        if (c != '.') w += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    static const char* const kWords[] = {"co", "corp", "inc", "ltd", "plc",  "llc",
                                         "ag", "sa",   "nv",  "bv",  "gmbh", "spa"};
    for (const char* k : kWords) {
        if (w == k) return true;
    }
    return false;
}

}  // namespace

namespace {

// The mentions of the chunks of sentence @p s of a paragraph, trimmed (see EntityExtractor).
void add_mentions(std::string_view text,
                  const std::vector<Token>& tokens,
                  const Sentence& s,
                  const std::vector<Chunk>& chunks,
                  std::size_t paragraph,
                  std::vector<Mention>& out) {
    {
        for (const Chunk& c : chunks) {
            std::size_t first = s.first + c.first, last = s.first + c.last;
            // Possessives and stray punctuation at the ends.
            while (last > first && (is_possessive(tokens[last - 1].text) ||
                                    !has_letter_or_digit(tokens[last - 1].text))) {
                --last;
            }
            while (first < last && !has_letter_or_digit(tokens[first].text)) ++first;
            if (c.type == EntityType::person) {
                // Titles, and the qualifiers before a title ("Labour MP", "Foreign Minister").
                std::size_t k = first;
                while (k < last) {
                    if (is_title(tokens[k].text)) {
                        first = ++k;
                        continue;
                    }
                    std::size_t t = k;
                    while (t < last && !is_title(tokens[t].text) && t - k < 2) ++t;
                    if (t < last && t > k && t + 1 < last && is_title(tokens[t].text)) {
                        k = t;  // the qualifier run ends at a title: drop both
                        continue;
                    }
                    break;
                }
            } else {
                // "Labour MP" before a name: the organization is "Labour".
                while (last > first + 1 && is_title(tokens[last - 1].text)) --last;
            }
            if (first >= last) continue;
            // A bare company designator ("Co" of "Merrill Lynch and Co") is never an entity.
            if (last == first + 1 && is_designator(tokens[first].text)) continue;
            Mention m;
            m.type = c.type;
            m.begin = tokens[first].begin;
            m.end = tokens[last - 1].end;
            m.text = std::string(text.substr(m.begin, m.end - m.begin));
            m.canonical = m.text;
            m.paragraph = paragraph;
            out.push_back(std::move(m));
        }
    }
}

}  // namespace

std::vector<Mention> EntityExtractor::extract(std::string_view text) const {
    return extract_article({text});
}

std::vector<Mention> EntityExtractor::extract_article(
    const std::vector<std::string_view>& paragraphs) const {
    // Every sentence of every paragraph, tagged as one document.
    std::vector<std::vector<Token>> tokens(paragraphs.size());
    std::vector<std::pair<std::size_t, Sentence>> sentences;  // (paragraph, sentence)
    std::vector<std::vector<std::string_view>> words;
    for (std::size_t p = 0; p < paragraphs.size(); ++p) {
        tokens[p] = tokenize(paragraphs[p]);
        for (const Sentence& s : split_sentences(paragraphs[p], tokens[p])) {
            sentences.push_back({p, s});
            words.emplace_back();
            for (std::size_t i = s.first; i < s.last; ++i)
                words.back().push_back(tokens[p][i].text);
        }
    }
    const std::vector<std::vector<Chunk>> chunks = model_.tag_document(words);
    std::vector<Mention> out;
    for (std::size_t k = 0; k < sentences.size(); ++k) {
        const auto& [p, s] = sentences[k];
        add_mentions(paragraphs[p], tokens[p], s, chunks[k], p, out);
    }
    return out;
}

namespace {

bool is_upper_cp(unsigned ch) {
    const auto cat = Xapian::Unicode::get_category(ch);
    return cat == Xapian::Unicode::UPPERCASE_LETTER || cat == Xapian::Unicode::TITLECASE_LETTER;
}
bool is_lower_cp(unsigned ch) {
    return Xapian::Unicode::get_category(ch) == Xapian::Unicode::LOWERCASE_LETTER;
}
bool is_letter_cp(unsigned ch) {
    return is_upper_cp(ch) || is_lower_cp(ch) ||
           Xapian::Unicode::get_category(ch) == Xapian::Unicode::OTHER_LETTER;
}

// Unicode-aware: "SÃO" has no lower-case letter, "São" has both.
bool has_lower(std::string_view s) {
    for (Xapian::Utf8Iterator it(s.data(), s.size()); it != Xapian::Utf8Iterator(); ++it) {
        if (is_lower_cp(*it)) return true;
    }
    return false;
}
bool has_upper(std::string_view s) {
    for (Xapian::Utf8Iterator it(s.data(), s.size()); it != Xapian::Utf8Iterator(); ++it) {
        if (is_upper_cp(*it)) return true;
    }
    return false;
}

/// Title-cases an ALL-CAPS name word by word (Unicode letters: "SÃO PAULO" → "São Paulo"),
/// keeping initialisms (`U.S.`), words without vowels (`BBC`) and words of at most two
/// letters (`UN`).
std::string title_case(std::string_view name) {
    std::string out;
    out.reserve(name.size());
    std::size_t i = 0;
    while (i < name.size()) {
        if (name[i] == ' ') {
            out += ' ';
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < name.size() && name[j] != ' ') ++j;
        const std::string_view word = name.substr(i, j - i);
        std::size_t letters = 0;
        bool vowel = false, period = false;
        for (Xapian::Utf8Iterator it(word.data(), word.size()); it != Xapian::Utf8Iterator();
             ++it) {
            const unsigned ch = *it;
            if (is_letter_cp(ch)) {
                ++letters;
                const unsigned low = Xapian::Unicode::tolower(ch);
                vowel = vowel || low == 'a' || low == 'e' || low == 'i' || low == 'o' ||
                        low == 'u' || low == 'y' || low >= 0xC0;
            }
            period = period || ch == '.';
        }
        if (letters > 2 && vowel && !period) {
            bool start = true;
            for (Xapian::Utf8Iterator it(word.data(), word.size()); it != Xapian::Utf8Iterator();
                 ++it) {
                const unsigned ch = *it;
                const bool letter = is_letter_cp(ch);
                Xapian::Unicode::append_utf8(out,
                                             !start && letter ? Xapian::Unicode::tolower(ch) : ch);
                start = !letter && ch != '\'' && ch != 0x2019;
            }
        } else {
            out += word;
        }
        i = j;
    }
    return out;
}

/// An organization or misc name of one ALL-CAPS word of at most five letters is an acronym
/// and keeps its capitals (`OPEC`, `NATO`, `IBM`, `GATT`); people and places are title-cased.
bool is_acronym(EntityType type, std::string_view name) {
    if (type != EntityType::organization && type != EntityType::misc) return false;
    if (name.find(' ') != std::string_view::npos) return false;
    std::size_t letters = 0;
    for (Xapian::Utf8Iterator it(name.data(), name.size()); it != Xapian::Utf8Iterator(); ++it)
        letters += is_upper_cp(*it) ? 1 : 0;
    return letters > 0 && letters <= 5;
}

/// Lower-cased words of a name (tokens with letters or digits).
std::vector<std::string> name_words(std::string_view name) {
    std::vector<std::string> out;
    for (const Token& t : tokenize(name)) {
        if (has_letter_or_digit(t.text)) out.push_back(ascii_lower(t.text));
    }
    return out;
}

bool contains_run(const std::vector<std::string>& longer, const std::vector<std::string>& shorter) {
    if (shorter.empty() || shorter.size() >= longer.size()) return false;
    return std::search(longer.begin(), longer.end(), shorter.begin(), shorter.end()) !=
           longer.end();
}

}  // namespace

void canonicalize(std::vector<Mention>& mentions, const std::vector<Mention>& given) {
    // Reading order: given first, then mentions by (paragraph, begin).
    std::vector<std::size_t> order(mentions.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const Mention& x = mentions[a];
        const Mention& y = mentions[b];
        return x.paragraph != y.paragraph ? x.paragraph < y.paragraph : x.begin < y.begin;
    });
    struct Item {
        EntityType type = EntityType::misc;
        std::string text, key;  // key: lower-cased words joined by spaces
        std::vector<std::string> words;
        Mention* target = nullptr;
    };
    std::vector<Item> items;
    auto add = [&](const Mention& m, Mention* target) {
        Item it;
        it.type = m.type;
        it.text = m.text;
        it.words = name_words(m.text);
        for (const auto& w : it.words) it.key += (it.key.empty() ? "" : " ") + w;
        it.target = target;
        if (!it.words.empty()) items.push_back(std::move(it));
    };
    for (const Mention& g : given) add(g, nullptr);
    for (std::size_t k : order) add(mentions[k], &mentions[k]);

    // 1. One display form per (type, key): first mixed-case, else first lower-case, else
    // title-cased.
    std::map<std::pair<EntityType, std::string>, std::string> display;
    std::map<std::pair<EntityType, std::string>, int> rank;  // 0 mixed, 1 lower, 2 caps
    for (const Item& it : items) {
        const int r = has_lower(it.text) && has_upper(it.text) ? 0 : has_lower(it.text) ? 1 : 2;
        const auto key = std::make_pair(it.type, it.key);
        auto found = rank.find(key);
        if (found == rank.end() || r < found->second) {
            rank[key] = r;
            display[key] = r == 2 && !is_acronym(it.type, it.text) ? title_case(it.text) : it.text;
        }
    }
    // 2. A shorter mention takes the name of the longest earlier mention that contains it.
    for (std::size_t i = 0; i < items.size(); ++i) {
        Item& it = items[i];
        if (it.target == nullptr) continue;
        const Item* best = nullptr;
        for (std::size_t j = 0; j < i; ++j) {
            const Item& earlier = items[j];
            if (earlier.type != it.type || !contains_run(earlier.words, it.words)) continue;
            if (best == nullptr || earlier.words.size() > best->words.size()) best = &earlier;
        }
        if (best == nullptr && it.type != EntityType::person) {
            // "Putin" tagged as a place after "Vladimir Putin": a person's name, retyped.
            for (std::size_t j = 0; j < i; ++j) {
                const Item& earlier = items[j];
                if (earlier.type != EntityType::person || !contains_run(earlier.words, it.words))
                    continue;
                if (best == nullptr || earlier.words.size() > best->words.size()) best = &earlier;
            }
            if (best != nullptr) {
                it.type = EntityType::person;
                it.target->type = EntityType::person;
            }
        }
        const Item& source = best ? *best : it;
        it.target->canonical = display[std::make_pair(source.type, source.key)];
    }
    for (Mention& m : mentions) {
        if (name_words(m.text).empty()) m.canonical = m.text;
    }
}

std::filesystem::path default_ner_model() {
    return std::filesystem::path(HERALD_MODEL_DIR) / "ner-en.bin";
}

std::filesystem::path default_cluster_table() {
    return std::filesystem::path(HERALD_MODEL_DIR) / "clusters-en.tsv";
}

namespace {

// A name that is only a kind of body ("Bank", "Commission", "Embassy"), optionally after words
// that say which kind ("Central Bank", "Finance Ministry", "Statistics Office"): what "the Bank
// said" refers back to, not which bank. As a facet value it would merge every country's.
bool is_generic_body(std::string_view name) {
    static const std::set<std::string, std::less<>> heads = {
        "administration", "agency",  "association", "authority",  "bank",      "board",
        "bourse",         "bureau",  "cabinet",     "commission", "committee", "company",
        "corporation",    "council", "court",       "department", "embassy",   "exchange",
        "federation",     "fund",    "government",  "group",      "institute", "ministry",
        "office",         "union"};
    static const std::set<std::string, std::less<>> kinds = {
        "agriculture", "agricultural", "central",  "commerce",   "defence",  "defense",
        "economic",    "economics",    "economy",  "education",  "energy",   "environment",
        "finance",     "foreign",      "health",   "industrial", "industry", "interior",
        "justice",     "labor",        "labour",   "oil",        "planning", "statistical",
        "statistics",  "trade",        "transport"};
    const std::string lower = ascii_lower(name);
    const std::vector<std::string_view> words = split_whitespace(lower);
    if (words.empty() || !heads.count(words.back())) return false;
    for (std::size_t i = 0; i + 1 < words.size(); ++i)
        if (!kinds.count(words[i])) return false;
    return true;
}

// Degrees and single initials ("Ph.D.", "J.") are never places.
bool is_initial_or_degree(std::string_view text) {
    if (text.size() == 2 && text[1] == '.' && std::isalpha(static_cast<unsigned char>(text[0])))
        return true;
    static const std::string_view kDegrees[] = {"ph.d.",  "phd",     "m.d.",  "b.a.",  "m.a.",
                                                "m.b.a.", "mba",     "b.sc.", "m.sc.", "ll.b.",
                                                "ll.m.",  "d.phil.", "b.s.",  "m.s.",  "j.d."};
    const std::string w = ascii_lower(text);
    for (std::string_view d : kDegrees) {
        if (w == d || w + "." == d) return true;
    }
    return false;
}

// A type the alias table may move a mention to: a demonym tagged as a place is misc; an
// acronym or body tagged as a place or misc is an organization; a country tagged as an
// organization or misc is a place. People are never retyped (a surname may be a country).
bool may_retype(EntityType from, EntityType to) {
    if (from == to || from == EntityType::person || to == EntityType::person) return false;
    if (to == EntityType::misc) return from == EntityType::place;
    return true;
}

// The upper-case letters of an acronym in parentheses right after a mention ("... (SEC)"),
// or "" when none follows.
std::string acronym_after(std::string_view text, std::size_t end) {
    std::size_t i = end;
    while (i < text.size() && text[i] == ' ') ++i;
    if (i >= text.size() || text[i] != '(') return {};
    const std::size_t close = text.find(')', i);
    if (close == std::string_view::npos || close - i > 12) return {};
    const std::string_view inside = text.substr(i + 1, close - i - 1);
    std::string letters;
    for (char c : inside) {
        if (c >= 'A' && c <= 'Z')
            letters += c;
        else if (c != '.' && c != '&' && !(c >= 'a' && c <= 'z'))
            return {};
    }
    return letters.size() >= 2 ? std::string(inside) : std::string();
}

// True when @p acronym spells the initials of @p name's capitalized words (or of all its
// words): "SEC" for "Securities and Exchange Commission", "OPEC" for "Organization of
// Petroleum Exporting Countries".
bool spells_initials(std::string_view acronym, std::string_view name) {
    std::string want;
    for (char c : acronym)
        if (c >= 'A' && c <= 'Z') want += c;
    std::string capitals, all;
    for (const Token& t : tokenize(name)) {
        if (!has_letter_or_digit(t.text)) continue;
        const char c = t.text[0];
        const char up = c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
        all += up;
        if (c >= 'A' && c <= 'Z') capitals += c;
    }
    return want.size() >= 2 && (want == capitals || want == all);
}

// An organization's label without trailing corporate designators ("Texaco Inc" → "Texaco",
// "Merrill Lynch and Co" → "Merrill Lynch"), as schema::entity_key() folds them.
std::string without_designators(const std::string& name) {
    std::vector<Token> tokens = tokenize(name);
    std::size_t last = tokens.size();
    bool folded = false;
    while (last > 1) {
        std::string w;
        for (char c : tokens[last - 1].text)
            if (c != '.') w += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (w.empty() || w == ",") {  // a stray period or comma
            --last;
            continue;
        }
        if (!schema::is_designator_word(w)) break;
        --last;
        folded = true;
        if (last > 1) {
            const std::string prev = ascii_lower(tokens[last - 1].text);
            if (prev == "and" || prev == "&" || prev == ",") --last;
        }
    }
    if (!folded || last == 0) return name;
    std::string out = name.substr(0, tokens[last - 1].end);
    while (!out.empty() && (out.back() == ',' || out.back() == ' ')) out.pop_back();
    return out.empty() ? name : out;
}

}  // namespace

std::vector<std::vector<Entity>> paragraph_entities(const Article& article,
                                                    const EntityExtractor* extractor,
                                                    const AliasTable* aliases,
                                                    std::vector<AcronymDefinition>* definitions) {
    std::vector<std::vector<Entity>> out(article.paragraphs.size());
    if (out.empty()) return out;

    std::vector<Mention> mentions;
    if (extractor != nullptr) {
        const std::vector<std::string_view> paragraphs(article.paragraphs.begin(),
                                                       article.paragraphs.end());
        mentions = extractor->extract_article(paragraphs);
    }
    // Never places: degrees and initials. Types the alias table knows better.
    mentions.erase(std::remove_if(mentions.begin(), mentions.end(),
                                  [](const Mention& m) {
                                      return m.type == EntityType::place &&
                                             is_initial_or_degree(m.text);
                                  }),
                   mentions.end());
    // Amounts are never people: "N.Z. Dlrs", "H.K. Dlrs".
    mentions.erase(
        std::remove_if(mentions.begin(), mentions.end(),
                       [](const Mention& m) {
                           if (m.type != EntityType::person) return false;
                           const std::size_t space = m.text.rfind(' ');
                           const std::string last = ascii_lower(
                               space == std::string::npos ? m.text : m.text.substr(space + 1));
                           return last == "dlrs" || last == "dlr" || last == "dollars" ||
                                  last == "stg" || last == "yen" || last == "cts" || last == "pct";
                       }),
        mentions.end());
    // A leading article is no part of a name: "The Kremlin said" names the Kremlin, as
    // CoNLL-2003 annotates it (README "Hard cases"), unless the alias table lists the whole
    // name ("The Hague" in a user's file).
    for (Mention& m : mentions) {
        const std::string_view t = m.text;
        if (t.size() <= 4 || !(t.compare(0, 4, "The ") == 0 || t.compare(0, 4, "the ") == 0 ||
                               t.compare(0, 4, "THE ") == 0))
            continue;
        if (aliases != nullptr && aliases->knows(m.text)) continue;
        m.text.erase(0, 4);
        m.canonical = m.text;
        m.begin += 4;
    }
    auto retype = [&](Mention& m) {
        if (aliases == nullptr || aliases->canonical(m.type, m.text) != nullptr) return;
        if (const auto t = aliases->only_type(m.text); t && may_retype(m.type, *t)) m.type = *t;
    };
    for (Mention& m : mentions) retype(m);
    std::vector<Mention> given;
    for (const auto& e : article.entities) {
        Mention m;
        m.type = e.type;
        m.text = e.text;
        m.canonical = e.text;
        given.push_back(std::move(m));
    }
    canonicalize(mentions, given);

    // Acronyms the article defines: "the Securities and Exchange Commission (SEC)"; every
    // mention of the acronym in the article (other than a person) is the defined name.
    std::map<std::string, std::pair<EntityType, std::string>> defined;  // acronym key → name
    for (const Mention& m : mentions) {
        if (m.type == EntityType::person) continue;
        const std::string acronym = acronym_after(article.paragraphs[m.paragraph], m.end);
        if (acronym.empty() || !spells_initials(acronym, m.text)) continue;
        defined.try_emplace(schema::entity_key(acronym), m.type, m.canonical);
    }
    // Labels: designators off organizations, then the alias table's canonical names.
    auto relabel = [&](EntityType& type, std::string& name) {
        if (type != EntityType::person) {
            const auto d = defined.find(schema::entity_key(name));
            if (d != defined.end()) {
                type = d->second.first;
                name = d->second.second;
            }
        }
        if (type == EntityType::organization) name = without_designators(name);
        if (aliases != nullptr) {
            if (const std::string* c = aliases->canonical(type, name)) name = *c;
        }
    };
    for (Mention& m : mentions) relabel(m.type, m.canonical);
    // Generic bodies left unresolved by the article ("the Bank said" with no bank named
    // before) are no entity: "Bank" or "Finance Ministry" would merge every country's.
    mentions.erase(std::remove_if(mentions.begin(), mentions.end(),
                                  [](const Mention& m) {
                                      return m.type != EntityType::person &&
                                             is_generic_body(m.canonical);
                                  }),
                   mentions.end());
    if (definitions != nullptr) {
        for (const auto& [acronym, def] : defined) {
            std::string name = def.second;
            EntityType type = def.first;
            relabel(type, name);
            definitions->push_back({type, acronym, name});
        }
    }

    auto add_once = [](std::vector<Entity>& list, EntityType type, const std::string& name) {
        const std::string key = schema::entity_key(name);
        if (key.empty()) return;
        for (const auto& x : list) {
            if (x.type == type && schema::entity_key(x.text) == key) return;
        }
        list.push_back({name, type});
    };
    for (const auto& m : mentions) add_once(out[m.paragraph], m.type, m.canonical);
    if (given.empty()) return out;
    canonicalize(given);  // case-folds the given names among themselves
    for (Mention& g : given) relabel(g.type, g.canonical);

    // A given entity belongs where its name is written, or where a mention resolved to it;
    // else to the lead paragraph.
    std::vector<std::string> lowered;
    lowered.reserve(article.paragraphs.size());
    for (const auto& p : article.paragraphs) lowered.push_back(schema::entity_key(p));
    for (const auto& g : given) {
        const std::string key = schema::entity_key(g.canonical);
        if (key.empty()) continue;
        bool placed = false;
        for (std::size_t p = 0; p < lowered.size(); ++p) {
            bool here = lowered[p].find(key) != std::string::npos;
            for (const auto& e : out[p])
                here = here || (e.type == g.type && schema::entity_key(e.text) == key);
            if (here) {
                add_once(out[p], g.type, g.canonical);
                placed = true;
            }
        }
        if (!placed) add_once(out[0], g.type, g.canonical);
    }
    return out;
}

}  // namespace herald
