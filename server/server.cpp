// herald-server's network side: listener, HTTP/1.1 sessions with keep-alive and pipelining,
// the search worker pool, graceful stop. Shaped like Beast's advanced server example: the
// sessions only move bytes; handle_request() (handlers.cpp) decides every answer.
#include <herald/server/server.hpp>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <sys/resource.h>

#include <atomic>
#include <cmath>
#include <csignal>
#include <ctime>
#include <iostream>
#include <limits>
#include <list>
#include <optional>

namespace herald::server {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

// --- descriptor limit -------------------------------------------------------------------

std::uint64_t raise_open_file_limit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
    if (limit.rlim_cur != limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
    }
    if (limit.rlim_cur == RLIM_INFINITY) return std::numeric_limits<std::uint64_t>::max();
    return static_cast<std::uint64_t>(limit.rlim_cur);
}

std::uint64_t descriptors_besides_connections(unsigned workers, std::size_t reserve_connections) {
    // Standard streams, listener, epoll, eventfd, timers, signal pipe and a margin; a glass
    // database holds about 8 files open, and a worker may hold two generations at a switch.
    constexpr std::uint64_t kProcess = 32;
    constexpr std::uint64_t kPerWorker = 2 * 12;
    return kProcess + kPerWorker * std::max(1u, workers) + reserve_connections;
}

std::size_t connections_that_fit(std::size_t max_connections,
                                 std::uint64_t open_file_limit,
                                 unsigned workers,
                                 std::size_t reserve_connections) {
    const std::uint64_t besides = descriptors_besides_connections(workers, reserve_connections);
    if (open_file_limit <= besides) return 0;
    const std::uint64_t room = open_file_limit - besides;
    return room >= max_connections ? max_connections : static_cast<std::size_t>(room);
}

// --- queue-delay budget -----------------------------------------------------------------

bool QueueDelayShedder::shed(Clock::time_point queued, Clock::time_point now) {
    if (target_.count() <= 0) return false;
    if (now - queued < target_) {
        late_since_.reset();  // the queue drained below the target: it was a burst
        return false;
    }
    if (!late_since_) {
        late_since_ = now;
        return false;
    }
    return now - *late_since_ >= interval_;
}

// --- worker pool ------------------------------------------------------------------------

WorkerPool::WorkerPool(std::filesystem::path index_dir,
                       std::string language,
                       unsigned threads,
                       std::size_t queue_limit,
                       Metrics* metrics,
                       std::chrono::milliseconds delay,
                       std::chrono::milliseconds queue_target,
                       std::chrono::milliseconds queue_interval,
                       std::chrono::milliseconds index_poll)
    : index_dir_(std::move(index_dir)),
      language_(std::move(language)),
      queue_limit_(queue_limit),
      metrics_(metrics),
      delay_(delay),
      index_poll_(index_poll),
      shedder_(queue_target, queue_interval) {
    {
        Searcher probe(index_dir_, language_);  // fail early, in the caller's thread
        if (metrics_) {
            metrics_->set_index(paragraph_count(probe.database()), probe.database().get_revision());
        }
    }
    workers_ = std::max(1u, threads);
    for (unsigned i = 0; i < workers_; ++i) threads_.emplace_back([this] { run_worker(); });
}

WorkerPool::~WorkerPool() {
    stop();
}

bool WorkerPool::try_submit(Job job) {
    std::size_t depth;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_) return false;
        // Room: a job for each worker not running one (also one not yet waiting, just after
        // start-up), plus queue_limit.
        if (queue_.size() >= (workers_ - busy_) + queue_limit_) {
            if (metrics_) metrics_->shed(Metrics::ShedReason::queue_full);
            return false;
        }
        queue_.push_back({std::move(job), Clock::now()});
        depth = queue_.size();
    }
    if (metrics_) metrics_->set_queue_depth(depth);
    ready_.notify_one();
    return true;
}

void WorkerPool::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    ready_.notify_all();
    for (auto& t : threads_) {
        if (t.joinable()) t.join();
    }
}

