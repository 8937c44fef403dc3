// The one paragraph splitter of the readers: where a paragraph of an input body ends.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace herald {

/// Where a new paragraph starts, besides the start of the body.
enum class ParagraphBreak {
    /// At a blank line (a line holding only white space): JSONL `body` and plain text.
    blank_line,
    /// At a blank line or at a line that starts with a space or tab (Reuters-21578 indents
    /// each paragraph of a body).
    blank_line_or_indent,
};

/// @brief Splits @p body into paragraphs by @p rule; the lines of a paragraph are joined with
///        one space and white space is collapsed (collapse_whitespace()). Empty paragraphs are
///        dropped. Lines end at `\n`.
/// @return the paragraphs in order; empty when @p body holds no text. Thread-safe.
std::vector<std::string> split_paragraphs(std::string_view body,
                                          ParagraphBreak rule = ParagraphBreak::blank_line);

}  // namespace herald
