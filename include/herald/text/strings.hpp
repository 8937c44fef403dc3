// Small text utilities shared by readers, indexer, snippets and output.
// All strings are UTF-8; all sizes and offsets are in bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace herald {

/// @brief Returns @p bytes as valid UTF-8: well-formed UTF-8 sequences are kept,
///        every other byte is taken as Windows-1252/Latin-1 and re-encoded, so no
///        character is lost (Reuters' `reut2-017.sgm` has one Latin-1 byte).
///        Line ends become LF: a CRLF pair becomes one LF (Windows text keeps its line
///        and paragraph structure), a lone CR becomes LF. NUL and the other C0 control
///        characters except tab are dropped, so the result holds no CR.
/// @throws std::bad_alloc only. Thread-safe.
std::string to_valid_utf8(std::string_view bytes);

/// @brief Appends the UTF-8 encoding (1 to 4 bytes) of code point @p cp to @p out; 0, a
///        surrogate (U+D800–U+DFFF) or a value above U+10FFFF becomes U+FFFD. Thread-safe.
void append_utf8(std::string& out, std::uint32_t cp);

/// @brief Escapes `& < > " '` for HTML text and attribute context.
std::string html_escape(std::string_view text);

/// @brief Removes leading and trailing ASCII white space.
std::string_view trim(std::string_view text);

/// @brief Collapses every run of white space (ASCII space, tab, CR, LF) into one
///        space and trims the ends.
std::string collapse_whitespace(std::string_view text);

/// @brief The fields of @p line separated by spaces, tabs or CRs (CoNLL columns).
///        The views point into @p line.
std::vector<std::string_view> split_whitespace(std::string_view line);

/// @brief Length in bytes of the UTF-8 sequence that starts with @p lead
///        (1 for ASCII and for stray continuation bytes).
inline std::size_t utf8_sequence_length(unsigned char lead) {
    if (lead < 0xC0) return 1;
    if (lead < 0xE0) return 2;
    if (lead < 0xF0) return 3;
    return 4;
}

/// @brief Largest n ≤ @p max_bytes such that text.substr(0, n) ends on a UTF-8
///        character boundary.
std::size_t utf8_floor(std::string_view text, std::size_t max_bytes);

}  // namespace herald
