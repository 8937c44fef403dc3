#include <herald/index_layout.hpp>

#include <xapian.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace herald {

namespace fs = std::filesystem;

namespace {

constexpr const char* kRetiredMarker = "herald-retired";

// The generation number of a folder name "gen-000007", or -1.
long generation_number(const std::string& name) {
    if (name.size() != 10 || name.compare(0, 4, "gen-") != 0) return -1;
    long n = 0;
    for (std::size_t i = 4; i < name.size(); ++i) {
        if (name[i] < '0' || name[i] > '9') return -1;
        n = n * 10 + (name[i] - '0');
    }
    return n;
}

std::string live_generation_name(const fs::path& dir) {
    std::istringstream in(stub_text(dir));
    std::string backend, name;
    in >> backend >> name;
    return name;
}

}  // namespace

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

void create_index_folder(const fs::path& dir) {
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) return;
    fs::create_directories(dir, ec);
    if (ec) throw std::runtime_error("cannot create index folder " + dir.string() + ": " + ec.message());
    const fs::path first = dir / "gen-000001";
    try {
        Xapian::WritableDatabase db(first.string(), Xapian::DB_CREATE_OR_OPEN);
        db.commit();
    } catch (const Xapian::Error& e) {
        throw std::runtime_error("cannot create index " + dir.string() + ": " + e.get_msg());
    }
    switch_generation(dir, first);
}

fs::path next_generation(const fs::path& dir) {
    long highest = 0;
    std::error_code ec;
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
        highest = std::max(highest, generation_number(it->path().filename().string()));
    }
    char name[32];  // "gen-" and up to 20 characters of a long
    std::snprintf(name, sizeof name, "gen-%06ld", highest + 1);
    return dir / name;
}

void switch_generation(const fs::path& dir, const fs::path& generation) {
    const std::string old_name = live_generation_name(dir);
    const fs::path tmp = dir / (std::string(kStubFile) + ".tmp");
    const std::string text = "auto " + generation.filename().string() + "\n";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) throw std::runtime_error("cannot write " + tmp.string());
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!written || std::rename(tmp.c_str(), (dir / kStubFile).c_str()) != 0) {
        std::error_code ec;
        fs::remove(tmp, ec);
        throw std::runtime_error("cannot switch index " + dir.string() + " to " + generation.filename().string());
    }
    if (!old_name.empty() && old_name != generation.filename().string()) {
        std::ofstream(dir / old_name / kRetiredMarker) << "retired\n";
    }
}

std::size_t remove_retired(const fs::path& dir, std::chrono::seconds grace) {
    const std::string live = live_generation_name(dir);
    std::size_t removed = 0;
    std::error_code ec;
    std::vector<fs::path> doomed;
    const auto now = fs::file_time_type::clock::now();
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.compare(0, 6, "build-") == 0) {
            doomed.push_back(it->path());
        } else if (generation_number(name) >= 0 && name != live) {
            std::error_code e2;
            const auto retired = fs::last_write_time(it->path() / kRetiredMarker, e2);
            if (!e2 && now - retired >= grace) doomed.push_back(it->path());
        }
    }
    for (const auto& p : doomed) {
        std::error_code e3;
        if (fs::remove_all(p, e3) > 0) ++removed;
    }
    return removed;
}

}  // namespace herald
