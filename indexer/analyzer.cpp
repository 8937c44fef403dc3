#include <herald/analyzer.hpp>
#include <herald/entities.hpp>
#include <herald/schema.hpp>

#include <libstemmer.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <iterator>
#include <stdexcept>

namespace herald {

namespace {

// Snowball stemming through libstemmer, with a bounded cache of stems.
class LibstemmerStem : public Xapian::StemImplementation {
   public:
    explicit LibstemmerStem(std::string language)
        : language_(std::move(language)), stemmer_(sb_stemmer_new(language_.c_str(), "UTF_8")) {
        if (stemmer_ == nullptr) {
            throw std::invalid_argument("no Snowball stemmer for language \"" + language_ + "\"");
        }
    }
    ~LibstemmerStem() override { sb_stemmer_delete(stemmer_); }
    LibstemmerStem(const LibstemmerStem&) = delete;
    LibstemmerStem& operator=(const LibstemmerStem&) = delete;

    std::string operator()(const std::string& word) override {
        // Initialisms ("u_s" from "U.S.", see normalize_for_terms) are names: never stemmed.
        if (word.find('_') != std::string::npos) return word;
        auto hit = cache_.find(word);
        if (hit != cache_.end()) return hit->second;
        const sb_symbol* out = sb_stemmer_stem(stemmer_, reinterpret_cast<const sb_symbol*>(word.data()),
                                               static_cast<int>(word.size()));
        std::string stem = out == nullptr ? word
                                          : std::string(reinterpret_cast<const char*>(out),
                                                        static_cast<std::size_t>(sb_stemmer_length(stemmer_)));
        if (cache_.size() >= kCacheLimit) cache_.clear();
        cache_.emplace(word, stem);
        return stem;
    }

    std::string get_description() const override { return "libstemmer:" + language_; }

   private:
    static constexpr std::size_t kCacheLimit = 1 << 18;
    std::string language_;
    sb_stemmer* stemmer_;
    std::unordered_map<std::string, std::string> cache_;
};

const char* const kEnglishStopWords[] = {
    "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are",
    "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but",
    "by", "can", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from",
    "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him",
    "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "me", "more",
    "most", "my", "myself", "no", "nor", "not", "of", "off", "on", "once", "only", "or", "other",
    "our", "ours", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than",
    "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "through",
    "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where",
    "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours",
    "yourself", "yourselves"};

bool is_ascii_alnum(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_ascii_letter(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
// A byte that can belong to a word: ASCII letters/digits, '_' or any non-ASCII byte.
bool is_word_byte(unsigned char c) { return is_ascii_alnum(c) || c == '_' || c >= 0x80; }

// BCP 47 tags: the primary language subtag, lower-cased ("en-US" → "en").
std::string primary_language(std::string_view language) {
    std::string code(language.substr(0, language.find_first_of("-_")));
    for (char& c : code) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return code;
}

}  // namespace

Xapian::Stem make_stemmer(std::string_view language) {
    if (language.empty() || language == "none") return Xapian::Stem();
    return Xapian::Stem(new LibstemmerStem(std::string(language)));
}

Xapian::Stem make_stemmer_or_none(std::string_view language) {
    const std::string code = primary_language(language);
    try {
        return make_stemmer(code);
    } catch (const std::invalid_argument&) {
        return Xapian::Stem();
    }
}

Xapian::Stopper* make_stopper(std::string_view language) {
    const std::string code = primary_language(language);
    if (code != "en" && code != "english" && code != "eng") return nullptr;
    return new Xapian::SimpleStopper(std::begin(kEnglishStopWords), std::end(kEnglishStopWords));
}

std::string normalize_for_terms(std::string_view in) {
    // Pass 1: unify apostrophes.
    std::string s;
    s.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        auto c = static_cast<unsigned char>(in[i]);
        if (c == 0xE2 && i + 2 < in.size() && static_cast<unsigned char>(in[i + 1]) == 0x80 &&
            (static_cast<unsigned char>(in[i + 2]) == 0x99 || static_cast<unsigned char>(in[i + 2]) == 0x98)) {
            s += '\'';
            i += 2;
        } else if (c == 0xEF && i + 2 < in.size() && static_cast<unsigned char>(in[i + 1]) == 0xB8 &&
                   (static_cast<unsigned char>(in[i + 2]) & 0xF0) == 0x80) {
            i += 2;  // variation selectors U+FE00..U+FE0F (emoji presentation) are not words
        } else if (c == 0xCA && i + 1 < in.size() && static_cast<unsigned char>(in[i + 1]) == 0xBC) {
            s += '\'';
            i += 1;
        } else if (c == 0xEF && i + 2 < in.size() && static_cast<unsigned char>(in[i + 1]) == 0xBC &&
                   static_cast<unsigned char>(in[i + 2]) == 0x87) {
            s += '\'';
            i += 2;
        } else {
            s += static_cast<char>(c);
        }
    }
    // Pass 2: possessives and initialisms.
    std::string out;
    out.reserve(s.size());
    const std::size_t n = s.size();
    auto byte = [&](std::size_t i) -> unsigned char { return i < n ? static_cast<unsigned char>(s[i]) : 0; };
    for (std::size_t i = 0; i < n;) {
        unsigned char c = byte(i);
        // Initialism: L.L(.L)*[.] at a word start, not followed by a word byte.
        if (is_ascii_letter(c) && (i == 0 || !is_word_byte(byte(i - 1))) && byte(i + 1) == '.' &&
            is_ascii_letter(byte(i + 2)) && !is_word_byte(byte(i + 3))) {
            std::size_t j = i;
            std::string letters;
            while (is_ascii_letter(byte(j)) && !is_word_byte(byte(j + 1)) &&
                   (byte(j + 1) == '.' || !letters.empty())) {
                letters += static_cast<char>(byte(j));
                if (byte(j + 1) != '.') {
                    ++j;
                    break;
                }
                j += 2;  // letter and dot
            }
            if (letters.size() >= 2) {
                for (std::size_t k = 0; k < letters.size(); ++k) {
                    if (k) out += '_';
                    out += letters[k];
                }
                i = j;
                continue;
            }
        }
        if (c == '\'' && i > 0 && is_word_byte(byte(i - 1))) {
            // "'s" possessive
            if ((byte(i + 1) == 's' || byte(i + 1) == 'S') && !is_word_byte(byte(i + 2)) && byte(i + 2) != '\'') {
                i += 2;
                continue;
            }
            // plural possessive "ministers'"
            if (!is_word_byte(byte(i + 1)) && (byte(i - 1) == 's' || byte(i - 1) == 'S')) {
                i += 1;
                continue;
            }
        }
        out += static_cast<char>(c);
        ++i;
    }
    return out;
}

std::string word_term(std::string_view word, const Xapian::Stem& stemmer) {
    std::string normalized = normalize_for_terms(word);
    std::string lower = Xapian::Unicode::tolower(normalized);
    return stemmer(lower);
}

std::vector<std::vector<Entity>> paragraph_entities(const Article& article, const EntityExtractor* extractor) {
    std::vector<std::vector<Entity>> out(article.paragraphs.size());
    if (out.empty()) return out;

    std::vector<Mention> mentions;
    if (extractor != nullptr) {
        for (std::size_t p = 0; p < article.paragraphs.size(); ++p) {
            for (auto& m : extractor->extract(article.paragraphs[p])) {
                m.paragraph = p;
                mentions.push_back(std::move(m));
            }
        }
    }
    std::vector<Mention> given;
    for (const auto& e : article.entities) {
        Mention m;
        m.type = e.type;
        m.text = e.text;
        m.canonical = e.text;
        given.push_back(std::move(m));
    }
    canonicalize(mentions, given);

    auto add_once = [](std::vector<Entity>& list, const std::string& type, const std::string& name) {
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
            for (const auto& e : out[p]) here = here || (e.type == g.type && schema::entity_key(e.text) == key);
            if (here) {
                add_once(out[p], g.type, g.canonical);
                placed = true;
            }
        }
        if (!placed) add_once(out[0], g.type, g.canonical);
    }
    return out;
}

Analyzer::Analyzer() = default;

const Xapian::Stem& Analyzer::stemmer(const std::string& language) {
    auto it = stemmers_.find(language);
    if (it == stemmers_.end()) it = stemmers_.emplace(language, make_stemmer_or_none(language)).first;
    return it->second;
}

Xapian::Document Analyzer::paragraph_document(const Article& article, std::size_t paragraph,
                                              const std::vector<Entity>& entities) {
    const std::string& text = article.paragraphs.at(paragraph);
    const auto number = static_cast<unsigned>(paragraph + 1);
    namespace d = schema::data;

    nlohmann::json data = {
        {d::kArticleId, article.id}, {d::kParagraph, number},     {d::kTitle, article.title},
        {d::kUrl, article.url},      {d::kSource, article.source}, {d::kPublished, article.published},
        {d::kLanguage, article.language}, {d::kText, text},
    };
    if (!article.tags.empty()) data[d::kTags] = article.tags;
    if (!entities.empty()) {
        auto& list = data[d::kEntities] = nlohmann::json::array();
        for (const auto& e : entities) list.push_back({{"name", e.text}, {"type", e.type}});
    }

    Xapian::Document doc;
    doc.set_data(data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));