void WorkerPool::run_worker() {
    std::unique_ptr<Searcher> searcher;
    std::string error;
    std::string logged;  // the last cause written to stderr, so a lasting fault logs once

    // Moves the Searcher to the newest revision, or opens the index anew after a swap.
    auto refresh = [&] {
        // Searcher::reopen() follows commits and rebuilds alike (index_identity()).
        bool swapped = !searcher;
        if (!swapped) {
            try {
                searcher->reopen();
            } catch (const std::exception&) {
                swapped = true;
            }
        }
        if (swapped) {
            try {
                // The new one first: if it cannot be opened, the old one keeps serving.
                auto fresh = std::make_unique<Searcher>(index_dir_, language_);
                searcher = std::move(fresh);
                error.clear();
            } catch (const std::exception& e) {
                // Keep serving the old revision if there is one (its files stay open).
                if (!searcher) error = e.what();
                // Clients get a fixed message (classify_error); the cause goes to the log.
                if (logged != e.what()) {
                    logged = e.what();
                    std::cerr << "herald-server: cannot open the index: " << logged << std::endl;
                }
            }
        }
        if (searcher && metrics_) {
            try {
                const auto& db = searcher->database();
                metrics_->set_index(paragraph_count(db), db.get_revision());
            } catch (const Xapian::Error&) {
            }
        }
    };

    bool took_job = false;  // this worker counts in busy_
    for (;;) {
        Job job;
        std::size_t depth;
        bool shed;
        double waited;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            if (took_job) --busy_;
            took_job = false;
            if (queue_.empty()) shedder_.queue_empty();
            const auto has_work = [&] { return stopping_ || !queue_.empty(); };
            while (!has_work()) {
                if (index_poll_.count() <= 0) {
                    ready_.wait(lock, has_work);
                } else if (!ready_.wait_for(lock, index_poll_, has_work) && searcher &&
                           searcher->switched()) {
                    // Idle after a rebuild: move to the new generation now, closing the
                    // retired one's files (it is removed after the grace period).
                    lock.unlock();
                    refresh();
                    lock.lock();
                }
            }
            if (queue_.empty()) return;  // stopping, and every queued job is done
            ++busy_;
            took_job = true;
            const auto now = Clock::now();
            job = std::move(queue_.front().job);
            shed = shedder_.shed(queue_.front().queued, now);
            waited = std::chrono::duration<double>(now - queue_.front().queued).count();
            queue_.pop_front();
            depth = queue_.size();
        }
        if (metrics_) {
            metrics_->set_queue_depth(depth);
            metrics_->queue_waited(waited);
            if (shed) metrics_->shed(Metrics::ShedReason::queue_delay);
        }
        if (shed) {
            job(JobStart{nullptr, error, true});
            continue;
        }
        if (delay_.count() > 0) std::this_thread::sleep_for(delay_);
        refresh();
        job(JobStart{searcher.get(), error, false});
    }
}

// --- sessions ---------------------------------------------------------------------------

namespace {

struct Shared;

class Session : public std::enable_shared_from_this<Session> {
   public:
    /// @param overflow accepted beyond max_connections: one request, and only /healthz and
    ///        /metrics are served (ServerOptions::reserve_connections).
    Session(tcp::socket&& socket, Shared& shared, bool overflow = false);
    ~Session();
    void start() {
        net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_next(); });
    }
    // Graceful stop: answer what was read, read nothing more, close.
    void stop() {
        net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
            self->stopping_ = true;
            self->read_closed_ = true;
            if (self->queue_.empty() && !self->writing_) self->close();
        });
    }

   private:
    struct Slot {
        std::optional<Response> response;
    };

    void read_next();
    void on_first_bytes(beast::error_code ec, std::size_t n);
    void read_request();
    void on_read(beast::error_code ec, std::size_t n);
    void dispatch_request(std::shared_ptr<Request> req);
    void complete(const std::shared_ptr<Slot>& slot,
                  Response res,
                  std::string_view route,
                  const std::string& method,
                  const std::string& path,
                  Clock::time_point start);
    void write_next();
    void on_write(beast::error_code ec, std::size_t n);
    // A connection over the limit has at most a second for its one request, so idle clients
    // cannot hold the reserve kept for health checks.
    std::chrono::milliseconds overflow_timeout() const;
    void close();

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::deque<std::shared_ptr<Slot>> queue_;  // responses in request order
    Shared& shared_;
    bool reading_ = false, writing_ = false, read_closed_ = false, stopping_ = false,
         closed_ = false;
    bool overflow_;
};

