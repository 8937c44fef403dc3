#include <herald/ingest/paragraphs.hpp>
#include <herald/ingest/readers.hpp>
#include <herald/text/strings.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace herald {

namespace fs = std::filesystem;

namespace {

std::string lower_ascii(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::optional<InputFormat> format_of_extension(const fs::path& path) {
    std::string ext = lower_ascii(path.extension().string());
    if (ext == ".jsonl" || ext == ".ndjson") return InputFormat::jsonl;
    if (ext == ".sgm" || ext == ".sgml") return InputFormat::reuters;
    if (ext == ".txt") return InputFormat::text;
    return std::nullopt;
}

// Reads one JSON object into an article; throws std::runtime_error with the reason.
Article article_from_json(const nlohmann::json& j) {
    if (!j.is_object()) throw std::runtime_error("record is not a JSON object");
    Article a;
    auto id = j.find("id");
    if (id == j.end() || id->is_null()) throw std::runtime_error("missing \"id\"");
    if (id->is_string()) {
        a.id = to_valid_utf8(std::string(trim(id->get<std::string>())));
    } else if (id->is_number_integer() || id->is_number_unsigned()) {
        a.id = id->dump();
    } else {
        throw std::runtime_error("\"id\" must be a string or an integer");
    }
    if (a.id.empty()) throw std::runtime_error("\"id\" is empty");

    auto text_field = [&](const char* name, std::string& out) {
        auto it = j.find(name);
        if (it == j.end() || it->is_null()) return;
        if (!it->is_string())
            throw std::runtime_error(std::string("\"") + name + "\" must be a string");
        out = collapse_whitespace(to_valid_utf8(it->get<std::string>()));
    };
    text_field("title", a.title);
    text_field("source", a.source);
    text_field("url", a.url);
    std::string language;
    text_field("language", language);
    if (!language.empty()) a.language = lower_ascii(language);

    std::string published;
    text_field("published", published);
    if (!published.empty()) {
        auto ts = parse_timestamp(published);
        if (!ts)
            throw std::runtime_error("\"published\" is not an ISO 8601 date: \"" + published +
                                     "\"");
        a.published = *ts;
    }

    auto paragraphs = j.find("paragraphs");
    auto body = j.find("body");
    if (paragraphs != j.end() && !paragraphs->is_null()) {
        if (!paragraphs->is_array())
            throw std::runtime_error("\"paragraphs\" must be an array of strings");
        for (const auto& p : *paragraphs) {
            if (!p.is_string())
                throw std::runtime_error("\"paragraphs\" must be an array of strings");
            std::string text = collapse_whitespace(to_valid_utf8(p.get<std::string>()));
            if (!text.empty()) a.paragraphs.push_back(std::move(text));
        }
    } else if (body != j.end() && !body->is_null()) {
        if (!body->is_string()) throw std::runtime_error("\"body\" must be a string");
        a.paragraphs = split_paragraphs(to_valid_utf8(body->get<std::string>()));
    } else {
        throw std::runtime_error("missing \"body\" or \"paragraphs\"");
    }
    if (a.paragraphs.empty()) throw std::runtime_error("article has no text");

    auto entities = j.find("entities");
    if (entities != j.end() && !entities->is_null()) {
        if (!entities->is_array()) throw std::runtime_error("\"entities\" must be an array");
        for (const auto& e : *entities) {
            if (!e.is_object() || !e.contains("text") || !e["text"].is_string() ||
                !e.contains("type") || !e["type"].is_string()) {
                throw std::runtime_error("each entity needs string \"text\" and \"type\"");
            }
            auto type = parse_input_entity_type(e["type"].get<std::string>());
            if (!type) {
                throw std::runtime_error("unknown entity type \"" + e["type"].get<std::string>() +
                                         "\" (person, place, organization or misc)");
            }
            std::string text = collapse_whitespace(to_valid_utf8(e["text"].get<std::string>()));
            if (!text.empty()) a.entities.push_back({std::move(text), *type});
        }
    }
    return a;
}

// ---- Reuters-21578 ----

// Decodes the SGML entities of the collection; control entities (&#N; with N < 32, &#127;) are
// dropped.
std::string decode_sgml(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '&') {
            out += s[i];
            continue;
        }
        std::size_t semi = s.find(';', i);
        if (semi == std::string_view::npos || semi - i > 8) {
            out += '&';
            continue;
        }
        std::string_view name = s.substr(i + 1, semi - i - 1);
        if (name == "lt")
            out += '<';
        else if (name == "gt")
            out += '>';
        else if (name == "amp")
            out += '&';
        else if (name == "quot")
            out += '"';
        else if (name == "apos")
            out += '\'';
        else if (name.size() > 1 && name[0] == '#' &&
                 std::all_of(name.begin() + 1, name.end(),
                             [](char c) { return c >= '0' && c <= '9'; })) {
            int code = std::stoi(std::string(name.substr(1)));
            if (code >= 32 && code < 127) out += static_cast<char>(code);
            // control characters are dropped
        } else {
            out += '&';
            continue;
        }
        i = semi;
    }
    return out;
}

