// herald-server under hostile clients and at its limits (issue 12): the open-file limit, a
// failing accept() (EMFILE), the connection limit, health checks while the search queue is
// full, absolute-form request targets, and what error messages show.
#include <herald/index/index_job.hpp>
#include <herald/server/server.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <future>
#include <regex>
#include <sstream>
#include <thread>

#include "support.hpp"

using namespace herald;
using namespace herald::server;
using nlohmann::json;
namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

namespace {

const std::filesystem::path& limits_index() {
    static test::TempDir tmp;
    static const std::filesystem::path dir = [] {
        IndexJobOptions options;
        options.index_dir = tmp / "idx";
        options.inputs = {test::data_dir() / "entities.jsonl"};
        options.quiet = true;
        options.entities = false;
        options.threads = 1;
        std::ostringstream out, err;
        if (run_index_job(options, out, err) != kExitOk) throw std::runtime_error(err.str());
        return options.index_dir;
    }();
    return dir;
}

class LimitServer {
   public:
    explicit LimitServer(ServerOptions options) {
        if (options.index_dir.empty()) options.index_dir = limits_index();
        options.port = 0;
        if (options.workers == 0) options.workers = 1;
        server_ = std::make_unique<Server>(options);
        thread_ = std::thread([this] { server_->run(); });
    }
    ~LimitServer() {
        server_->stop();
        thread_.join();
    }
    unsigned short port() const { return server_->port(); }
    Metrics& metrics() { return server_->metrics(); }

   private:
    std::unique_ptr<Server> server_;
    std::thread thread_;
};

// Sends @p bytes on a fresh connection and reads until the server closes it (or 5 s pass).
std::string send_and_read(unsigned short port, const std::string& bytes) {
    net::io_context ioc;
    tcp::socket socket(ioc);
    socket.connect({net::ip::make_address("127.0.0.1"), port});
    struct timeval tv {
        5, 0
    };
    setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    boost::system::error_code ec;
    if (!bytes.empty()) net::write(socket, net::buffer(bytes), ec);
    std::string out;
    char buf[4096];
    for (;;) {
        std::size_t n = socket.read_some(net::buffer(buf), ec);
        if (ec) break;
        out.append(buf, n);
    }
    return out;
}

std::string get_request(const std::string& target) {
    return "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
}

unsigned status_of(const std::string& response) {
    if (response.rfind("HTTP/1.1 ", 0) != 0) return 0;
    return static_cast<unsigned>(std::stoi(response.substr(9, 3)));
}

std::string body_of(const std::string& response) {
    auto at = response.find("\r\n\r\n");
    return at == std::string::npos ? std::string() : response.substr(at + 4);
}

// CPU seconds (user + system) the process @p pid has used.
double cpu_seconds(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::istringstream fields(stat.substr(stat.rfind(')') + 2));
    std::string field;
    double ticks = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
        if (i == 14 || i == 15) ticks += std::stod(field);  // utime, stime
    }
    return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

struct Child {
    pid_t pid = -1;
    int out = -1;  // stdout
    int err = -1;  // stderr
};

// Starts herald-server with the open-file limit @p soft:@p hard and @p args.
Child spawn_server(rlim_t soft, rlim_t hard, std::vector<std::string> args) {
    const std::string index = limits_index().string();
    int out[2], err[2];
    REQUIRE(pipe(out) == 0);
    REQUIRE(pipe(err) == 0);
    std::vector<std::string> argv_s = {"herald-server", "--index", index, "--quiet"};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        dup2(out[1], STDOUT_FILENO);
        dup2(err[1], STDERR_FILENO);
        for (int fd : {out[0], out[1], err[0], err[1]}) close(fd);
        rlimit limit{soft, hard};
        if (setrlimit(RLIMIT_NOFILE, &limit) != 0) _exit(126);
        execv(HERALD_SERVER_BINARY, argv.data());
        _exit(127);
    }
    close(out[1]);
    close(err[1]);
    return {pid, out[0], err[0]};
}

