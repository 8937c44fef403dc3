// The index folder layout, reading side (see herald/text/index_layout.hpp).
#include <herald/text/index_layout.hpp>
#include <herald/text/schema.hpp>

#include <sys/stat.h>

#include <fstream>
#include <sstream>

namespace herald {

namespace fs = std::filesystem;

long generation_number(const std::string& name) {
    if (name.size() != 10 || name.compare(0, 4, kGenerationPrefix) != 0) return -1;
    long n = 0;
    for (std::size_t i = 4; i < name.size(); ++i) {
        if (name[i] < '0' || name[i] > '9') return -1;
        n = n * 10 + (name[i] - '0');
    }
    return n;
}

std::string stub_text(const fs::path& dir) {
    std::ifstream in(dir / kStubFile);
    if (!in) return {};
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool has_generations(const fs::path& dir) {
    std::error_code ec;
    return fs::is_regular_file(dir / kStubFile, ec);
}

std::string live_generation(const fs::path& dir) {
    std::istringstream in(stub_text(dir));
    std::string backend, name;
    in >> backend >> name;
    return name;
}

std::optional<IndexIdentity> index_identity(const fs::path& dir) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) return std::nullopt;
    return IndexIdentity{static_cast<std::uint64_t>(st.st_dev),
                         static_cast<std::uint64_t>(st.st_ino), stub_text(dir)};
}

Xapian::doccount paragraph_count(const Xapian::Database& db) {
    return db.get_doccount() - db.get_termfreq(std::string(schema::kStoryDocument));
}

bool has_story_documents(const Xapian::Database& db) {
    return db.term_exists(std::string(schema::kStoryDocument));
}

std::string story_word_prefix(const Xapian::Database& db) {
    const std::string prefix(schema::kStoryWord);
    return db.allterms_begin(prefix) != db.allterms_end(prefix) ? prefix : std::string();
}

}  // namespace herald