// Content between <tag> and </tag> within [from, to) of s; npos-start when absent.
std::optional<std::string_view> element(std::string_view s, std::string_view tag) {
    std::string open = "<" + std::string(tag);
    std::size_t start = s.find(open);
    while (start != std::string_view::npos) {
        char next = start + open.size() < s.size() ? s[start + open.size()] : '\0';
        if (next == '>' || next == ' ') break;
        start = s.find(open, start + 1);
    }
    if (start == std::string_view::npos) return std::nullopt;
    std::size_t content = s.find('>', start);
    if (content == std::string_view::npos) return std::nullopt;
    ++content;
    std::string close = "</" + std::string(tag) + ">";
    std::size_t end = s.find(close, content);
    if (end == std::string_view::npos) return std::nullopt;
    return s.substr(content, end - content);
}

std::vector<std::string> d_items(std::string_view s) {
    std::vector<std::string> items;
    std::size_t pos = 0;
    while ((pos = s.find("<D>", pos)) != std::string_view::npos) {
        pos += 3;
        std::size_t end = s.find("</D>", pos);
        if (end == std::string_view::npos) break;
        std::string item = collapse_whitespace(decode_sgml(s.substr(pos, end - pos)));
        if (!item.empty()) items.push_back(std::move(item));
        pos = end + 4;
    }
    return items;
}

// `26-FEB-1987 15:01:01.79` → `1987-02-26T15:01:01Z`.
std::optional<std::string> reuters_date(std::string_view s) {
    static constexpr const char* kMonths[12] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
    std::string t(trim(s));
    int day = 0, year = 0, hour = 0, minute = 0, second = 0;
    char mon[4] = {0};
    int fields = std::sscanf(t.c_str(), "%d-%3[A-Za-z]-%d %d:%d:%d", &day, mon, &year, &hour,
                             &minute, &second);
    if (fields < 3) return std::nullopt;
    // A garbled time of day ("605:12:19.12" occurs once) keeps the date, at midnight.
    if (fields != 6 || hour > 23 || minute > 59 || second > 59) hour = minute = second = 0;
    int month = 0;
    for (int m = 0; m < 12; ++m) {
        if (strncasecmp(mon, kMonths[m], 3) == 0) month = m + 1;
    }
    if (month == 0) return std::nullopt;
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", year, month, day, hour, minute,
                  second);
    return parse_timestamp(buf);
}

// Paragraphs of a Reuters body: a new paragraph starts at a blank line or at a
// line that begins with indentation. The trailing "Reuter" signature is dropped.
std::vector<std::string> reuters_paragraphs(std::string_view body) {
    std::vector<std::string> paragraphs =
        split_paragraphs(body, ParagraphBreak::blank_line_or_indent);
    // Drop the "Reuter" signature: a last paragraph that is only "Reuter" (any case, maybe with
    // dots: "Reuter..."), or a final " REUTER"/" Reuter"/" reuter" glued to the last sentence with
    // no punctuation after it ("... January 31. REUTER"), also when doubled. "told Reuters." and
    // "told Reuter." are text, not signatures, and stay.
    for (bool changed = true; changed && !paragraphs.empty();) {
        changed = false;
        std::string& last = paragraphs.back();
        std::size_t end = last.size();
        while (end > 0 && (last[end - 1] == '.' || last[end - 1] == ' ')) --end;
        const std::string whole = lower_ascii(std::string_view(last).substr(0, end));
        if (whole == "reuter" || whole == "reuters") {
            paragraphs.pop_back();
            changed = true;
            continue;
        }
        for (const char* sig : {" REUTER", " Reuter", " reuter"}) {
            const std::size_t n = std::strlen(sig);
            if (last.size() > n && last.compare(last.size() - n, n, sig) == 0) {
                last = collapse_whitespace(std::string_view(last).substr(0, last.size() - n));
                changed = true;
                break;
            }
        }
    }
    return paragraphs;
}

