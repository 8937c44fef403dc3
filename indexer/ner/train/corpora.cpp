// Labeled NER corpora: CoNLL-2003 and GMB readers (see herald/ner/train/corpora.hpp).
#include <herald/ner/train/corpora.hpp>
#include <herald/text/strings.hpp>

#include <fstream>
#include <stdexcept>
#include <string>

namespace herald {

namespace {

void flush(std::vector<LabeledSentence>& out,
           std::vector<std::string>& words,
           std::vector<std::string>& tags,
           std::size_t document) {
    if (!words.empty()) out.push_back({std::move(words), chunks_from_iob(tags), document});
    words.clear();
    tags.clear();
}

}  // namespace

std::vector<LabeledSentence> read_conll(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read CoNLL file " + file.string());
    std::vector<LabeledSentence> out;
    std::vector<std::string> words, tags;
    std::string line;
    std::size_t document = 0;
    while (std::getline(in, line)) {
        auto cols = split_whitespace(line);
        if (cols.empty() || cols[0] == "-DOCSTART-") {
            flush(out, words, tags, document);
            if (!cols.empty() && !out.empty() && out.back().document == document) ++document;
            continue;
        }
        words.emplace_back(cols[0]);
        tags.emplace_back(cols.size() > 1 ? cols.back() : std::string_view("O"));
    }
    flush(out, words, tags, document);
    return out;
}

namespace {

/// Splits one CSV line into fields (double-quoted fields may hold commas and "" quotes).
std::vector<std::string> split_csv(std::string_view line) {
    std::vector<std::string> out(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                out.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                out.back() += c;
            }
        } else if (c == '"' && out.back().empty()) {
            quoted = true;
        } else if (c == ',') {
            out.emplace_back();
        } else if (c != '\r') {
            out.back() += c;
        }
    }
    return out;
}

std::string gmb_tag(std::string_view tag) {
    if (tag.size() < 3 || tag[1] != '-') return "O";
    std::string_view kind = tag.substr(2);
    std::string type;
    if (kind == "per")
        type = "PER";
    else if (kind == "org")
        type = "ORG";
    else if (kind == "geo" || kind == "gpe")
        type = "LOC";
    else if (kind == "art" || kind == "eve" || kind == "nat")
        type = "MISC";
    else
        return "O";
    return std::string(1, tag[0]) + "-" + type;
}

}  // namespace

std::vector<LabeledSentence> read_gmb(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read GMB file " + file.string());
    std::vector<LabeledSentence> out;
    std::vector<std::string> words, tags;
    std::string line;
    while (std::getline(in, line)) {
        auto fields = split_csv(line);
        if (fields.size() < 4 || fields[0] == "Sentence #") continue;
        if (!fields[0].empty()) flush(out, words, tags, out.size());
        const std::string& tag = fields[fields.size() - 1];
        // A word holding commas arrives unquoted in some lines: rejoin the middle fields.
        std::string word = fields[1];
        for (std::size_t k = 2; k + 2 < fields.size(); ++k) word += "," + fields[k];
        words.push_back(to_valid_utf8(word));
        tags.push_back(gmb_tag(tag));
    }
    flush(out, words, tags, out.size());
    return out;
}

}  // namespace herald
