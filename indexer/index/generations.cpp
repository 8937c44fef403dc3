// Creating, switching and retiring index generations (see herald/index/generations.hpp).
#include <herald/index/generations.hpp>
#include <herald/text/index_layout.hpp>

#include <xapian.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace herald {

namespace fs = std::filesystem;

void test_point(std::string_view point) {
    static const char* const pause_at = std::getenv("HERALD_TEST_PAUSE_AT");
    static const bool trace = std::getenv("HERALD_TEST_TRACE") != nullptr;
    if (!pause_at && !trace) return;
    auto say = [](const std::string& line) {
        const ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
        (void)ignored;
    };
    if (trace) say("herald-index: at " + std::string(point) + "\n");
    if (pause_at && point == pause_at) {
        say("herald-index: paused at " + std::string(point) + "\n");
        for (;;) ::pause();
    }
}

void create_index_folder(const fs::path& dir) {
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) return;
    fs::create_directories(dir, ec);
    if (ec)
        throw std::runtime_error("cannot create index folder " + dir.string() + ": " +
                                 ec.message());
    const fs::path first = dir / (std::string(kGenerationPrefix) + "000001");
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
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
        highest = std::max(highest, generation_number(it->path().filename().string()));
    }
    char name[32];  // "gen-" and up to 20 characters of a long
    std::snprintf(name, sizeof name, "%s%06ld", kGenerationPrefix, highest + 1);
    return dir / name;
}

void switch_generation(const fs::path& dir, const fs::path& generation) {
    const std::string old_name = live_generation(dir);
    const fs::path tmp = dir / (std::string(kStubFile) + ".tmp");
    const std::string text = "auto " + generation.filename().string() + "\n";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) throw std::runtime_error("cannot write " + tmp.string());
    const bool written =
        ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
        ::fsync(fd) == 0;
    ::close(fd);
    if (written) test_point("switch:written");
    if (!written || std::rename(tmp.c_str(), (dir / kStubFile).c_str()) != 0) {
        std::error_code ec;
        fs::remove(tmp, ec);
        throw std::runtime_error("cannot switch index " + dir.string() + " to " +
                                 generation.filename().string());
    }
    test_point("switch:renamed");
    if (!old_name.empty() && old_name != generation.filename().string()) {
        std::ofstream(dir / old_name / kRetiredMarker) << "retired\n";
    }
    test_point("switch:retired");
}

std::size_t remove_retired(const fs::path& dir, std::chrono::seconds grace) {
    const std::string live = live_generation(dir);
    std::size_t removed = 0;
    std::error_code ec;
    std::vector<fs::path> doomed;
    const auto now = fs::file_time_type::clock::now();
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.rfind(kBuildPrefix, 0) == 0) {
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
