// Paragraph and story document data (see herald/text/paragraph_data.hpp).
#include <herald/text/paragraph_data.hpp>
#include <herald/text/strings.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace herald {

namespace {

// First byte of the binary layout. Schema 1 and 2 wrote JSON, which starts with '{'.
constexpr char kBinaryTag = '\x01';

// --- the binary layout -------------------------------------------------------------------

void put_varint(std::string& out, std::uint64_t v) {
    while (v >= 0x80) {
        out += static_cast<char>((v & 0x7F) | 0x80);
        v >>= 7;
    }
    out += static_cast<char>(v);
}

void put_string(std::string& out, std::string_view s) {
    const std::string valid = to_valid_utf8(s);
    put_varint(out, valid.size());
    out += valid;
}

// Reads the binary layout front to back; any read past the end or an over-long varint sets
// failed(), after which every read returns 0 or "".
class Reader {
   public:
    explicit Reader(std::string_view data) : data_(data) {}

    std::uint64_t varint() {
        std::uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos_ >= data_.size()) break;
            const auto byte = static_cast<unsigned char>(data_[pos_++]);
            v |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
            if ((byte & 0x80) == 0) return v;
        }
        failed_ = true;
        return 0;
    }

    std::string string() {
        const std::uint64_t n = varint();
        if (failed_ || n > data_.size() - pos_) {
            failed_ = true;
            return {};
        }
        std::string s(data_.substr(pos_, static_cast<std::size_t>(n)));
        pos_ += static_cast<std::size_t>(n);
        return s;
    }

    // A count of items that each take at least one byte: never more than the bytes left, so
    // a corrupt count cannot make the decoder reserve memory it will not fill.
    std::size_t count() {
        const std::uint64_t n = varint();
        if (failed_ || n > data_.size() - pos_) {
            failed_ = true;
            return 0;
        }
        return static_cast<std::size_t>(n);
    }

    // Skips @p n bytes (at most the bytes left: count() checked them).
    void skip(std::size_t n) { pos_ += std::min(n, data_.size() - pos_); }

    bool failed() const { return failed_; }
    bool at_end() const { return pos_ == data_.size(); }
    std::size_t remaining() const { return data_.size() - pos_; }

   private:
    std::string_view data_;
    std::size_t pos_ = 0;
    bool failed_ = false;
};

EntityType entity_type_of(std::uint64_t code) {
    return code < kEntityTypes ? static_cast<EntityType>(code) : EntityType::misc;
}

std::optional<ParagraphData> decode_binary(std::string_view data) {
    Reader in(data.substr(1));
    ParagraphData p;
    p.paragraph = static_cast<unsigned>(in.varint());
    p.article_id = in.string();
    p.title = in.string();
    p.url = in.string();
    p.source = in.string();
    p.published = in.string();
    p.language = in.string();
    p.text = in.string();
    for (std::size_t kinds = in.count(); kinds > 0 && !in.failed(); --kinds) {
        std::vector<std::string>& values = p.tags[in.string()];
        for (std::size_t n = in.count(); n > 0 && !in.failed(); --n) values.push_back(in.string());
    }
    for (std::size_t n = in.count(); n > 0 && !in.failed(); --n) {
        Entity e;
        e.type = entity_type_of(in.varint());
        e.text = in.string();
        p.entities.push_back(std::move(e));
    }
    if (in.failed() || !in.at_end()) return std::nullopt;
    return p;
}

// --- the JSON object of schema 1 and 2 ---------------------------------------------------

// The keys of the JSON object; indexes on disk hold them.
constexpr const char* kArticleId = "article_id";
constexpr const char* kParagraph = "paragraph";
constexpr const char* kTitle = "title";
constexpr const char* kUrl = "url";
constexpr const char* kSource = "source";
constexpr const char* kPublished = "published";
constexpr const char* kLanguage = "language";
constexpr const char* kText = "text";
constexpr const char* kTags = "tags";
constexpr const char* kEntities = "entities";
constexpr const char* kEntityName = "name";
constexpr const char* kEntityType = "type";

