#include <herald/index/generations.hpp>
#include <herald/index/index_job.hpp>
#include <herald/index/writer.hpp>
#include <herald/ner/entities.hpp>
#include <herald/text/entity_resolution.hpp>
#include <herald/text/index_layout.hpp>
#include <herald/text/schema.hpp>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <functional>
#include <future>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_set>
#include <vector>

namespace herald {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

// A bounded blocking queue of articles for one shard writer.
class ArticleQueue {
   public:
    explicit ArticleQueue(std::size_t capacity) : capacity_(capacity) {}

    void push(Article&& a) {
        std::unique_lock<std::mutex> lock(mutex_);
        not_full_.wait(lock, [&] { return items_.size() < capacity_ || closed_; });
        items_.push_back(std::move(a));
        not_empty_.notify_one();
    }
    // Returns false when closed and drained.
    bool pop(Article& out) {
        std::unique_lock<std::mutex> lock(mutex_);
        not_empty_.wait(lock, [&] { return !items_.empty() || closed_; });
        if (items_.empty()) return false;
        out = std::move(items_.front());
        items_.pop_front();
        not_full_.notify_one();
        return true;
    }
    void close() {
        std::lock_guard<std::mutex> lock(mutex_);
        closed_ = true;
        not_empty_.notify_all();
        not_full_.notify_all();
    }

   private:
    std::size_t capacity_;
    std::mutex mutex_;
    std::condition_variable not_full_, not_empty_;
    std::deque<Article> items_;
    bool closed_ = false;
};

// Redraws one progress line on a terminal, at most twice a second.
class Progress {
   public:
    Progress(bool enabled, std::ostream& err, Clock::time_point t0)
        : enabled_(enabled), err_(err), t0_(t0) {}
    std::atomic<std::size_t> articles{0};
    std::atomic<std::size_t> paragraphs{0};
    std::atomic<std::size_t> skipped{0};
    std::uintmax_t total_bytes = 0;             // of all input files
    std::atomic<std::uintmax_t> done_bytes{0};  // of the files read so far

    void tick(bool final = false) {
        if (!enabled_) return;
        auto now = Clock::now();
        if (!final && now - last_ < std::chrono::milliseconds(500)) return;
        last_ = now;
        const double s = seconds_since(t0_);
        const std::size_t done = articles.load();
        // A bar over the input bytes of the files finished so far, with an estimate of the rest.
        const double fraction = final         ? 1.0
                                : total_bytes ? static_cast<double>(done_bytes.load()) / total_bytes
                                              : 0.0;
        char bar[21];
        for (int i = 0; i < 20; ++i) bar[i] = i < static_cast<int>(fraction * 20) ? '#' : '.';
        bar[20] = '\0';
        char eta[32] = "";
        if (!final && fraction > 0 && fraction < 1)
            std::snprintf(eta, sizeof eta, ", ETA %.0f s", s / fraction - s);
        char line[256];
        std::snprintf(line, sizeof line,
                      "\r\033[K[%s] %3.0f%% %zu articles, %zu paragraphs, %zu skipped, %.0f "
                      "articles/s, %.1f s%s",
                      bar, fraction * 100, done, paragraphs.load(), skipped.load(),
                      s > 0 ? static_cast<double>(done) / s : 0.0, s, eta);
        err_ << line << (final ? "\n" : "") << std::flush;
    }
    void clear_line() {
        if (enabled_) err_ << "\r\033[K";
    }