struct Shared {
    ServerOptions options;
    Metrics metrics;
    std::unique_ptr<WorkerPool> pool;
    net::io_context ioc;
    std::mutex log_mutex;
    std::mutex sessions_mutex;
    std::list<std::weak_ptr<Session>> sessions;
    std::atomic<std::size_t> connections{0};
    std::atomic<std::size_t> overflow_connections{0};  // beyond max_connections
    std::atomic<bool> stopping{false};

    explicit Shared(ServerOptions o)
        : options(std::move(o)), ioc(static_cast<int>(std::max(1u, options.io_threads))) {}

    void log(std::string_view route,
             const std::string& method,
             const std::string& path,
             unsigned status,
             double ms,
             std::size_t bytes) {
        if (options.access_log == nullptr) return;
        auto now = std::chrono::system_clock::now();
        std::time_t t = std::chrono::system_clock::to_time_t(now);
        auto millis =
            std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
            1000;
        std::tm tm{};
        gmtime_r(&t, &tm);
        char stamp[64];
        std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                      tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                      static_cast<int>(millis));
        nlohmann::json line{{"time", stamp},    {"method", method},
                            {"path", path},     {"route", route},
                            {"status", status}, {"ms", std::round(ms * 1000) / 1000},
                            {"bytes", bytes}};
        std::string text =
            line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
        std::lock_guard<std::mutex> lock(log_mutex);
        *options.access_log << text << std::flush;
    }
};

Session::Session(tcp::socket&& socket, Shared& shared, bool overflow)
    : stream_(std::move(socket)), shared_(shared), overflow_(overflow) {
    ++(overflow_ ? shared_.overflow_connections : shared_.connections);
}

std::chrono::milliseconds Session::overflow_timeout() const {
    return std::min(shared_.options.header_timeout, std::chrono::milliseconds{1000});
}

Session::~Session() {
    --(overflow_ ? shared_.overflow_connections : shared_.connections);
}

void Session::close() {
    if (closed_) return;
    closed_ = true;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.close();
}

void Session::read_next() {
    if (reading_ || read_closed_ || closed_ ||
        queue_.size() >= shared_.options.max_queued_responses) {
        return;
    }
    reading_ = true;
    if (buffer_.size() > 0) {  // a pipelined request is already here
        read_request();
        return;
    }
    // Idle between requests: wait for the first byte of the next one (a connection over the
    // limit gets no more time than a request has).
    stream_.expires_after(overflow_ ? overflow_timeout() : shared_.options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                                self->on_first_bytes(ec, n);
                            });
}

void Session::on_first_bytes(beast::error_code ec, std::size_t n) {
    buffer_.commit(n);
    if (ec) {
        on_read(ec, 0);
        return;
    }
    read_request();
}

void Session::read_request() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(shared_.options.header_limit));
    parser_->body_limit(shared_.options.body_limit);
    // The whole request must arrive within the header timeout of its first byte.
    stream_.expires_after(overflow_ ? overflow_timeout() : shared_.options.header_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t n) { self->on_read(ec, n); });
}

