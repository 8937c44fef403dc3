// Helpers shared by the tagger's tests: whitespace-split tokens and chunks shown as text.
#pragma once

#include <herald/ner/model.hpp>

#include <sstream>
#include <string>
#include <vector>

namespace herald::test {

/// The whitespace-separated tokens of @p text.
inline std::vector<std::string> split(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> out;
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

/// Chunks as "type:first-last" joined by spaces.
inline std::string show(const std::vector<Chunk>& chunks) {
    std::string out;
    for (const Chunk& c : chunks) {
        if (!out.empty()) out += ' ';
        out += std::string(conll_type_name(c.type)) + ":" + std::to_string(c.first) + "-" +
               std::to_string(c.last);
    }
    return out;
}

}  // namespace herald::test
