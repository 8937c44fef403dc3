// herald-server: the HTTP API of docs/http-api.md and the search page over one Herald index,
// on Boost.Beast (HTTP/1.1, keep-alive) with a fixed pool of search workers.
#pragma once

#include <herald/searcher/searcher.hpp>
#include <herald/server/http.hpp>
#include <herald/server/metrics.hpp>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

namespace herald::server {

/// Everything herald-server can be told; the defaults are the documented ones.
struct ServerOptions {
    std::filesystem::path index_dir;    ///< a folder written by herald-index
    std::string address = "127.0.0.1";  ///< IPv4 or IPv6 address to listen on
    unsigned short port = 8080;         ///< 0: any free port (see Server::port())
    unsigned workers = 0;               ///< search threads, one Searcher each; 0 = number of cores
    unsigned io_threads = 1;            ///< threads reading and writing sockets
    /// Searches that may wait for a worker at most, a hard cap behind the delay budget
    /// (queue_target); beyond: 503. Normal load never reaches it: it is a last line.
    std::size_t queue_limit = 1024;
    /// Queue-delay budget (CoDel-style, see QueueDelayShedder): a search that waited longer
    /// than this for a worker, while every search taken for queue_interval has waited longer
    /// too, gets 503 instead of being run. Zero: never shed by delay (only by queue_limit).
    std::chrono::milliseconds queue_target{500};
    /// How long the queue wait must stay above queue_target before searches are shed.
    std::chrono::milliseconds queue_interval{1'000};
    std::size_t header_limit = 8 * 1024;   ///< bytes of request line + headers; beyond: 413
    std::size_t body_limit = 1024 * 1024;  ///< bytes of request body (also chunked); beyond: 413
    /// Time a client has to send a whole request once its first byte arrived; then the
    /// connection is closed (defends against one-byte-every-few-seconds clients).
    std::chrono::milliseconds header_timeout{10'000};
    /// Time a keep-alive connection may stay idle between requests.
    std::chrono::milliseconds idle_timeout{60'000};
    /// Time a client has to take a response off the wire.
    std::chrono::milliseconds write_timeout{30'000};
    /// Requests of one connection read ahead (HTTP pipelining) before their responses are
    /// written; reading pauses at this many.
    std::size_t max_queued_responses = 8;
    /// Connections served at once. herald-server checks it against the open-file limit
    /// (check_connection_limit()).
    std::size_t max_connections = 10'000;
    /// Connections accepted beyond max_connections that may each send one request: /healthz
    /// and /metrics are answered, anything else gets 503 `overloaded` with Retry-After; then
    /// the connection closes. Beyond these, a connection gets that 503 at once and is closed.
    std::size_t reserve_connections = 32;
    /// After accept() fails (EMFILE, ENFILE, ENOBUFS, ...), the listener waits this long before
    /// accepting again instead of retrying at once (which spins: the pending connection stays).
    std::chrono::milliseconds accept_backoff{100};
    /// How often an idle search worker checks whether a rebuild switched the index; when it
    /// did, the worker opens the new generation and closes the retired one's files without
    /// waiting for a request. Zero: only at the next request.
    std::chrono::milliseconds index_poll{1'000};
    std::string language = "en";  ///< stemming language of queries
    /// For tests only: each search worker sleeps this long before every job, so that a test
    /// can hold a request in flight (graceful stop, overload). Zero in production.
    std::chrono::milliseconds worker_delay{0};
    /// Where the access log goes (one JSON line per request); nullptr: no access log.
    std::ostream* access_log = nullptr;
};

/// @brief Raises the soft RLIMIT_NOFILE of the process to its hard limit.
/// @return the soft limit in force afterwards (raised or not); UINT64_MAX when unlimited.
std::uint64_t raise_open_file_limit();

/// @brief Descriptors herald-server needs besides its max_connections connections: the
///        listener, the event loop, standard streams and logs, the index files each search
///        worker keeps open (through a generation switch, two generations), and
///        reserve_connections.
std::uint64_t descriptors_besides_connections(unsigned workers, std::size_t reserve_connections);

/// @brief Checks @p max_connections against @p open_file_limit.
/// @return the connections that fit: @p max_connections when it fits, else the most that do
///         (0 when none do).
std::size_t connections_that_fit(std::size_t max_connections,
                                 std::uint64_t open_file_limit,
                                 unsigned workers,
                                 std::size_t reserve_connections);

/// @brief Decides, CoDel-style, which searches taken off the queue are shed because they waited
///        too long: a standing queue (every search waiting longer than a target for a whole
///        interval) is a server that cannot keep up, while a queue that drains below the target
///        now and then is only absorbing bursts. Time is passed in, so the rule is testable.
/// @see K. Nichols, V. Jacobson, "Controlling Queue Delay", ACM Queue 10(5), 2012 (CoDel); the
///      per-request form (shed every request over the target while the queue stands) is the
///      one B. Maurer describes for RPC queues in "Fail at Scale", ACM Queue 13(8), 2015.
/// Thread-safety: none; WorkerPool calls it under its queue lock.
class QueueDelayShedder {
   public:
    using Clock = std::chrono::steady_clock;

    /// @param target queue wait a search may have without counting as late (0: never shed).
    /// @param interval how long searches must keep being late before late ones are shed.
    QueueDelayShedder(std::chrono::nanoseconds target, std::chrono::nanoseconds interval)
        : target_(target), interval_(interval) {}

    /// @brief A search queued at @p queued is taken off the queue at @p now.
    /// @return true when it must be shed (answered 503, not run): it waited at least the target
    ///         and every search taken since the first late one, at least @p interval before
    ///         @p now, was late too. A search that waited less than the target ends the late
    ///         spell.
    bool shed(Clock::time_point queued, Clock::time_point now);

    /// @brief A worker found the queue empty: there is no standing queue; the late spell ends.
    void queue_empty() { late_since_.reset(); }

   private:
    std::chrono::nanoseconds target_;
    std::chrono::nanoseconds interval_;
    std::optional<Clock::time_point> late_since_;  // first late search of the current spell
};

/// @brief A fixed pool of threads, each owning a Searcher over the same index, fed from a
///        bounded queue, shedding searches that waited too long (QueueDelayShedder). Before each
///        job a worker moves its Searcher to the newest revision (Searcher::reopen()), or opens
///        the index anew when a `herald-index --rebuild` switched generations (the new one is
///        opened before the old one is closed, so a failed open leaves the old one serving).
///        An idle worker checks every `index_poll` whether the index was switched, and moves
///        to the new generation then, so a retired generation's files are not held open.
/// Thread-safety: try_submit() and stop() may be called from any thread.
class WorkerPool {
   public:
    /// What a job is told when a worker takes it.
    struct JobStart {
        /// The worker's Searcher; nullptr when the index is unusable or the job is shed.
        Searcher* searcher = nullptr;
        const std::string& index_error;  ///< why the index is unusable; empty otherwise
        /// The job waited past the delay budget (QueueDelayShedder): answer 503, do not search.
        bool shed = false;
    };
    /// Runs on a worker thread, once.
    using Job = std::function<void(const JobStart& start)>;

    /// @brief Starts @p threads workers (at least 1) over @p index_dir.
    /// @param queue_limit jobs that may wait when every worker is busy (hard cap).
    /// @param queue_target, queue_interval the delay budget (QueueDelayShedder); a zero
    ///        target never sheds by delay.
    /// @param metrics receives index document count, revision, queue depth, queue waits and
    ///        shed jobs (may be null).
    /// @throws std::runtime_error when the index cannot be opened (checked once, up front).
    WorkerPool(std::filesystem::path index_dir,
               std::string language,
               unsigned threads,
               std::size_t queue_limit,
               Metrics* metrics,
               std::chrono::milliseconds delay = std::chrono::milliseconds{0},
               std::chrono::milliseconds queue_target = std::chrono::milliseconds{0},
               std::chrono::milliseconds queue_interval = std::chrono::milliseconds{1'000},
               std::chrono::milliseconds index_poll = std::chrono::milliseconds{1'000});
    ~WorkerPool();  ///< stop()

    /// @brief Queues @p job. @return false, leaving @p job unrun, when every worker is busy and
    ///        queue_limit jobs already wait, or the pool is stopping (the caller answers 503).
    ///        A queued job is run exactly once, with JobStart::shed set when it waited too long.
    bool try_submit(Job job);

    /// @brief Runs every queued job, then joins the threads. Idempotent.
    void stop();

    unsigned threads() const { return static_cast<unsigned>(threads_.size()); }

   private:
    void run_worker();

    std::filesystem::path index_dir_;
    std::string language_;
    std::size_t queue_limit_;
    Metrics* metrics_;
    std::chrono::milliseconds delay_;
    std::chrono::milliseconds index_poll_;
    std::size_t workers_ = 0;  // threads started
    std::size_t busy_ = 0;     // workers running a job (guarded by mutex_)
    std::mutex mutex_;
    std::condition_variable ready_;
    struct Queued {
        Job job;
        std::chrono::steady_clock::time_point queued;
    };
    std::deque<Queued> queue_;
    QueueDelayShedder shedder_;  // guarded by mutex_
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

/// @brief The HTTP server. Construct (binds and listens), then run() on one thread; stop()
///        from any thread or SIGINT/SIGTERM (when handle_signals is set) ends it gracefully:
///        the listener closes, requests already read are answered (with Connection: close),
///        idle connections close, and run() returns.
class Server {
   public:
    /// @throws std::runtime_error when the index cannot be opened or the address not bound.
    explicit Server(ServerOptions options);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// The port listened on (the chosen one when ServerOptions::port was 0).
    unsigned short port() const;

    /// @brief Takes over SIGINT and SIGTERM from now on: either, also one that arrives before
    ///        run(), makes run() stop gracefully (as stop()) instead of killing the process.
    ///        Call it before announcing readiness. Idempotent; not thread-safe.
    void handle_signals();

    /// @brief Serves until stop() or, when @p handle_signals (or after handle_signals()),
    ///        SIGINT or SIGTERM; blocks. Returns after every connection closed and every
    ///        worker finished.
    void run(bool handle_signals = false);

    /// @brief Asks run() to finish gracefully. Thread-safe; may be called before run().
    void stop();

    Metrics& metrics();

   private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace herald::server
