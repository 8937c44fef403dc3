#include <herald/text/article.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <ctime>

namespace herald {

namespace {

bool is_leap(int y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m) {
    static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Reads exactly n digits at text[pos]; advances pos.
bool read_digits(std::string_view text, std::size_t& pos, int n, int& out) {
    if (pos + n > text.size()) return false;
    int v = 0;
    for (int i = 0; i < n; ++i) {
        char c = text[pos + i];
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    pos += n;
    out = v;
    return true;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
    if (pos < text.size() && text[pos] == c) {
        ++pos;
        return true;
    }
    return false;
}

struct Parts {
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
};

std::string format_key(const Parts& p) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d%02d%02d%02d%02d%02d", p.year, p.month, p.day, p.hour,
                  p.minute, p.second);
    return buf;
}

}  // namespace

std::string article_fingerprint(const Article& article, std::string_view analysis) {
    std::uint64_t h = 14695981039346656037ULL;
    auto mix = [&h](std::string_view s) {
        for (unsigned char c : s) {
            h ^= c;
            h *= 1099511628211ULL;
        }
        h ^= 0xFF;  // field separator: ("ab", "c") differs from ("a", "bc")
        h *= 1099511628211ULL;
    };
    mix(analysis);
    for (const std::string* f : {&article.id, &article.title, &article.published, &article.source,
                                 &article.url, &article.language}) {
        mix(*f);
    }
    mix(std::to_string(article.paragraphs.size()));
    for (const auto& p : article.paragraphs) mix(p);
    for (const auto& [kind, values] : article.tags) {
        mix(kind);
        for (const auto& v : values) mix(v);
    }
    for (const auto& e : article.entities) {
        mix(entity_type_name(e.type));
        mix(e.text);
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

std::optional<std::string> parse_timestamp(std::string_view text) {
    std::size_t pos = 0;
    Parts p;
    // ISO 8601 basic format (`20240618`, `20240618T0930Z`): eight digits, then the end or a time
    // without colons. Extended format (`2024-06-18T09:30Z`) otherwise.
    const bool basic =
        text.size() >= 8 &&
        std::all_of(text.begin(), text.begin() + 8, [](char c) { return c >= '0' && c <= '9'; }) &&
        (text.size() == 8 || text[8] == 'T' || text[8] == 't' || text[8] == ' ');
    if (!read_digits(text, pos, 4, p.year) || (!basic && !expect(text, pos, '-')) ||
        !read_digits(text, pos, 2, p.month) || (!basic && !expect(text, pos, '-')) ||
        !read_digits(text, pos, 2, p.day)) {
        return std::nullopt;
    }
    if (p.month < 1 || p.month > 12 || p.day < 1 || p.day > days_in_month(p.year, p.month)) {
        return std::nullopt;
    }
    int offset_minutes = 0;
    if (pos < text.size()) {
        if (text[pos] != 'T' && text[pos] != ' ' && text[pos] != 't') return std::nullopt;
        ++pos;
        if (!read_digits(text, pos, 2, p.hour) || (!basic && !expect(text, pos, ':')) ||
            !read_digits(text, pos, 2, p.minute)) {
            return std::nullopt;
        }
        if (basic) {
            if (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' &&
                !read_digits(text, pos, 2, p.second)) {
                return std::nullopt;
            }
        } else if (expect(text, pos, ':') && !read_digits(text, pos, 2, p.second)) {
            return std::nullopt;
        }
        if (expect(text, pos, '.')) {
            while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
        }
        if (p.hour > 23 || p.minute > 59 || p.second > 60) return std::nullopt;
        if (p.second == 60) p.second = 59;
        if (pos < text.size()) {
            char z = text[pos];
            if (z == 'Z' || z == 'z') {
                ++pos;
            } else if (z == '+' || z == '-') {
                ++pos;
                int oh = 0, om = 0;
                if (!read_digits(text, pos, 2, oh)) return std::nullopt;
                expect(text, pos, ':');
                if (pos < text.size() && !read_digits(text, pos, 2, om)) return std::nullopt;
                offset_minutes = (z == '+' ? 1 : -1) * (oh * 60 + om);
            }
        }
        if (pos != text.size()) return std::nullopt;
    }
    std::tm tm{};
    tm.tm_year = p.year - 1900;
    tm.tm_mon = p.month - 1;
    tm.tm_mday = p.day;
    tm.tm_hour = p.hour;
    tm.tm_min = p.minute;
    tm.tm_sec = p.second;
    std::time_t t = timegm(&tm) - static_cast<std::time_t>(offset_minutes) * 60;
    std::tm utc{};
    gmtime_r(&t, &utc);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
    return std::string(buf);
}

std::string timestamp_key(std::string_view canonical) {
    std::string key;
    for (char c : canonical) {
        if (c >= '0' && c <= '9') key += c;
    }
    return key.size() == 14 ? key : std::string();
}

std::optional<std::string> date_bound_key(std::string_view text, bool upper) {
    if (text.size() > 10) {
        auto ts = parse_timestamp(text);
        if (!ts) return std::nullopt;
        return timestamp_key(*ts);
    }
    std::size_t pos = 0;
    Parts p;
    if (!read_digits(text, pos, 4, p.year)) return std::nullopt;
    bool compact = text.size() == 8;
    if (pos == text.size()) {
        p.month = upper ? 12 : 1;
    } else {
        if (!compact && !expect(text, pos, '-')) return std::nullopt;
        if (!read_digits(text, pos, 2, p.month) || p.month < 1 || p.month > 12) return std::nullopt;
    }
    if (pos == text.size()) {
        p.day = upper ? days_in_month(p.year, p.month) : 1;
    } else {
        if (!compact && !expect(text, pos, '-')) return std::nullopt;
        if (!read_digits(text, pos, 2, p.day) || p.day < 1 ||
            p.day > days_in_month(p.year, p.month)) {
            return std::nullopt;
        }
    }
    if (pos != text.size()) return std::nullopt;
    if (upper) {
        p.hour = 23;
        p.minute = 59;
        p.second = 59;
    }
    return format_key(p);
}

}  // namespace herald
