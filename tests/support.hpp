// Helpers shared by Herald's tests: per-test temporary folders and data paths.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace herald::test {

/// A fresh temporary folder, removed with everything in it when the object dies.
class TempDir {
   public:
    TempDir() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "herald-test-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

   private:
    std::filesystem::path path_;
};

/// tests/data of the source tree.
inline std::filesystem::path data_dir() {
    return HERALD_TEST_DATA_DIR;
}

/// ../shared/corpus beside the checkout (may be absent on a user's machine).
inline std::filesystem::path shared_corpus() {
    return HERALD_SHARED_CORPUS_DIR;
}

}  // namespace herald::test