std::string read_line(int fd) {
    std::string line;
    char c;
    while (read(fd, &c, 1) == 1 && c != '\n') line += c;
    return line;
}

std::string read_all(int fd) {
    std::string all;
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) all.append(buf, static_cast<std::size_t>(n));
    return all;
}

// Open descriptors of this process on files under @p folder (deleted ones included).
std::size_t open_files_under(const std::filesystem::path& folder) {
    const std::string prefix = folder.string() + "/";
    std::size_t n = 0;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
        std::error_code link_ec;
        const auto target = std::filesystem::read_symlink(entry.path(), link_ec);
        if (!link_ec && target.string().rfind(prefix, 0) == 0) ++n;
    }
    return n;
}

// Builds (or with @p rebuild, rebuilds with no grace period) the index @p dir from @p input.
void index_into(const std::filesystem::path& dir,
                const std::filesystem::path& input,
                bool rebuild) {
    IndexJobOptions options;
    options.index_dir = dir;
    options.inputs = {input};
    options.rebuild = rebuild;
    options.grace_seconds = 0;
    options.quiet = true;
    options.entities = false;
    options.threads = 1;
    std::ostringstream out, err;
    REQUIRE(run_index_job(options, out, err) == kExitOk);
}

int wait_exit(pid_t pid) {
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("the soft open-file limit is raised to the hard one", "[server]") {
    rlimit before{};
    REQUIRE(getrlimit(RLIMIT_NOFILE, &before) == 0);
    if (before.rlim_max == RLIM_INFINITY || before.rlim_max < 128) {
        WARN("no finite hard limit to raise to");
        return;
    }
    rlimit lowered{64, before.rlim_max};
    REQUIRE(setrlimit(RLIMIT_NOFILE, &lowered) == 0);
    CHECK(raise_open_file_limit() == before.rlim_max);
    rlimit after{};
    REQUIRE(getrlimit(RLIMIT_NOFILE, &after) == 0);
    CHECK(after.rlim_cur == before.rlim_max);
}

TEST_CASE("connections are checked against the open-file limit", "[server]") {
    // 32 for the process, 24 per worker, plus the reserve.
    CHECK(descriptors_besides_connections(2, 32) == 32 + 48 + 32);
    CHECK(connections_that_fit(10'000, 1'048'576, 2, 32) == 10'000);
    CHECK(connections_that_fit(10'000, 1'024, 2, 32) == 1'024 - 112);
    CHECK(connections_that_fit(100, 212, 2, 32) == 100);
    CHECK(connections_that_fit(100, 211, 2, 32) == 99);
    CHECK(connections_that_fit(100, 112, 2, 32) == 0);
}

#ifdef HERALD_SERVER_BINARY
TEST_CASE("a --max-connections above the open-file limit is refused with exit code 2", "[server]") {
    Child child = spawn_server(256, 256, {"--listen", "127.0.0.1:0", "--max-connections", "1000"});
    const std::string err = read_all(child.err);
    CHECK(wait_exit(child.pid) == 2);
    CHECK_THAT(err, Catch::Contains("--max-connections 1000 needs about"));
    CHECK_THAT(err, Catch::Contains("LimitNOFILE"));
    close(child.out);
    close(child.err);
}

TEST_CASE("herald-server option errors exit 2 with CLI11's reason, as the other programs do",
          "[server]") {
    struct Case {
        std::vector<std::string> args;
        std::string reason;
    };
    const std::vector<Case> cases = {
        {{"--no-such-flag"}, "The following argument was not expected: --no-such-flag"},
        {{"--threads", "x"}, "--threads"},
        {{"--io-threads", "0"}, "--io-threads"},
        {{"--queue-target-ms", "-5"}, "--queue-target-ms"},
        {{"--listen"}, "--listen"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.args);
        Child child = spawn_server(256, 256, c.args);
        const std::string err = read_all(child.err);
        CHECK(wait_exit(child.pid) == 2);  // CLI11 itself exits 104 to 109
        CHECK_THAT(err, Catch::Contains(c.reason) &&
                            Catch::Contains("Run with --help for more information."));
        close(child.out);
        close(child.err);
    }
    Child help = spawn_server(256, 256, {"--help"});
    const std::string out = read_all(help.out);
    CHECK(wait_exit(help.pid) == 0);
    CHECK_THAT(out, Catch::Contains("--max-connections"));
    close(help.out);
    close(help.err);
    // DESIGN: every program answers --version (without --index, which is otherwise required).
    Child version = spawn_server(256, 256, {"--version"});
    const std::string said = read_all(version.out);
    CHECK(wait_exit(version.pid) == 0);
    CHECK(said == std::string("herald-server ") + HERALD_VERSION + "\n");
    close(version.out);
    close(version.err);
}

TEST_CASE("with the default --max-connections a low limit lowers it, with a note", "[server]") {
    Child child = spawn_server(256, 256, {"--listen", "127.0.0.1:0", "--threads", "1"});
    const std::string listening = read_line(child.out);
    std::smatch m;
    REQUIRE(std::regex_search(listening, m, std::regex(R"(127\.0\.0\.1:(\d+)/)")));
    const auto port = static_cast<unsigned short>(std::stoi(m[1]));
    // Serving (so its SIGTERM handler is in place).
    CHECK(status_of(send_and_read(port, get_request("/healthz"))) == 200);
    REQUIRE(kill(child.pid, SIGTERM) == 0);
    const std::string err = read_all(child.err);
    CHECK(wait_exit(child.pid) == 0);
    // 256 - (32 + 24 + 32)
    CHECK_THAT(err, Catch::Contains("serving at most 168 connections"));
    close(child.out);
    close(child.err);
}

TEST_CASE("SIGTERM right after the listening line stops herald-server gracefully", "[server]") {
    // The handler used to be installed after the line was printed: a supervisor that sent
    // SIGTERM as soon as it read the line killed the server about every second time.
    for (int i = 0; i < 10; ++i) {
        Child child = spawn_server(256, 256, {"--listen", "127.0.0.1:0", "--threads", "1"});
        const std::string listening = read_line(child.out);
        REQUIRE_THAT(listening, Catch::StartsWith("herald-server: listening on http://"));
        REQUIRE(kill(child.pid, SIGTERM) == 0);
        int status = 0;
        REQUIRE(waitpid(child.pid, &status, 0) == child.pid);
        INFO("run " << i);
        CHECK_FALSE(WIFSIGNALED(status));
        CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
        CHECK(read_line(child.out) == "herald-server: stopped");
        close(child.out);
        close(child.err);
    }
}

TEST_CASE("accept() failing with EMFILE backs off instead of spinning, then serves again",
          "[server]") {
    Child child = spawn_server(256, 256, {"--listen", "127.0.0.1:0", "--threads", "1"});
    const std::string listening = read_line(child.out);
    std::smatch m;
    REQUIRE(std::regex_search(listening, m, std::regex(R"(127\.0\.0\.1:(\d+)/)")));
    const auto port = static_cast<unsigned short>(std::stoi(m[1]));
    REQUIRE(status_of(send_and_read(port, get_request("/healthz"))) == 200);

    // Leave the server no descriptor to accept with, then connect: each accept() fails.
    rlimit none{4, 256};
    REQUIRE(prlimit(child.pid, RLIMIT_NOFILE, &none, nullptr) == 0);
    net::io_context ioc;
    std::vector<tcp::socket> clients;
    for (int i = 0; i < 20; ++i) {
        clients.emplace_back(ioc);
        clients.back().connect({net::ip::make_address("127.0.0.1"), port});
    }
    const double cpu_before = cpu_seconds(child.pid);
    std::this_thread::sleep_for(std::chrono::seconds(2));
    const double cpu = cpu_seconds(child.pid) - cpu_before;
    INFO("CPU seconds over 2 s of EMFILE: " << cpu);
    CHECK(cpu < 0.1);  // under 5% of one core (a busy loop takes the whole 2 s)

    // Descriptors back: the waiting connections are accepted and health checks answered.
    rlimit back{256, 256};
    REQUIRE(prlimit(child.pid, RLIMIT_NOFILE, &back, nullptr) == 0);
    clients.clear();
    CHECK(status_of(send_and_read(port, get_request("/healthz"))) == 200);
    REQUIRE(kill(child.pid, SIGTERM) == 0);
    const std::string err = read_all(child.err);
    CHECK(wait_exit(child.pid) == 0);
    CHECK_THAT(err, Catch::Contains("accept failed"));
    close(child.out);
    close(child.err);
}
#endif

TEST_CASE("at the connection limit health and metrics are answered, other requests get 503",
          "[server]") {
    ServerOptions options;
    options.max_connections = 2;
    options.reserve_connections = 2;
    LimitServer server(options);
    net::io_context ioc;
    // Two idle keep-alive connections fill the limit.
    std::vector<tcp::socket> idle;
    for (int i = 0; i < 2; ++i) {
        idle.emplace_back(ioc);
        idle.back().connect({net::ip::make_address("127.0.0.1"), server.port()});
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // both accepted

    const std::string health = send_and_read(server.port(), get_request("/healthz"));
    CHECK(status_of(health) == 200);
    CHECK(status_of(send_and_read(server.port(), get_request("/metrics"))) == 200);
    const std::string search = send_and_read(server.port(), get_request("/api/search?q=oil"));
    CHECK(status_of(search) == 503);
    CHECK_THAT(search, Catch::Contains("Retry-After: 1"));
    CHECK_THAT(search, Catch::Contains("Connection: close"));
    CHECK(json::parse(body_of(search))["error"]["code"] == "overloaded");
    CHECK_THAT(body_of(search), Catch::Contains("connection limit (2)"));

    // Two more idle connections fill the reserve: the next one is answered 503 at once,
    // before it sends anything.
    for (int i = 0; i < 2; ++i) {
        idle.emplace_back(ioc);
        idle.back().connect({net::ip::make_address("127.0.0.1"), server.port()});
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const std::string refused = send_and_read(server.port(), "");
    CHECK(status_of(refused) == 503);
    CHECK(json::parse(body_of(refused))["error"]["code"] == "overloaded");

    // Idle connections over the limit get one second; then the reserve is free again.
    std::this_thread::sleep_for(std::chrono::milliseconds(1300));
    CHECK(status_of(send_and_read(server.port(), get_request("/healthz"))) == 200);
}

namespace {

// One search worker that takes 800 ms a search, and no room to queue another.
ServerOptions one_slow_worker() {
    ServerOptions options;
    options.workers = 1;
    options.queue_limit = 0;
    options.worker_delay = std::chrono::milliseconds{800};
    return options;
}

// Sends a search that holds the only worker of @p server, and waits until it does; the
// future gives its response.
std::future<std::string> hold_worker(LimitServer& server) {
    auto busy = std::async(std::launch::async, [&server] {
        return send_and_read(server.port(), get_request("/api/search?q=floods"));
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    return busy;
}

}  // namespace

TEST_CASE("/healthz does not wait in the search queue, /readyz does", "[server]") {
    LimitServer server(one_slow_worker());
    auto busy = hold_worker(server);
    const auto started = std::chrono::steady_clock::now();
    const std::string health = send_and_read(server.port(), get_request("/healthz"));
    const auto waited = std::chrono::steady_clock::now() - started;
    CHECK(status_of(health) == 200);
    CHECK(json::parse(body_of(health))["status"] == "ok");
    CHECK(waited < std::chrono::milliseconds(300));
    CHECK(status_of(send_and_read(server.port(), get_request("/readyz"))) == 503);
    CHECK(status_of(busy.get()) == 200);
    // The worker frees itself just after its answer is written: ask until it is ready.
    std::string ready_reply;
    for (int i = 0; i < 50; ++i) {
        ready_reply = send_and_read(server.port(), get_request("/readyz"));
        if (status_of(ready_reply) == 200) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    REQUIRE(status_of(ready_reply) == 200);
    const json ready = json::parse(body_of(ready_reply));
    CHECK(ready["documents"] == 6);
    // /healthz shows the index as the worker last opened it.
    CHECK(json::parse(
              body_of(send_and_read(server.port(), get_request("/healthz"))))["documents"] == 6);
}

TEST_CASE("absolute-form request targets route like origin-form ones", "[server]") {
    CHECK(target_path("/healthz?x=1") == "/healthz");
    CHECK(target_path("http://example.org/healthz") == "/healthz");
    CHECK(target_path("HTTP://example.org:8080/api/search?q=oil") == "/api/search");
    CHECK(target_path("http://example.org") == "/");
    CHECK(target_path("http://example.org?q=x") == "/");
    CHECK(target_path("*") == "*");

    ServerOptions options;
    LimitServer server(options);
    CHECK(status_of(send_and_read(server.port(), get_request("http://localhost/healthz"))) == 200);
    const std::string search =
        send_and_read(server.port(), get_request("http://localhost:1/api/search?q=floods&limit=1"));
    CHECK(status_of(search) == 200);
    CHECK(json::parse(body_of(search))["query"] == "floods");
    CHECK(status_of(send_and_read(server.port(), get_request("https://h/nope"))) == 404);
}

TEST_CASE("error messages keep what follows a NUL byte and never show the index path", "[server]") {
    LimitServer server(ServerOptions{});
    const std::string article = send_and_read(server.port(), get_request("/api/articles/ab%00cd"));
    CHECK(status_of(article) == 404);
    CHECK(json::parse(body_of(article))["error"]["message"] == "no article with id \"ab\\0cd\"");
    const std::string date =
        send_and_read(server.port(), get_request("/api/search?q=x&from=20%0024"));
    CHECK(status_of(date) == 400);
    CHECK_THAT(json::parse(body_of(date))["error"]["message"].get<std::string>(),
               Catch::Contains("20\\024"));

    const auto classify = [](auto thrown) {
        try {
            throw thrown;
        } catch (...) {
            return classify_error(std::current_exception());
        }
    };
    for (const HttpError& e :
         {classify(std::runtime_error("cannot open index /srv/secret/index: gone")),
          classify(Xapian::DatabaseOpeningError("/srv/secret/index/gen-000001/postlist.glass"))}) {
        CHECK(e.status == 503);
        CHECK(e.code == "index_unavailable");
        CHECK(e.message == "the index cannot be read; retry shortly");
    }
}

TEST_CASE("the queue-delay budget sheds only while searches keep waiting past the target",
          "[server]") {
    using std::chrono::milliseconds;
    const QueueDelayShedder::Clock::time_point t0{};
    // Each row: when the search was queued and taken (ms), whether it is shed.
    struct Row {
        int queued, taken;
        bool shed;
    };
    QueueDelayShedder shedder(milliseconds(100), milliseconds(1000));
    const Row rows[] = {
        {0, 50, false},       // under the target
        {100, 300, false},    // late: the spell starts at 300
        {400, 800, false},    // late, 500 ms into the spell
        {1000, 1299, false},  // late, 999 ms into the spell
        {1100, 1300, true},   // late, a whole interval into the spell: shed
        {1200, 1400, true},   // still late: shed
        {1450, 1500, false},  // 50 ms wait: the queue drained below the target
        {1500, 1700, false},  // late again: a new spell starts at 1700
        {1800, 2699, false}, {2000, 2700, true},
    };
    for (const Row& row : rows) {
        INFO("queued at " << row.queued << " ms, taken at " << row.taken << " ms");
        CHECK(shedder.shed(t0 + milliseconds(row.queued), t0 + milliseconds(row.taken)) ==
              row.shed);
    }
    // A worker finding the queue empty ends the spell too.
    shedder.queue_empty();
    CHECK_FALSE(shedder.shed(t0 + milliseconds(2000), t0 + milliseconds(2800)));
    CHECK_FALSE(shedder.shed(t0 + milliseconds(2000), t0 + milliseconds(3000)));
    CHECK(shedder.shed(t0 + milliseconds(2000), t0 + milliseconds(3800)));

    // A zero target never sheds, however long the wait.
    QueueDelayShedder off(milliseconds(0), milliseconds(1));
    CHECK_FALSE(off.shed(t0, t0 + std::chrono::hours(1)));
    CHECK_FALSE(off.shed(t0, t0 + std::chrono::hours(2)));
}

TEST_CASE("a burst of searches larger than the old queue cap is answered 200, not shed",
          "[server]") {
    // 128 searches at once on one worker that holds each 10 ms: they all queue, and a count-based
    // cap of 64 refused half of them. The delay budget is set out of reach so that the outcome
    // cannot depend on the machine's speed.
    ServerOptions options;
    options.workers = 1;
    options.worker_delay = std::chrono::milliseconds{10};
    options.queue_target = std::chrono::minutes(10);
    LimitServer server(options);
    std::vector<std::future<std::string>> replies;
    for (int i = 0; i < 128; ++i) {
        replies.push_back(std::async(std::launch::async, [&] {
            return send_and_read(server.port(), get_request("/api/search?q=floods"));
        }));
    }
    int ok = 0;
    for (auto& reply : replies) ok += status_of(reply.get()) == 200;
    CHECK(ok == 128);
    CHECK(server.metrics().shed_count(Metrics::ShedReason::queue_delay) == 0);
    CHECK(server.metrics().shed_count(Metrics::ShedReason::queue_full) == 0);
}

TEST_CASE("a search that waited past the delay budget behind a standing queue gets 503",
          "[server]") {
    // One worker holds each search 1 s. A runs at once; B and C queue behind it. B is taken
    // after waiting at least 800 ms (late: the spell starts), C after at least 1.8 s, over a
    // whole interval into the spell: C is shed, without being run.
    ServerOptions options;
    options.workers = 1;
    options.worker_delay = std::chrono::milliseconds{1000};
    options.queue_target = std::chrono::milliseconds{100};
    options.queue_interval = std::chrono::milliseconds{100};
    LimitServer server(options);
    auto a = std::async(std::launch::async, [&] {
        return send_and_read(server.port(), get_request("/api/search?q=floods"));
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // A is on the worker
    auto b = std::async(std::launch::async, [&] {
        return send_and_read(server.port(), get_request("/api/search?q=floods"));
    });
    auto c = std::async(std::launch::async, [&] {
        return send_and_read(server.port(), get_request("/api/search?q=floods"));
    });
    CHECK(status_of(a.get()) == 200);
    const std::string replies[] = {b.get(), c.get()};
    // B and C raced into the queue; the one queued second is shed.
    int ok = 0, shed = 0;
    for (const std::string& reply : replies) {
        if (status_of(reply) == 200) ++ok;
        if (status_of(reply) == 503) {
            ++shed;
            CHECK_THAT(reply, Catch::Contains("Retry-After: 1"));
            const json error = json::parse(body_of(reply))["error"];
            CHECK(error["code"] == "overloaded");
            CHECK(error["message"] ==
                  "searches are waiting too long for a worker (over 100 ms); retry shortly");
        }
    }
    CHECK(ok == 1);
    CHECK(shed == 1);
    CHECK(server.metrics().shed_count(Metrics::ShedReason::queue_delay) == 1);
    CHECK(server.metrics().shed_count(Metrics::ShedReason::queue_full) == 0);
    const std::string metrics = body_of(send_and_read(server.port(), get_request("/metrics")));
    CHECK_THAT(metrics, Catch::Contains("herald_search_shed_total{reason=\"queue_delay\"} 1\n"));
    CHECK_THAT(metrics, Catch::Contains("herald_search_queue_wait_seconds_count 3\n"));
}

TEST_CASE("beyond the hard queue cap a search gets 503 at once, counted as queue_full",
          "[server]") {
    LimitServer server(one_slow_worker());
    auto busy = hold_worker(server);
    const std::string refused = send_and_read(server.port(), get_request("/api/search?q=oil"));
    CHECK(status_of(refused) == 503);
    CHECK(json::parse(body_of(refused))["error"]["message"] ==
          "every search worker is busy; retry shortly");
    CHECK(status_of(busy.get()) == 200);
    CHECK(server.metrics().shed_count(Metrics::ShedReason::queue_full) == 1);
    CHECK(server.metrics().shed_count(Metrics::ShedReason::queue_delay) == 0);
}

TEST_CASE("idle workers close a retired generation's files without waiting for a request",
          "[server]") {
    test::TempDir tmp;
    const auto dir = tmp / "idx";
    index_into(dir, test::data_dir() / "entities.jsonl", false);
    const auto old_generation = dir / live_generation(dir);
    ServerOptions options;
    options.index_dir = dir;
    options.workers = 2;
    options.index_poll = std::chrono::milliseconds{20};
    LimitServer server(options);
    for (int i = 0; i < 8; ++i) {
        REQUIRE(status_of(send_and_read(server.port(), get_request("/api/search?q=floods"))) ==
                200);
    }
    REQUIRE(open_files_under(old_generation) > 0);

    // A rebuild switches to a new generation and removes the old one at once (no grace).
    index_into(dir, test::data_dir() / "entities.jsonl", true);
    const auto new_generation = dir / live_generation(dir);
    REQUIRE(new_generation != old_generation);
    CHECK_FALSE(std::filesystem::exists(old_generation));
    // No request from here on: the idle workers must let go of the old files by themselves.
    std::size_t still_open = open_files_under(old_generation);
    for (int i = 0; i < 500 && still_open > 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        still_open = open_files_under(old_generation);
    }
    CHECK(still_open == 0);
    CHECK(open_files_under(new_generation) > 0);  // they opened the new one instead
    CHECK(server.metrics().requests("get_search", 200) == 8);
}

TEST_CASE("a worker keeps serving the open generation when the new one cannot be opened",
          "[server]") {
    test::TempDir tmp;
    const auto dir = tmp / "idx";
    index_into(dir, test::data_dir() / "entities.jsonl", false);
    ServerOptions options;
    options.index_dir = dir;
    options.workers = 1;
    options.index_poll = std::chrono::milliseconds{0};  // only requests move the worker
    LimitServer server(options);
    const std::string before = send_and_read(server.port(), get_request("/api/search?q=putin"));
    REQUIRE(status_of(before) == 200);
    const auto total = json::parse(body_of(before))["total"]["estimate"];
    REQUIRE(total == 2);

    // The stub names a generation that does not exist: opening the index fails.
    { std::ofstream(dir / "XAPIANDB.tmp") << "auto gen-999999\n"; }
    std::filesystem::rename(dir / "XAPIANDB.tmp", dir / "XAPIANDB");
    const std::string after = send_and_read(server.port(), get_request("/api/search?q=putin"));
    CHECK(status_of(after) == 200);
    CHECK(json::parse(body_of(after))["total"]["estimate"] == total);
}