void Session::on_read(beast::error_code ec, std::size_t) {
    reading_ = false;
    if (closed_) return;
    if (ec == http::error::header_limit || ec == http::error::body_limit ||
        ec == http::error::buffer_overflow) {
        // Answer 413 and close: the rest of the request is never read.
        read_closed_ = true;
        Request req;
        req.version(11);
        req.method(http::verb::get);
        bool header = ec == http::error::header_limit || ec == http::error::buffer_overflow;
        std::string message = header ? "request header larger than " +
                                           std::to_string(shared_.options.header_limit) + " bytes"
                                     : "request body larger than " +
                                           std::to_string(shared_.options.body_limit) + " bytes";
        shared_.metrics.request_started();
        auto slot = std::make_shared<Slot>();
        queue_.push_back(slot);
        complete(slot,
                 error_response(classify_error(std::make_exception_ptr(TooLarge(message))), req),
                 "none", "", "", Clock::now());
        return;
    }
    if (ec) {
        // End of stream, timeout (a slow client), reset, or a malformed request: stop reading;
        // answers already queued still go out (a malformed request gets a 400 first).
        read_closed_ = true;
        bool malformed =
            ec.category() == http::make_error_code(http::error::end_of_stream).category() &&
            ec != http::error::end_of_stream && ec != http::error::partial_message;
        if (malformed) {
            Request req;
            req.version(11);
            shared_.metrics.request_started();
            auto slot = std::make_shared<Slot>();
            queue_.push_back(slot);
            auto res = error_response(classify_error(std::make_exception_ptr(std::invalid_argument(
                                          "malformed HTTP request: " + ec.message()))),
                                      req);
            res.keep_alive(false);
            complete(slot, std::move(res), "none", "", "", Clock::now());
            return;
        }
        if (queue_.empty() && !writing_) close();
        return;
    }
    auto req = std::make_shared<Request>(parser_->release());
    if (!req->keep_alive() || stopping_) read_closed_ = true;
    dispatch_request(std::move(req));
    read_next();
}

void Session::dispatch_request(std::shared_ptr<Request> req) {
    const auto start = Clock::now();
    shared_.metrics.request_started();
    auto slot = std::make_shared<Slot>();
    queue_.push_back(slot);

    std::string method(req->method_string());
    std::string target(req->target());
    std::string path(target_path(target));
    const Route* route = find_route(method, target);
    std::string_view route_name = route ? route->name : std::string_view("none");
    bool method_ok =
        route && (route->method == method || (route->method == "GET" && method == "HEAD"));

    if (overflow_) {
        // Over the connection limit: health and metrics only, then close.
        read_closed_ = true;
        if (route_name != "get_healthz" && route_name != "get_metrics") {
            auto res = error_response(
                classify_error(std::make_exception_ptr(Overloaded(
                    "the server is at its connection limit (" +
                    std::to_string(shared_.options.max_connections) + "); retry shortly"))),
                *req);
            res.keep_alive(false);
            complete(slot, std::move(res), route_name, method, path, start);
            return;
        }
        req->keep_alive(false);
    }

    if (route && method_ok && route->runs == Runs::on_worker) {
        auto self = shared_from_this();
        auto guard = net::make_work_guard(shared_.ioc);
        bool queued = shared_.pool->try_submit([self, req, slot, route_name, method, path, start,
                                                guard](const WorkerPool::JobStart& job) {
            std::shared_ptr<Response> res;
            if (job.shed) {
                res = std::make_shared<Response>(error_response(
                    classify_error(std::make_exception_ptr(
                        Overloaded("searches are waiting too long for a worker (over " +
                                   std::to_string(self->shared_.options.queue_target.count()) +
                                   " ms); retry shortly"))),
                    *req));
            } else {
                RequestContext ctx{job.searcher, job.index_error, &self->shared_.metrics};
                res = std::make_shared<Response>(handle_request(ctx, *req));
            }
            net::post(self->stream_.get_executor(),
                      [self, slot, res, route_name, method, path, start] {
                          self->complete(slot, std::move(*res), route_name, method, path, start);
                      });
        });
        if (!queued) {
            complete(slot,
                     error_response(classify_error(std::make_exception_ptr(
                                        Overloaded("every search worker is busy; retry shortly"))),
                                    *req),
                     route_name, method, path, start);
        }
        return;
    }
    RequestContext ctx{nullptr, "", &shared_.metrics};
    complete(slot, handle_request(ctx, *req), route_name, method, path, start);
}

