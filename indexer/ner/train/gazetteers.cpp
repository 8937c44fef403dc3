// Gazetteer name lists for the tagger (see herald/ner/train/gazetteers.hpp).
#include <herald/ner/tokenizer.hpp>
#include <herald/ner/train/gazetteers.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <ostream>
#include <stdexcept>

namespace herald {

namespace {

constexpr std::size_t kMaxTokens = 5;

void add(std::vector<GazetteerName>& out, std::string_view name, GazetteerSource source) {
    GazetteerName g;
    g.source = source;
    for (const Token& t : tokenize(name)) g.tokens.emplace_back(t.text);
    if (!g.tokens.empty() && g.tokens.size() <= kMaxTokens) out.push_back(std::move(g));
}

bool open(std::ifstream& in, const std::filesystem::path& file, std::ostream* log) {
    if (!std::filesystem::exists(file)) {
        if (log) *log << "gazetteer: " << file.string() << " is absent, skipped\n";
        return false;
    }
    in.open(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read gazetteer " + file.string());
    return true;
}

nlohmann::json read_json(const std::filesystem::path& file, std::ostream* log) {
    std::ifstream in;
    if (!open(in, file, log)) return nullptr;
    try {
        return nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error("gazetteer " + file.string() + ": " + e.what());
    }
}

void read_lines(const std::filesystem::path& file,
                GazetteerSource source,
                std::vector<GazetteerName>& out,
                std::ostream* log) {
    std::ifstream in;
    if (!open(in, file, log)) return;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line[0] == '#') continue;
        add(out, line, source);
    }
}

bool is_legal_form(std::string_view word) {
    std::string w;
    for (char c : word) {
        if (c != '.' && c != ',')
            w += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    static const char* const kForms[] = {
        "inc",          "corp",        "co",      "ltd",      "plc",     "llc",   "lp",
        "ag",           "sa",          "nv",      "se",       "spa",     "bv",    "gmbh",
        "limited",      "corporation", "company", "holdings", "holding", "group", "trust",
        "incorporated", "/de/",        "de",      "/new/",    "&",       "the"};
    for (const char* f : kForms) {
        if (w == f) return true;
    }
    return w.empty();
}

}  // namespace

std::vector<GazetteerName> read_gazetteers(const std::filesystem::path& dir, std::ostream* log) {
    std::vector<GazetteerName> out;
    {
        std::ifstream in;
        if (open(in, dir / "geonames_cities1000.tsv", log)) {
            std::string line;
            std::getline(in, line);  // header
            while (std::getline(in, line)) {
                std::vector<std::string_view> cols;
                std::size_t pos = 0;
                while (cols.size() < 6) {
                    const std::size_t tab = line.find('\t', pos);
                    cols.push_back(std::string_view(line).substr(pos, tab - pos));
                    if (tab == std::string::npos) break;
                    pos = tab + 1;
                }
                if (cols.size() < 6) continue;
                const long population = std::atol(std::string(cols[5]).c_str());
                add(out, cols[1],
                    population >= 100000 ? GazetteerSource::major_city : GazetteerSource::town);
            }
        }
    }
    for (const char* part : {"iso_3166-1.json", "iso_3166-3.json"}) {
        const auto json = read_json(dir / part, log);
        if (json.is_null()) continue;
        for (const auto& [key, list] : json.items()) {
            for (const auto& c : list) {
                for (const char* field : {"name", "common_name", "official_name"}) {
                    if (c.contains(field))
                        add(out, c[field].get<std::string>(), GazetteerSource::country);
                }
            }
        }
    }
    {
        const auto json = read_json(dir / "iso_3166-2.json", log);
        if (!json.is_null()) {
            for (const auto& [key, list] : json.items()) {
                for (const auto& c : list) {
                    if (c.contains("name"))
                        add(out, c["name"].get<std::string>(), GazetteerSource::region);
                }
            }
        }
    }
    {
        const auto json = read_json(dir / "sec_company_tickers.json", log);
        if (!json.is_null()) {
            for (const auto& [key, c] : json.items()) {
                if (!c.contains("title")) continue;
                const std::string title = c["title"].get<std::string>();
                add(out, title, GazetteerSource::company);
                // Without the legal form: "Apple Inc." → "Apple", "NVIDIA CORP" → "NVIDIA".
                std::vector<Token> tokens = tokenize(title);
                std::size_t last = tokens.size();
                while (last > 1 && is_legal_form(tokens[last - 1].text)) --last;
                if (last < tokens.size() && last > 0) {
                    add(out, std::string_view(title).substr(0, tokens[last - 1].end),
                        GazetteerSource::company);
                }
            }
        }
    }
    read_lines(dir / "cspell_companies.txt", GazetteerSource::company, out, log);
    read_lines(dir / "first_names_female_en.txt", GazetteerSource::first_name, out, log);
    read_lines(dir / "first_names_male_en.txt", GazetteerSource::first_name, out, log);
    read_lines(dir / "cspell_people_names.txt", GazetteerSource::person_name, out, log);
    return out;
}

}  // namespace herald
