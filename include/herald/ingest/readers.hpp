// Corpus readers: JSON Lines, plain text, Reuters-21578 SGML (docs/input-formats.md).
#pragma once

#include <herald/text/article.hpp>

#include <cstddef>
#include <filesystem>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace herald {

enum class InputFormat { jsonl, text, reuters };

/// @brief Size limits of one record (docs/input-formats.md, "Limits"). A record over one is
///        reported to the ErrorSink as its own error and skipped, before it is analysed; the
///        other records are read. They bound what one record can cost in memory: indexing takes
///        roughly 100 bytes per byte of a paragraph (entity tagging, positions), so a 20 MB
///        paragraph once took 1.78 GB.
/// Bytes of UTF-8 text in one paragraph, after white space is collapsed (64 KiB; the longest
/// paragraph of the BBC and Reuters corpora is about 3 KB).
inline constexpr std::size_t kMaxParagraphBytes = 64 * 1024;
/// Bytes of UTF-8 text in all paragraphs of one article together (1 MiB).
inline constexpr std::size_t kMaxArticleBytes = 1024 * 1024;
/// Bytes of one JSON Lines line, or of one plain-text file (8 MiB); longer ones are skipped
/// without being held in memory whole.
inline constexpr std::size_t kMaxRecordBytes = 8 * 1024 * 1024;

/// @brief Checks @p article against kMaxParagraphBytes and kMaxArticleBytes.
/// @throws std::runtime_error naming the article, the paragraph, its size and the limit.
void check_article_size(const Article& article);

/// @brief Parses a `--format` value: "jsonl", "text" or "reuters".
/// @throws std::invalid_argument naming the bad value.
InputFormat parse_input_format(std::string_view name);

/// @brief Chooses the format of @p path by its extension: `.jsonl`/`.ndjson` → jsonl,
///        `.sgm` → reuters, `.txt` → text. A folder is read file by file, each by its
///        own extension (unknown extensions are ignored).
/// @throws std::invalid_argument when a file's extension names no format.
InputFormat detect_input_format(const std::filesystem::path& path);

/// A record that could not be read. Reported, skipped and counted; never fatal.
struct ReadError {
    std::string file;
    std::size_t line = 0;  ///< 1-based line of the record's start; 0 when not known
    std::string message;
};

using ArticleSink = std::function<void(Article&&)>;
using ErrorSink = std::function<void(const ReadError&)>;

/// @brief Reads JSON Lines: one article object a line (fields in docs/input-formats.md).
///        Blank lines are ignored. `id` (string or integer) and `body` (string,
///        paragraphs split at blank lines) or `paragraphs` (array of strings) are
///        required; a record without them, with a wrong type, or with no
///        non-empty paragraph is an error. Invalid UTF-8 is repaired (to_valid_utf8).
/// @param file_name used in errors only.
/// @throws only what @p sink throws.
void read_jsonl(std::istream& in,
                const std::string& file_name,
                const ArticleSink& sink,
                const ErrorSink& errors);

/// @brief Reads one plain-text article: first non-empty line the title,
///        paragraphs split at blank lines.
/// @param id the article id (the caller derives it from the file name).
void read_text(std::istream& in,
               const std::string& id,
               const std::string& file_name,
               const ArticleSink& sink,
               const ErrorSink& errors);

/// @brief Counts of a Reuters-21578 SGML read.
struct ReutersCounts {
    std::size_t records = 0;  ///< `<REUTERS>` records seen
    std::size_t no_body = 0;  ///< records without a `<BODY>`: not articles, not errors
};

/// @brief Reads a Reuters-21578 SGML file (`reut2-NNN.sgm`). Each `<REUTERS>` record
///        with a `<BODY>` becomes one article: id = NEWID, title = TITLE, published
///        from DATE (`26-FEB-1987 15:01:01.79`, taken as UTC), source "Reuters",
///        paragraphs split where a newline is followed by indentation, SGML
///        entities decoded (`&lt;` `&gt;` `&amp;`; control entities such as `&#3;`
///        dropped), the closing `Reuter` signature dropped, Latin-1 bytes decoded,
///        and PLACES, PEOPLE, ORGS, EXCHANGES, TOPICS kept as tags. A record without
///        NEWID, with an empty one, or with an unreadable DATE is an error.
/// @return the record counts.
ReutersCounts read_reuters(std::istream& in,
                           const std::string& file_name,
                           const ArticleSink& sink,
                           const ErrorSink& errors);

/// @brief Totals of read_path().
struct ReadCounts {
    std::size_t files = 0;
    std::size_t articles = 0;  ///< articles passed to the sink
    std::size_t skipped = 0;   ///< records or files reported to the error sink
    std::size_t no_body = 0;   ///< Reuters records without a body
};

/// @brief Reads a file or (recursively, in sorted order) a folder.
/// @param format forced format, or std::nullopt to choose per file by extension
///        (in a folder, files with unknown extensions are ignored).
/// @note Plain-text ids are the file's path relative to @p path (for a folder)
///       without the extension, e.g. `business/001`, or the file's stem for a file.
/// An unreadable file is reported to @p errors and counted as skipped.
/// @throws std::invalid_argument when @p path does not exist or a single file's
///         extension names no format.
/// @param file_done called after each file with its size in bytes (for progress), may be empty.
ReadCounts read_path(const std::filesystem::path& path,
                     std::optional<InputFormat> format,
                     const ArticleSink& sink,
                     const ErrorSink& errors,
                     const std::function<void(std::uintmax_t bytes)>& file_done = {});

/// @brief The files read_path() would read for @p path, in order, with their formats.
/// @throws as read_path().
std::vector<std::pair<std::filesystem::path, InputFormat>> input_files(
    const std::filesystem::path& path, std::optional<InputFormat> format);

}  // namespace herald