   private:
    bool enabled_;
    std::ostream& err_;
    Clock::time_point t0_;
    Clock::time_point last_{};
};

std::size_t shard_of(const std::string& id, std::size_t shards) {
    return std::hash<std::string>{}(id) % shards;
}

// Reads every input into @p sink; sums the counts.
ReadCounts read_inputs(const IndexJobOptions& options,
                       const ArticleSink& sink,
                       const ErrorSink& errors,
                       const std::function<void(std::uintmax_t)>& file_done) {
    ReadCounts totals;
    for (const auto& input : options.inputs) {
        ReadCounts c = read_path(input, options.format, sink, errors, file_done);
        totals.files += c.files;
        totals.articles += c.articles;
        totals.skipped += c.skipped;
        totals.no_body += c.no_body;
    }
    return totals;
}

void add_counts(WriteCounts& into, const WriteCounts& c) {
    into.articles_added += c.articles_added;
    into.articles_replaced += c.articles_replaced;
    into.articles_unchanged += c.articles_unchanged;
    into.articles_deleted += c.articles_deleted;
    into.paragraphs_written += c.paragraphs_written;
    into.paragraphs_deleted += c.paragraphs_deleted;
}

// A new index built by @p shards writers in parallel, each on its own thread with
// its own DocumentBuilder and its own shard databases (paragraphs, stories); articles are
// routed by a hash of their id (so a repeated id meets its earlier copy), then the shards are
// merged with Xapian's compactor into @p out_dir, paragraphs first.
WriteCounts build_sharded(const IndexJobOptions& options,
                          std::size_t shards,
                          const fs::path& work_dir,
                          const fs::path& out_dir,
                          const EntityExtractor* extractor,
                          const AliasTable* aliases,
                          const std::string& analysis,
                          Progress& progress,
                          ReadCounts& totals,
                          const ErrorSink& errors) {
    std::vector<std::unique_ptr<IndexWriter>> writers;
    std::vector<std::unique_ptr<ArticleQueue>> queues;
    for (std::size_t s = 0; s < shards; ++s) {
        const std::string n = std::to_string(s);
        writers.push_back(std::make_unique<IndexWriter>(work_dir / ("shard-" + n), true,
                                                        CommitPolicy{}, extractor, analysis,
                                                        work_dir / ("stories-" + n)));
        writers.back()->set_aliases(aliases);
        queues.push_back(std::make_unique<ArticleQueue>(256));
    }
    std::vector<std::future<void>> workers;
    for (std::size_t s = 0; s < shards; ++s) {
        workers.push_back(std::async(std::launch::async, [&, s] {
            Article a;
            try {
                while (queues[s]->pop(a)) {
                    writers[s]->add(a);
                    ++progress.articles;
                    progress.paragraphs += a.paragraphs.size();
                }
                writers[s]->commit();
            } catch (...) {
                queues[s]->close();
                throw;
            }
        }));
    }
    auto close_all = [&] {
        for (auto& q : queues) q->close();
    };
    try {
        totals = read_inputs(
            options,
            [&](Article&& a) {
                const std::size_t s = shard_of(a.id, shards);
                queues[s]->push(std::move(a));
                progress.tick();
            },
            errors, [&](std::uintmax_t bytes) { progress.done_bytes += bytes; });
    } catch (...) {
        close_all();
        for (auto& w : workers) w.wait();
        throw;
    }
    close_all();
    for (auto& w : workers) w.get();

    WriteCounts counts;
    for (auto& w : writers) add_counts(counts, w->counts());
    writers.clear();  // release the shard locks

    // Every paragraph first, then every story document: story searches then read one dense
    // docid range (IndexWriter's story_dir).
    Xapian::Database all;
    for (const char* part : {"shard-", "stories-"}) {
        for (std::size_t s = 0; s < shards; ++s)
            all.add_database(Xapian::Database((work_dir / (part + std::to_string(s))).string()));
    }
    // Names each table as the compactor starts it (test points for bench/kill9.sh).
    // Of the shards' display labels of one entity term, keeps the best (schema::better_label()),
    // so a label does not depend on which shard an article went to.
    struct Compactor : Xapian::Compactor {
        void set_status(const std::string& table, const std::string& status) override {
            if (status.empty()) test_point("compact:" + table);
        }
        std::string resolve_duplicate_metadata(const std::string& key,
                                               size_t num_tags,
                                               const std::string tags[]) override {
            if (key.rfind("display:", 0) != 0 || num_tags == 0)
                return Xapian::Compactor::resolve_duplicate_metadata(key, num_tags, tags);
            std::string best;
            for (size_t i = 0; i < num_tags; ++i) schema::keep_better_label(best, tags[i]);
            return best;
        }
    } compactor;
    try {
        all.compact(out_dir.string(), Xapian::DBCOMPACT_MULTIPASS, 0, compactor);
    } catch (const Xapian::Error& e) {
        throw IndexError("merging shards failed: " + e.get_description());
    }
    return counts;
}

// Opens @p db for writing, which takes its write lock (held while the object lives).
Xapian::WritableDatabase lock_generation(const fs::path& db) {
    try {
        return Xapian::WritableDatabase(db.string(), Xapian::DB_OPEN);
    } catch (const Xapian::Error& e) {
        throw IndexError("cannot lock the new index " + db.string() + ": " + e.get_description());
    }
}

// The alias tables as (alias term, canonical term) pairs, for the entity resolution.
std::vector<std::pair<std::string, std::string>> alias_terms(const AliasTable& aliases) {
    std::vector<std::pair<std::string, std::string>> out;
    aliases.for_each([&](EntityType type, const std::string& key, const std::string& canonical) {
        std::string from = schema::boolean_term(schema::entity_prefix(type), key);
        std::string to = schema::entity_term(type, canonical);
        if (from != to) out.emplace_back(std::move(from), std::move(to));
    });
    return out;
}

// Stores the collection's entity resolution in the freshly built index at @p dir.
void resolve_entities(const fs::path& dir, const AliasTable& aliases) {
    try {
        Xapian::WritableDatabase db(dir.string(), Xapian::DB_OPEN);
        store_entity_resolution(db, alias_terms(aliases));
        db.commit();
    } catch (const Xapian::Error& e) {
        throw IndexError("entity resolution failed: " + e.get_description());
    }
}

// Removes `<dir>.build-*` folders left by runs that were killed; call with the lock held.
void remove_stale_builds(const fs::path& dir) {
    std::error_code ec;
    const fs::path parent = dir.parent_path().empty() ? fs::path(".") : dir.parent_path();
    const std::string prefix = dir.filename().string() + ".build-";
    for (auto it = fs::directory_iterator(parent, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
        if (it->path().filename().string().rfind(prefix, 0) == 0) fs::remove_all(it->path(), ec);
    }
}

// A fresh build must have read something before it may replace an index.
void check_fresh_input(const IndexJobOptions& options,
                       const ReadCounts& totals,
                       const WriteCounts& counts) {
    if (totals.files == 0) {
        throw std::invalid_argument("no input files found (expected .jsonl, .txt or .sgm" +
                                    std::string(options.format ? " of the --format given" : "") +
                                    "); the index is unchanged");
    }
    if (options.rebuild && counts.articles_added + counts.articles_replaced == 0) {
        throw std::invalid_argument(
            "no article could be read; refusing to replace the index with an "
            "empty one (the index is unchanged)");
    }
}

// Moves the freshly built @p built into place at @p dir, replacing what is there.
void install(const fs::path& built, const fs::path& dir) {
    std::error_code ec;
    fs::path old = dir;
    old += ".old-" + std::to_string(getpid());
    if (fs::exists(dir, ec)) fs::rename(dir, old);
    fs::rename(built, dir);
    fs::remove_all(old, ec);
}

// The state of one index job, shared by its steps.
struct Job {
    Job(const IndexJobOptions& job, std::ostream& out_stream, std::ostream& err_stream)
        : t0(Clock::now()),
          options(job),
          out(out_stream),
          err(err_stream),
          progress(
              !job.quiet && &err_stream == &std::cerr && isatty(STDERR_FILENO), err_stream, t0),
          threads(job.threads ? job.threads : std::max(1u, std::thread::hardware_concurrency())) {
        options.index_dir = options.index_dir.lexically_normal();
        if (options.index_dir.filename().empty())
            options.index_dir = options.index_dir.parent_path();  // "idx/"
        errors = [this](const ReadError& e) {
            std::lock_guard<std::mutex> lock(err_mutex);
            ++progress.skipped;
            progress.clear_line();
            err << e.file;
            if (e.line) err << ':' << e.line;
            err << ": " << e.message << '\n';
        };
    }

    const Clock::time_point t0;
    IndexJobOptions options;
    std::ostream& out;
    std::ostream& err;
    Progress progress;
    const unsigned threads;
    std::mutex err_mutex;
    ErrorSink errors;
    std::unique_ptr<EntityExtractor> extractor;
    AliasTable aliases;  // shipped, then the user's
    std::string analysis;
    bool existed = false;      // the index folder existed, and was not empty, before the run
    bool created = false;      // the index folder did not exist before the run
    bool generations = false;  // the index folder has generations
    std::unique_ptr<IndexWriter> writer;
    ReadCounts totals;
    WriteCounts counts;
    Xapian::doccount final_count = 0;
};

// Whether @p name is a file Xapian's glass backend keeps in a database folder.
bool is_glass_file(const std::string& name) {
    const auto ends_with = [&](std::string_view suffix) {
        return name.size() >= suffix.size() &&
               name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    return name == "iamglass" || name == "flintlock" || ends_with(".glass") ||
           name.rfind("changes", 0) == 0;
}

// Whether @p name is what a new index holds before its stub is written (create_index_folder():
// the first generation, then the stub's temporary file) or a rebuild's work folder.
bool is_unfinished_layout(const std::string& name) {
    return generation_number(name) >= 0 || name.rfind(kBuildPrefix, 0) == 0 ||
           name == std::string(kStubFile) + ".tmp";
}

// Why @p dir must not be written as an index, or "" when it may be: it is missing, an empty
// folder, a Herald index with generations (a stub naming one; a run only ever adds or removes
// gen-* and build-* folders in it), or a plain Herald index of the older layout (a Xapian
// database with no documents or with Herald's article terms, and no files but Xapian's: a
// rebuild replaces that folder as a whole). Anything else, such as a folder of documents or
// another program's Xapian database, is never written into, moved or removed.
std::string not_an_index(const fs::path& dir) {
    std::error_code ec;
    const fs::file_status status = fs::status(dir, ec);
    if (!fs::exists(status)) return "";
    if (!fs::is_directory(status)) return "it is not a folder";
    if (fs::is_empty(dir, ec)) return "";
    if (has_generations(dir)) {
        if (!live_generation(dir).empty()) return "";
        return "its " + std::string(kStubFile) + " file names no Herald generation";
    }
    std::string other;  // the first entry that is neither a Xapian file nor Herald's
    std::size_t others = 0;
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (is_glass_file(name) || is_unfinished_layout(name)) continue;
        if (others++ == 0) other = name;
    }
    if (ec) return "it cannot be listed: " + ec.message();
    if (others > 0) {
        return "it holds files that are not an index (\"" + other + "\"" +
               (others > 1 ? " and " + std::to_string(others - 1) + " more" : std::string()) + ")";
    }
    // Only Herald's own folders, no database: a new index killed before its stub was written
    // (open_index() starts it afresh).
    if (!fs::exists(dir / "iamglass", ec)) return "";
    try {
        const Xapian::Database db(dir.string());
        const std::string article(schema::kArticle);
        if (db.get_doccount() == 0 || db.allterms_begin(article) != db.allterms_end(article))
            return "";
        return "it is a Xapian database without Herald articles";
    } catch (const Xapian::Error& e) {
        return "it is not a Xapian database (" + e.get_msg() + ")";
    }
}

// Usage errors first, before the index is touched; the input's size, for the progress bar.
std::optional<int> validate(Job& job) {
    if (job.options.inputs.empty()) {
        job.err << "herald-index: no input given\n";
        return kExitUsage;
    }
    for (const auto& input : job.options.inputs) {
        try {
            std::error_code ec;
            for (const auto& [file, format] : input_files(input, job.options.format)) {
                job.progress.total_bytes += fs::file_size(file, ec);
            }
        } catch (const std::invalid_argument& e) {  // missing input, unknown extension
            job.err << "herald-index: " << e.what() << '\n';
            return kExitUsage;
        }
    }
    const std::string why = not_an_index(job.options.index_dir);
    if (!why.empty()) {
        job.err << "herald-index: --index " << job.options.index_dir.string()
                << " is not a Herald index: " << why
                << "; refusing to write there (nothing was changed). Give a new or empty "
                   "folder, or an existing Herald index\n";
        return kExitUsage;
    }
    return std::nullopt;
}

// Version of the entity rules (canonical names, aliases) in the analysis string: a new
// version re-analyzes unchanged articles.
constexpr int kEntityRulesVersion = 2;

// Loads the alias tables and the entity model when entities are wanted, and names the
// analysis accordingly: the model and the alias tables by a hash of their content, so a
// changed file re-indexes the articles on the next incremental run.
std::optional<int> load_extractor(Job& job) {
    try {
        job.aliases.load(default_alias_table());
        if (!job.options.aliases.empty()) job.aliases.load(job.options.aliases);
    } catch (const AliasError& e) {
        job.err << "herald-index: " << e.what() << '\n';
        return kExitUsage;
    }
    job.analysis = "schema=" + std::to_string(schema::kSchemaVersion) +
                   ";entities=" + std::to_string(kEntityRulesVersion) +
                   ";aliases=" + job.aliases.content_hash() + ";ner=off";
    if (!job.options.entities) return std::nullopt;
    const fs::path model =
        job.options.ner_model.empty() ? default_ner_model() : job.options.ner_model;
    try {
        job.extractor = std::make_unique<EntityExtractor>(model);
        job.analysis.resize(job.analysis.size() - 3);
        job.analysis += file_content_hash(model);
    } catch (const std::exception& e) {
        job.err << "herald-index: cannot load the entity model: " << e.what()
                << " (give --ner-model, or --no-entities to index without extraction)\n";
        return kExitUsage;
    }
    return std::nullopt;
}

// Creates a new index folder, takes the index's lock (the writer), removes stale builds and retired
// generations.
std::optional<int> open_index(Job& job) {
    // The index's own lock is held for the whole run, also while a new index is built beside it.
    const IndexJobOptions& options = job.options;
    std::error_code exists_ec;
    job.created = !fs::exists(options.index_dir, exists_ec);
    job.existed = !job.created && !fs::is_empty(options.index_dir, exists_ec);
    if (job.existed && !has_generations(options.index_dir) &&
        !fs::exists(options.index_dir / "iamglass", exists_ec)) {
        // Herald's folders of a new index killed before its stub was written (validate() let
        // nothing else through): nothing was committed, so start afresh.
        std::vector<fs::path> leftovers;
        for (auto it = fs::directory_iterator(options.index_dir, exists_ec);
             !exists_ec && it != fs::directory_iterator(); it.increment(exists_ec)) {
            leftovers.push_back(it->path());
        }
        for (const auto& p : leftovers) fs::remove_all(p, exists_ec);
        job.existed = false;
    }
    try {
        if (!job.existed) create_index_folder(options.index_dir);  // a new index has generations
        job.writer = std::make_unique<IndexWriter>(options.index_dir, false, CommitPolicy{},
                                                   job.extractor.get(), job.analysis);
        job.writer->set_test_points("commit");
        job.writer->set_aliases(&job.aliases);
    } catch (const IndexLockedError& e) {
        job.err << "herald-index: " << e.what() << '\n';
        return kExitLocked;
    } catch (const std::exception& e) {
        job.err << "herald-index: " << e.what() << '\n';
        return kExitUsage;
    }
    remove_stale_builds(options.index_dir);
    job.generations = has_generations(options.index_dir);
    if (job.generations)
        remove_retired(options.index_dir, std::chrono::seconds(options.grace_seconds));
    return std::nullopt;
}

// On failure, what this run wrote into a new or empty folder holds nothing of value: remove
// it (a folder that existed empty stays, empty). Returns @p code.
int fail(Job& job, int code) {
    if (!job.existed) {
        job.writer.reset();
        std::error_code ec;
        if (job.created) {
            fs::remove_all(job.options.index_dir, ec);
        } else {
            std::vector<fs::path> written;
            for (auto it = fs::directory_iterator(job.options.index_dir, ec);
                 !ec && it != fs::directory_iterator(); it.increment(ec)) {
                written.push_back(it->path());
            }
            for (const auto& p : written) fs::remove_all(p, ec);
        }
    }
    return code;
}

// A new generation beside the live one: parallel shards merged by compaction, then
// the stub is switched atomically. The live index serves throughout, and stays if
// nothing could be read.
void build_generation(Job& job) {
    const IndexJobOptions& options = job.options;
    const fs::path work = options.index_dir / (kBuildPrefix + std::to_string(getpid()));
    const fs::path generation = next_generation(options.index_dir);
    struct Cleanup {
        std::vector<fs::path> paths;
        ~Cleanup() {
            std::error_code e;
            for (const auto& p : paths) fs::remove_all(p, e);
        }
    } cleanup{{work, generation}};
    job.counts = build_sharded(options, job.threads, work, generation, job.extractor.get(),
                               &job.aliases, job.analysis, job.progress, job.totals, job.errors);
    check_fresh_input(options, job.totals, job.counts);
    resolve_entities(generation, job.aliases);
    const bool old_was_empty = job.writer->document_count() == 0;
    // The write lock stays held to the end of the run: the new generation's lock is taken
    // before it goes live (a writer opening the index after the switch finds it locked), and
    // the old one's is released only after the switch (a writer that opened the index before
    // would write to a generation about to be retired).
    const Xapian::WritableDatabase new_lock = lock_generation(generation);
    switch_generation(options.index_dir, generation);
    cleanup.paths.pop_back();  // the new generation is live
    job.writer.reset();        // the old generation's lock
    job.final_count = paragraph_count(Xapian::Database(options.index_dir.string()));
    // Readers move at their next reopen; the old generation goes after the grace period.
    if (!old_was_empty && options.grace_seconds > 0) {
        job.progress.clear_line();
        test_point("rebuild:grace");
        std::this_thread::sleep_for(std::chrono::seconds(options.grace_seconds));
    }
    remove_retired(options.index_dir, old_was_empty ? std::chrono::seconds(0)
                                                    : std::chrono::seconds(options.grace_seconds));
}

// An index folder of an older layout (plain glass): build beside it, then rename.
void rebuild_plain(Job& job) {
    const IndexJobOptions& options = job.options;
    fs::path work = options.index_dir;
    work += ".build-" + std::to_string(getpid());
    std::error_code ec;
    fs::remove_all(work, ec);
    struct Cleanup {
        fs::path p;
        ~Cleanup() {
            std::error_code e;
            fs::remove_all(p, e);
        }
    } cleanup{work};
    job.counts = build_sharded(options, job.threads, work, work / "merged", job.extractor.get(),
                               &job.aliases, job.analysis, job.progress, job.totals, job.errors);
    check_fresh_input(options, job.totals, job.counts);
    resolve_entities(work / "merged", job.aliases);
    // The new index is locked before it is renamed into place, the old one until it is gone.
    const Xapian::WritableDatabase new_lock = lock_generation(work / "merged");
    install(work / "merged", options.index_dir);
    job.writer.reset();
    job.final_count = paragraph_count(Xapian::Database(options.index_dir.string()));
}

// An incremental update through the writer of the live index (with --prune, of what was not read).
void update_in_place(Job& job) {
    const IndexJobOptions& options = job.options;
    IndexWriter& writer = *job.writer;
    Progress& progress = job.progress;
    std::unordered_set<std::string> ids;  // for --prune
    job.totals = read_inputs(
        options,
        [&](Article&& a) {
            if (options.prune) ids.insert(a.id);
            writer.add(a);
            ++progress.articles;
            progress.paragraphs += a.paragraphs.size();
            progress.tick();
        },
        job.errors, [&](std::uintmax_t bytes) { progress.done_bytes += bytes; });
    if (options.prune) {
        if (job.totals.skipped > 0) {
            progress.clear_line();
            job.err << "herald-index: not pruning: " << job.totals.skipped
                    << " records could not be read, and their articles must not be lost\n";
        } else if (job.totals.files > 0) {
            writer.prune(ids);
        }
    }
    writer.commit();
    writer.resolve_entities(alias_terms(job.aliases));
    job.counts = writer.counts();
    job.final_count = writer.document_count();
    if (job.totals.files == 0) {
        throw std::invalid_argument("no input files found (expected .jsonl, .txt or .sgm" +
                                    std::string(options.format ? " of the --format given" : "") +
                                    ")");
    }
}

// Builds a new index (@p fresh) or updates the live one; on an error, reports it and fails.
std::optional<int> build_or_update(Job& job, bool fresh) {
    try {
        if (fresh && job.generations) {
            build_generation(job);
        } else if (fresh) {
            rebuild_plain(job);
        } else {
            update_in_place(job);
        }
    } catch (const IndexLockedError& e) {
        job.progress.clear_line();
        job.err << "herald-index: " << e.what() << '\n';
        return fail(job, kExitLocked);
    } catch (const std::exception& e) {
        job.progress.clear_line();
        job.err << "herald-index: " << e.what() << '\n';
        return fail(job, kExitUsage);
    } catch (const Xapian::Error& e) {
        job.progress.clear_line();
        job.err << "herald-index: " << e.get_description() << '\n';
        return fail(job, kExitUsage);
    }
    return std::nullopt;
}

// The final progress line and the summary line; returns the job's exit code.
int report(Job& job) {
    job.progress.tick(true);
    const WriteCounts& counts = job.counts;
    const ReadCounts& totals = job.totals;
    char summary[320];
    std::snprintf(summary, sizeof summary,
                  "indexed %zu articles (%zu added, %zu replaced, %zu unchanged, %zu deleted), %zu "
                  "paragraphs "
                  "written, %zu skipped, %zu without body; index holds %u paragraphs; %.2f s%s",
                  counts.articles_added + counts.articles_replaced + counts.articles_unchanged,
                  counts.articles_added, counts.articles_replaced, counts.articles_unchanged,
                  counts.articles_deleted, counts.paragraphs_written, totals.skipped,
                  totals.no_body, job.final_count, seconds_since(job.t0),
                  counts.articles_added + counts.articles_replaced + counts.articles_deleted == 0
                      ? "; nothing changed"
                      : "");
    job.out << summary << '\n';
    return totals.skipped > 0 && !job.options.skip_errors ? kExitSkipped : kExitOk;
}

}  // namespace

// Runs one index job: validate → load the entity extractor → open → build or update → report.
int run_index_job(const IndexJobOptions& options, std::ostream& out, std::ostream& err) {
    Job job(options, out, err);
    if (auto code = validate(job)) return *code;
    if (auto code = load_extractor(job)) return *code;
    if (auto code = open_index(job)) return *code;
    const bool fresh = job.options.rebuild || job.writer->document_count() == 0;
    if (auto code = build_or_update(job, fresh)) return *code;
    return report(job);
}

}  // namespace herald