void Session::complete(const std::shared_ptr<Slot>& slot,
                       Response res,
                       std::string_view route,
                       const std::string& method,
                       const std::string& path,
                       Clock::time_point start) {
    if (stopping_) res.keep_alive(false);
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    unsigned status = res.result_int();
    shared_.metrics.request_finished(route, status, seconds);
    shared_.log(route, method, path, status, seconds * 1000, res.body().size());
    slot->response = std::move(res);
    write_next();
}

void Session::write_next() {
    if (writing_ || closed_ || queue_.empty() || !queue_.front()->response) return;
    writing_ = true;
    stream_.expires_after(shared_.options.write_timeout);
    http::async_write(stream_, *queue_.front()->response,
                      [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                          self->on_write(ec, n);
                      });
}

void Session::on_write(beast::error_code ec, std::size_t) {
    writing_ = false;
    if (ec) {
        close();
        return;
    }
    bool last = queue_.front()->response->need_eof();
    queue_.pop_front();
    if (last) {
        close();
        return;
    }
    write_next();
    if (read_closed_) {
        if (queue_.empty() && !writing_) close();
    } else {
        read_next();  // reading may have paused on a full queue
    }
}

// --- listener ---------------------------------------------------------------------------

class Listener : public std::enable_shared_from_this<Listener> {
   public:
    Listener(Shared& shared, tcp::endpoint endpoint)
        : shared_(shared),
          acceptor_(net::make_strand(shared.ioc)),
          backoff_(acceptor_.get_executor()) {
        beast::error_code ec;
        acceptor_.open(endpoint.protocol(), ec);
        if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
        if (!ec) acceptor_.bind(endpoint, ec);
        if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
        if (ec) {
            throw std::runtime_error("cannot listen on " + endpoint.address().to_string() + ":" +
                                     std::to_string(endpoint.port()) + ": " + ec.message());
        }
    }

    unsigned short port() const { return acceptor_.local_endpoint().port(); }

    void start() { accept(); }

    /// @brief Writes a 503 `overloaded` answer on @p socket without reading from it, then
    ///        closes it: for a connection beyond max_connections and the reserve.
    static void refuse(tcp::socket& socket, Shared& shared) {
        Request req;
        req.version(11);
        auto res = error_response(
            classify_error(std::make_exception_ptr(
                Overloaded("the server is at its connection limit (" +
                           std::to_string(shared.options.max_connections) + "); retry shortly"))),
            req);
        res.keep_alive(false);
        shared.metrics.request_started();
        shared.metrics.request_finished("none", 503, 0.0);
        beast::error_code ec;
        socket.non_blocking(true, ec);  // never wait for a client that reads nothing
        http::write(socket, res, ec);
        socket.shutdown(tcp::socket::shutdown_send, ec);
        socket.close(ec);
    }

    void stop() {
        net::dispatch(acceptor_.get_executor(), [self = shared_from_this()] {
            beast::error_code ec;
            self->acceptor_.close(ec);
            self->backoff_.cancel();
        });
    }

   private:
    void accept() {
        acceptor_.async_accept(
            net::make_strand(shared_.ioc),
            [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
                self->on_accept(ec, std::move(socket));
            });
    }