// The id of @p a for a message: at most 80 bytes of it (never cutting a character).
std::string id_for_message(const std::string& id) {
    const std::size_t keep = utf8_floor(id, 80);
    return keep < id.size() ? id.substr(0, keep) + "…" : id;
}

// Reads one line (without its '\n') into @p line, at most @p limit bytes of it: a longer line
// is read to its end and dropped, and @p over is set. Returns false at the end of the input.
bool read_bounded_line(std::istream& in, std::string& line, std::size_t limit, bool& over) {
    line.clear();
    over = false;
    char buf[64 * 1024];
    bool any = false;
    auto keep = [&](std::size_t chars) {
        if (over) return;
        if (line.size() + chars > limit) {
            over = true;
            std::string().swap(line);
        } else {
            line.append(buf, chars);
        }
    };
    for (;;) {
        in.getline(buf, sizeof buf);
        const auto n = static_cast<std::size_t>(in.gcount());
        if (in.bad()) return any;
        if (!in.fail()) {  // up to a '\n' (counted in gcount()) or to the end of the input
            keep(in.eof() ? n : n - 1);
            return true;
        }
        if (in.eof()) return any;  // nothing more
        keep(n);                   // the buffer is full and the line goes on
        any = true;
        in.clear(in.rdstate() & ~std::ios::failbit);
    }
}

// Reads the whole of @p in into @p out, unless it is over @p limit bytes (then false, and
// @p out empty: reading stops there).
bool read_bounded(std::istream& in, std::string& out, std::size_t limit) {
    out.clear();
    char buf[64 * 1024];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        const auto n = static_cast<std::size_t>(in.gcount());
        if (out.size() + n > limit) {
            std::string().swap(out);
            return false;
        }
        out.append(buf, n);
    }
    return true;
}

std::string strip_bom(std::string s) {
    if (s.compare(0, 3, "\xEF\xBB\xBF") == 0) s.erase(0, 3);
    return s;
}

bool is_readme(const fs::path& p) {
    return lower_ascii(p.stem().string()).rfind("readme", 0) == 0;
}

}  // namespace

void check_article_size(const Article& article) {
    std::size_t total = 0;
    for (std::size_t i = 0; i < article.paragraphs.size(); ++i) {
        const std::size_t bytes = article.paragraphs[i].size();
        if (bytes > kMaxParagraphBytes) {
            throw std::runtime_error("article \"" + id_for_message(article.id) + "\": paragraph " +
                                     std::to_string(i + 1) + " is " + std::to_string(bytes) +
                                     " bytes, over the limit of " +
                                     std::to_string(kMaxParagraphBytes) + " bytes a paragraph");
        }
        total += bytes;
    }
    if (total > kMaxArticleBytes) {
        throw std::runtime_error("article \"" + id_for_message(article.id) + "\": its text is " +
                                 std::to_string(total) + " bytes, over the limit of " +
                                 std::to_string(kMaxArticleBytes) + " bytes an article");
    }
}

InputFormat parse_input_format(std::string_view name) {
    std::string n = lower_ascii(name);
    if (n == "jsonl" || n == "json" || n == "ndjson") return InputFormat::jsonl;
    if (n == "text" || n == "txt") return InputFormat::text;
    if (n == "reuters" || n == "sgml" || n == "sgm") return InputFormat::reuters;
    throw std::invalid_argument("unknown input format \"" + std::string(name) +
                                "\" (expected jsonl, text or reuters)");
}

InputFormat detect_input_format(const fs::path& path) {
    auto f = format_of_extension(path);
    if (!f) {
        throw std::invalid_argument("cannot tell the format of " + path.string() +
                                    " from its extension (.jsonl, .txt, .sgm); use --format");
    }
    return *f;
}