    const Xapian::Stem& stem = stemmer(article.language);
    generator_.set_stemmer(stem);
    // Without a stemmer, STEM_ALL would index no words at all: index them as written.
    generator_.set_stemming_strategy(stem.is_none() ? Xapian::TermGenerator::STEM_NONE
                                                    : Xapian::TermGenerator::STEM_ALL);
    generator_.set_document(doc);
    if (!article.title.empty()) {
        const std::string title = normalize_for_terms(article.title);
        // Every paragraph answers `title:`; the lead paragraph also carries the headline as
        // ordinary words, so plain queries find an article by its headline without every
        // paragraph of it matching through words it does not contain.
        generator_.index_text(title, schema::kTitleWeight, std::string(schema::kTitle));
        generator_.increase_termpos();
        if (paragraph == 0) {
            generator_.index_text(title);
            generator_.increase_termpos();
        }
    }
    generator_.index_text(normalize_for_terms(text));

    doc.add_boolean_term(schema::unique_term(article.id, number));
    doc.add_boolean_term(schema::boolean_term(schema::kArticle, article.id));
    if (!article.language.empty()) doc.add_boolean_term(schema::boolean_term(schema::kLanguage, article.language));
    if (!article.source.empty()) {
        doc.add_boolean_term(schema::boolean_term(schema::kSource, Xapian::Unicode::tolower(article.source)));
    }
    std::vector<std::pair<std::string, std::string>> facets;
    for (const auto& e : entities) {
        doc.add_boolean_term(schema::entity_term(e.type, e.text));
        facets.emplace_back(schema::entity_facet(e.type), e.text);
    }
    for (const auto& [kind, values] : article.tags) {
        for (const auto& v : values) {
            doc.add_boolean_term(schema::tag_term(kind, v));
            facets.emplace_back("tag." + kind, v);
        }
    }
    if (!facets.empty()) doc.add_value(schema::kFacets, schema::encode_facets(facets));
    doc.add_value(schema::kPublished, timestamp_key(article.published));
    doc.add_value(schema::kArticleId, article.id);
    doc.add_value(schema::kParagraph, Xapian::sortable_serialise(number));
    return doc;
}

}  // namespace herald
