// Paragraph splitting of input bodies (see herald/ingest/paragraphs.hpp).
#include <herald/ingest/paragraphs.hpp>
#include <herald/text/strings.hpp>

namespace herald {

std::vector<std::string> split_paragraphs(std::string_view body, ParagraphBreak rule) {
    std::vector<std::string> paragraphs;
    std::string current;
    auto flush = [&] {
        std::string p = collapse_whitespace(current);
        if (!p.empty()) paragraphs.push_back(std::move(p));
        current.clear();
    };
    std::size_t start = 0;
    while (start <= body.size()) {
        std::size_t end = body.find('\n', start);
        if (end == std::string_view::npos) end = body.size();
        std::string_view line = body.substr(start, end - start);
        if (trim(line).empty()) {
            flush();
        } else {
            if (rule == ParagraphBreak::blank_line_or_indent && (line[0] == ' ' || line[0] == '\t'))
                flush();
            current.append(line);
            current += ' ';
        }
        start = end + 1;
    }
    flush();
    return paragraphs;
}

}  // namespace herald