void read_jsonl(std::istream& in,
                const std::string& file_name,
                const ArticleSink& sink,
                const ErrorSink& errors) {
    std::string line;
    std::size_t line_no = 0;
    bool over = false;
    while (read_bounded_line(in, line, kMaxRecordBytes, over)) {
        ++line_no;
        if (over) {
            errors({file_name, line_no,
                    "record is over " + std::to_string(kMaxRecordBytes) +
                        " bytes, the limit of a JSON Lines line"});
            continue;
        }
        if (line_no == 1 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
        if (trim(line).empty()) continue;
        Article article;
        try {
            article = article_from_json(nlohmann::json::parse(to_valid_utf8(line)));
            check_article_size(article);
        } catch (const nlohmann::json::exception& e) {
            std::string what = e.what();
            // nlohmann prefixes "[json.exception.parse_error.101] "; keep the readable part.
            auto bracket = what.find("] ");
            errors({file_name, line_no,
                    "invalid JSON: " +
                        (bracket == std::string::npos ? what : what.substr(bracket + 2))});
            continue;
        } catch (const std::exception& e) {
            errors({file_name, line_no, e.what()});
            continue;
        }
        sink(std::move(article));
    }
    if (in.bad()) errors({file_name, line_no, "read error"});
}

void read_text(std::istream& in,
               const std::string& id,
               const std::string& file_name,
               const ArticleSink& sink,
               const ErrorSink& errors) {
    std::string raw;
    if (!read_bounded(in, raw, kMaxRecordBytes)) {
        errors({file_name, 0,
                "file is over " + std::to_string(kMaxRecordBytes) +
                    " bytes, the limit of a plain-text article"});
        return;
    }
    std::string content = to_valid_utf8(strip_bom(std::move(raw)));
    std::string_view rest(content);
    std::string title;
    while (!rest.empty()) {
        std::size_t nl = rest.find('\n');
        std::string_view line = rest.substr(0, nl);
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
        if (!trim(line).empty()) {
            title = collapse_whitespace(line);
            break;
        }
    }
    Article a;
    a.id = id;
    a.title = title;
    a.paragraphs = split_paragraphs(rest);
    if (a.paragraphs.empty()) {
        errors({file_name, 1, title.empty() ? "empty file" : "no paragraph after the title line"});
        return;
    }
    try {
        check_article_size(a);
    } catch (const std::exception& e) {
        errors({file_name, 0, e.what()});
        return;
    }
    sink(std::move(a));
}

ReutersCounts read_reuters(std::istream& in,
                           const std::string& file_name,
                           const ArticleSink& sink,
                           const ErrorSink& errors) {
    std::ostringstream ss;
    ss << in.rdbuf();
    const std::string content = to_valid_utf8(strip_bom(ss.str()));
    std::string_view s(content);
    ReutersCounts counts;
    std::size_t pos = 0, line = 1, line_pos = 0;
    static const char* kTagKinds[] = {"places", "people", "orgs", "exchanges", "topics"};
    while ((pos = s.find("<REUTERS", pos)) != std::string_view::npos) {
        line += static_cast<std::size_t>(std::count(s.begin() + line_pos, s.begin() + pos, '\n'));
        line_pos = pos;
        std::size_t end = s.find("</REUTERS>", pos);
        if (end == std::string_view::npos) {
            errors({file_name, line, "<REUTERS> record without </REUTERS>"});
            ++counts.records;
            break;
        }
        std::string_view record = s.substr(pos, end - pos);
        pos = end + 10;
        ++counts.records;

        std::size_t tag_end = record.find('>');
        std::string_view open_tag = record.substr(0, tag_end);
        std::size_t id_at = open_tag.find("NEWID=\"");
        if (id_at == std::string_view::npos) {
            errors({file_name, line, "<REUTERS> record without NEWID"});
            continue;
        }
        std::size_t id_end = open_tag.find('"', id_at + 7);
        // An empty or unclosed NEWID would give an empty (or the same) id: such records would
        // replace each other in the index. Each is its record's error; the others are read.
        if (id_end == std::string_view::npos) {
            errors(
                {file_name, line, "<REUTERS> record with an unterminated NEWID (no closing \")"});
            continue;
        }
        const std::string_view id = open_tag.substr(id_at + 7, id_end - id_at - 7);
        if (trim(id).empty()) {
            errors({file_name, line, "<REUTERS> record with an empty NEWID"});
            continue;
        }
        Article a;
        a.id = std::string(trim(id));
        a.source = "Reuters";
        a.language = "en";

        auto body = element(record, "BODY");
        if (!body) {
            ++counts.no_body;
            continue;
        }
        a.paragraphs = reuters_paragraphs(decode_sgml(*body));
        if (a.paragraphs.empty()) {
            ++counts.no_body;
            continue;
        }
        if (auto title = element(record, "TITLE"))
            a.title = collapse_whitespace(decode_sgml(*title));
        if (auto date = element(record, "DATE")) {
            auto ts = reuters_date(decode_sgml(*date));
            if (!ts) {
                errors(
                    {file_name, line,
                     "NEWID " + a.id + ": unreadable DATE \"" + std::string(trim(*date)) + "\""});
                continue;
            }
            a.published = *ts;
        }
        for (const char* kind : kTagKinds) {
            std::string tag = kind;
            for (char& c : tag) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            if (auto el = element(record, tag)) {
                auto items = d_items(*el);
                if (!items.empty()) a.tags[kind] = std::move(items);
            }
        }
        try {
            check_article_size(a);
        } catch (const std::exception& e) {
            errors({file_name, line, e.what()});
            continue;
        }
        sink(std::move(a));
    }
    if (counts.records == 0)
        errors({file_name, 0, "no <REUTERS> records: not a Reuters-21578 SGML file"});
    return counts;
}

std::vector<std::pair<fs::path, InputFormat>> input_files(const fs::path& path,
                                                          std::optional<InputFormat> format) {
    std::error_code ec;
    if (!fs::exists(path, ec))
        throw std::invalid_argument("no such file or folder: " + path.string());
    std::vector<std::pair<fs::path, InputFormat>> files;
    if (!fs::is_directory(path, ec)) {
        files.emplace_back(path, format ? *format : detect_input_format(path));
        return files;
    }
    std::vector<fs::path> all;
    for (auto it = fs::recursive_directory_iterator(
             path, fs::directory_options::skip_permission_denied, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) break;
        if (it->is_regular_file(ec) && !is_readme(it->path())) all.push_back(it->path());
    }
    std::sort(all.begin(), all.end());
    // A folder with SGML or JSONL files is a collection of those; its .txt files are
    // its documentation (Reuters-21578 ships README.txt and category lists beside the SGML).
    bool has_structured = std::any_of(all.begin(), all.end(), [](const fs::path& p) {
        auto f = format_of_extension(p);
        return f && *f != InputFormat::text;
    });
    for (const auto& p : all) {
        auto f = format_of_extension(p);
        if (!f) continue;
        if (format) {
            if (*f != *format) continue;
        } else if (has_structured && *f == InputFormat::text) {
            continue;
        }
        files.emplace_back(p, *f);
    }
    return files;
}

ReadCounts read_path(const fs::path& path,
                     std::optional<InputFormat> format,
                     const ArticleSink& sink,
                     const ErrorSink& errors,
                     const std::function<void(std::uintmax_t)>& file_done) {
    const auto files = input_files(path, format);
    std::error_code ec;
    const bool is_folder = fs::is_directory(path, ec);
    ReadCounts counts;
    auto counting_errors = [&](const ReadError& e) {
        ++counts.skipped;
        errors(e);
    };
    auto counting_sink = [&](Article&& a) {
        ++counts.articles;
        sink(std::move(a));
    };

    for (const auto& [file, fmt] : files) {
        ++counts.files;
        const std::string name = file.string();
        std::ifstream in(file, std::ios::binary);
        if (!in) {
            counting_errors({name, 0, std::string("cannot open file: ") + std::strerror(errno)});
            continue;
        }
        switch (fmt) {
            case InputFormat::jsonl:
                read_jsonl(in, name, counting_sink, counting_errors);
                break;
            case InputFormat::text: {
                std::string id;
                if (is_folder) {
                    fs::path rel = file.lexically_relative(path);
                    rel.replace_extension();
                    id = rel.generic_string();
                } else {
                    id = file.stem().string();
                }
                read_text(in, to_valid_utf8(id), name, counting_sink, counting_errors);
                break;
            }
            case InputFormat::reuters:
                counts.no_body += read_reuters(in, name, counting_sink, counting_errors).no_body;
                break;
        }
        if (file_done) file_done(fs::file_size(file, ec));
    }
    return counts;
}

}  // namespace herald