    void on_accept(beast::error_code ec, tcp::socket socket) {
        if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
        if (ec) {
            // EMFILE and kin: the connection stays in the backlog, so accepting again at once
            // fails again at once (a busy loop). Wait, then try again.
            if (!backing_off_) {
                std::cerr << "herald-server: accept failed (" << ec.message()
                          << "); retrying every " << shared_.options.accept_backoff.count() << " ms"
                          << std::endl;
            }
            backing_off_ = true;
            backoff_.expires_after(shared_.options.accept_backoff);
            backoff_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
                if (!wait_ec && self->acceptor_.is_open()) self->accept();
            });
            return;
        }
        backing_off_ = false;
        {
            const bool over = shared_.connections.load() >= shared_.options.max_connections;
            if (over &&
                shared_.overflow_connections.load() >= shared_.options.reserve_connections) {
                refuse(socket, shared_);
            } else {
                socket.set_option(tcp::no_delay(true), ec);
                auto session = std::make_shared<Session>(std::move(socket), shared_, over);
                {
                    std::lock_guard<std::mutex> lock(shared_.sessions_mutex);
                    // Forget sessions that are gone, so the list stays as long as the live ones.
                    shared_.sessions.remove_if(
                        [](const std::weak_ptr<Session>& w) { return w.expired(); });
                    shared_.sessions.push_back(session);
                }
                session->start();
            }
        }
        accept();
    }

    Shared& shared_;
    tcp::acceptor acceptor_;
    net::steady_timer backoff_;
    bool backing_off_ = false;
};

}  // namespace

// --- Server -----------------------------------------------------------------------------

struct Server::Impl {
    Shared shared;
    std::shared_ptr<Listener> listener;
    net::signal_set signals;
    bool signals_handled = false;
    std::atomic<bool> stopped{false};

    explicit Impl(ServerOptions options) : shared(std::move(options)), signals(shared.ioc) {}

    void stop_now() {
        if (stopped.exchange(true)) return;
        shared.stopping = true;
        listener->stop();
        beast::error_code ec;
        signals.cancel(ec);
        std::list<std::weak_ptr<Session>> sessions;
        {
            std::lock_guard<std::mutex> lock(shared.sessions_mutex);
            sessions = shared.sessions;
        }
        for (auto& w : sessions) {
            if (auto s = w.lock()) s->stop();
        }
    }
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
    auto& o = impl_->shared.options;
    unsigned workers = o.workers ? o.workers : std::max(1u, std::thread::hardware_concurrency());
    impl_->shared.pool = std::make_unique<WorkerPool>(
        o.index_dir, o.language, workers, o.queue_limit, &impl_->shared.metrics, o.worker_delay,
        o.queue_target, o.queue_interval, o.index_poll);
    beast::error_code ec;
    auto address = net::ip::make_address(o.address, ec);
    if (ec) {
        impl_->shared.pool->stop();
        throw std::runtime_error("invalid listen address \"" + o.address + "\"");
    }
    try {
        impl_->listener = std::make_shared<Listener>(impl_->shared, tcp::endpoint{address, o.port});
    } catch (...) {
        impl_->shared.pool->stop();
        throw;
    }
}

Server::~Server() {
    if (impl_ && impl_->shared.pool) impl_->shared.pool->stop();
}

unsigned short Server::port() const {
    return impl_->listener->port();
}

Metrics& Server::metrics() {
    return impl_->shared.metrics;
}

void Server::stop() {
    net::post(impl_->shared.ioc, [impl = impl_.get()] { impl->stop_now(); });
}

void Server::handle_signals() {
    auto* impl = impl_.get();
    if (impl->signals_handled) return;
    impl->signals_handled = true;
    // Asio installs its handler at add(); a signal that comes before run() is queued and
    // delivered to the wait once the event loop runs.
    impl->signals.add(SIGINT);
    impl->signals.add(SIGTERM);
    impl->signals.async_wait([impl](beast::error_code ec, int) {
        if (!ec) impl->stop_now();
    });
}

void Server::run(bool handle_signals) {
    auto* impl = impl_.get();
    if (handle_signals) this->handle_signals();
    impl->listener->start();
    std::vector<std::thread> extra;
    for (unsigned i = 1; i < std::max(1u, impl->shared.options.io_threads); ++i) {
        extra.emplace_back([impl] { impl->shared.ioc.run(); });
    }
    impl->shared.ioc.run();
    for (auto& t : extra) t.join();
    impl->shared.pool->stop();
}

}  // namespace herald::server