std::string string_at(const nlohmann::json& object, const char* key) {
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<ParagraphData> decode_json(std::string_view text) {
    const nlohmann::json data = nlohmann::json::parse(text, nullptr, false);
    if (data.is_discarded() || !data.is_object()) return std::nullopt;
    ParagraphData p;
    p.article_id = string_at(data, kArticleId);
    if (auto n = data.find(kParagraph); n != data.end() && n->is_number_unsigned()) {
        p.paragraph = n->get<unsigned>();
    }
    p.title = string_at(data, kTitle);
    p.url = string_at(data, kUrl);
    p.source = string_at(data, kSource);
    p.published = string_at(data, kPublished);
    p.language = string_at(data, kLanguage);
    p.text = string_at(data, kText);
    if (auto t = data.find(kTags); t != data.end() && t->is_object()) {
        for (const auto& [kind, values] : t->items()) {
            if (!values.is_array()) continue;
            for (const auto& v : values) {
                if (v.is_string()) p.tags[kind].push_back(v.get<std::string>());
            }
        }
    }
    if (auto e = data.find(kEntities); e != data.end() && e->is_array()) {
        for (const auto& x : *e) {
            if (!x.is_object()) continue;
            Entity entity;
            entity.text = string_at(x, kEntityName);
            entity.type = parse_entity_type(string_at(x, kEntityType)).value_or(EntityType::misc);
            p.entities.push_back(std::move(entity));
        }
    }
    return p;
}

}  // namespace

std::string encode_paragraph_data(const ParagraphData& p) {
    std::string out(1, kBinaryTag);
    out.reserve(p.text.size() + p.title.size() + 64);
    put_varint(out, p.paragraph);
    for (const std::string* s :
         {&p.article_id, &p.title, &p.url, &p.source, &p.published, &p.language, &p.text}) {
        put_string(out, *s);
    }
    put_varint(out, p.tags.size());
    for (const auto& [kind, values] : p.tags) {
        put_string(out, kind);
        put_varint(out, values.size());
        for (const auto& v : values) put_string(out, v);
    }
    put_varint(out, p.entities.size());
    for (const auto& e : p.entities) {
        put_varint(out, static_cast<std::uint64_t>(e.type));
        put_string(out, e.text);
    }
    return out;
}

std::optional<ParagraphData> decode_paragraph_data(std::string_view data) {
    if (!data.empty() && data[0] == kBinaryTag) return decode_binary(data);
    return decode_json(data);
}

std::string encode_story_record(const StoryRecord& record) {
    const std::string data = encode_paragraph_data(record.story);
    const std::size_t entity_count = record.story.entities.size();
    std::string out;
    std::size_t bytes = data.size() + 16;
    for (const auto& sp : record.paragraphs) bytes += sp.text.size() + 4;
    out.reserve(bytes);
    put_varint(out, data.size());
    out += data;
    put_varint(out, record.paragraphs.size());
    for (const auto& sp : record.paragraphs) {
        put_string(out, sp.text);
        std::vector<std::uint32_t> valid;
        for (std::uint32_t i : sp.entities) {
            if (i < entity_count) valid.push_back(i);
        }
        put_varint(out, valid.size());
        for (std::uint32_t i : valid) put_varint(out, i);
    }
    return out;
}

std::optional<StoryRecord> decode_story_record(std::string_view value) {
    if (value.empty()) return std::nullopt;
    Reader in(value);
    const std::size_t data_bytes = in.count();
    if (in.failed()) return std::nullopt;
    const std::size_t data_at = value.size() - in.remaining();
    std::optional<ParagraphData> story = decode_paragraph_data(value.substr(data_at, data_bytes));
    if (!story) return std::nullopt;
    in.skip(data_bytes);
    StoryRecord record;
    record.story = std::move(*story);
    const std::size_t entity_count = record.story.entities.size();
    for (std::size_t n = in.count(); n > 0 && !in.failed(); --n) {
        StoryParagraph sp;
        sp.text = in.string();
        for (std::size_t k = in.count(); k > 0 && !in.failed(); --k) {
            const std::uint64_t index = in.varint();
            if (index < entity_count) sp.entities.push_back(static_cast<std::uint32_t>(index));
        }
        record.paragraphs.push_back(std::move(sp));
    }
    if (in.failed() || !in.at_end()) return std::nullopt;
    return record;
}

}  // namespace herald
