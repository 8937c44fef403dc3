// herald-server: serves the HTTP API of docs/http-api.md and the search page over one index.
// Exit codes: 0 stopped by SIGINT/SIGTERM after answering the requests in flight (or --help);
// 2 usage error (a bad option or value), the index cannot be opened or the address cannot be
// bound.
#include <herald/server/server.hpp>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <string>
#include <thread>

int main(int argc, char** argv) {
    herald::server::ServerOptions options;
    std::string listen = "127.0.0.1:8080";
    unsigned header_timeout_ms = 10'000, idle_timeout_ms = 60'000, delay_ms = 0;
    unsigned queue_target_ms = static_cast<unsigned>(options.queue_target.count());
    unsigned queue_interval_ms = static_cast<unsigned>(options.queue_interval.count());
    bool quiet = false;
    CLI::App app{
        "herald-server: the Herald search API (GET /api/search, /api/articles/{id}, "
        "/api/entities,\n"
        "/healthz, /metrics) and the search page at /, over one index.\n\n"
        "Stops on SIGINT or SIGTERM after answering the requests in flight (exit 0)."};
    app.add_option("--index", options.index_dir, "index folder written by herald-index")
        ->required();
    app.add_option("--listen", listen, "ADDRESS:PORT to listen on (port 0: any free port)")
        ->capture_default_str();
    app.add_option("--threads", options.workers,
                   "search worker threads (default: number of cores)");
    app.add_option("--io-threads", options.io_threads, "threads reading and writing sockets")
        ->capture_default_str()
        ->check(CLI::Range(1u, 64u));
    app.add_option("--queue", options.queue_limit,
                   "searches that may wait for a busy worker at most (a hard cap behind the "
                   "delay budget); beyond them: 503 with Retry-After")
        ->capture_default_str();
    app.add_option("--queue-target-ms", queue_target_ms,
                   "queue-delay budget: a search that waited longer for a worker, while searches "
                   "have kept waiting longer for --queue-interval-ms, gets 503 (0: off)")
        ->capture_default_str()
        ->check(CLI::Range(0u, 3'600'000u));
    app.add_option("--queue-interval-ms", queue_interval_ms,
                   "how long queue waits must stay over --queue-target-ms before searches are "
                   "shed")
        ->capture_default_str()
        ->check(CLI::Range(1u, 3'600'000u));
    app.add_option("--header-timeout-ms", header_timeout_ms,
                   "time a client has to send a whole request after its first byte")
        ->capture_default_str()
        ->check(CLI::Range(1u, 3'600'000u));
    app.add_option("--idle-timeout-ms", idle_timeout_ms, "keep-alive idle time between requests")
        ->capture_default_str()
        ->check(CLI::Range(1u, 3'600'000u));
    auto* max_connections =
        app.add_option("--max-connections", options.max_connections,
                       "open connections at most (checked against the open-file limit, whose "
                       "soft value is raised to the hard one at start-up)")
            ->capture_default_str();
    app.add_option("--language", options.language, "stemming language of queries")
        ->capture_default_str();
    app.add_flag("-q,--quiet", quiet, "no access log (one JSON line per request on stderr)");
    // For tests only: hold every index request this long on its worker.
    app.add_option("--debug-worker-delay-ms", delay_ms)->group("");
    app.set_version_flag("--version", "herald-server " HERALD_VERSION,
                         "print the version and exit");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help exits 0; every option error exits 2, as in the other programs (CLI11's own
        // codes, 104 to 109, are not part of the contract).
        const int rc = app.exit(e);
        return rc == 0 ? 0 : 2;
    }

    auto colon = listen.rfind(':');
    if (colon == std::string::npos || colon + 1 == listen.size()) {
        std::cerr << "herald-server: --listen wants ADDRESS:PORT, not \"" << listen << "\"\n";
        return 2;
    }
    options.address = listen.substr(0, colon);
    if (options.address.size() > 2 && options.address.front() == '[' &&
        options.address.back() == ']') {
        options.address = options.address.substr(1, options.address.size() - 2);  // [::1]:8080
    }
    try {
        unsigned long port = std::stoul(listen.substr(colon + 1));
        if (port > 65535) throw std::out_of_range("port");
        options.port = static_cast<unsigned short>(port);
    } catch (const std::exception&) {
        std::cerr << "herald-server: invalid port in --listen \"" << listen << "\"\n";
        return 2;
    }
    options.header_timeout = std::chrono::milliseconds(header_timeout_ms);
    options.idle_timeout = std::chrono::milliseconds(idle_timeout_ms);
    options.worker_delay = std::chrono::milliseconds(delay_ms);
    options.queue_target = std::chrono::milliseconds(queue_target_ms);
    options.queue_interval = std::chrono::milliseconds(queue_interval_ms);
    if (!quiet) options.access_log = &std::cerr;

    // Each connection is a descriptor: raise the soft limit to the hard one, then make sure
    // the connections fit (a server past its limit could not even answer /healthz).
    const unsigned workers =
        options.workers ? options.workers : std::max(1u, std::thread::hardware_concurrency());
    const std::uint64_t open_files = herald::server::raise_open_file_limit();
    const std::size_t fit = herald::server::connections_that_fit(
        options.max_connections, open_files, workers, options.reserve_connections);
    if (fit < options.max_connections) {
        const std::uint64_t needed =
            options.max_connections +
            herald::server::descriptors_besides_connections(workers, options.reserve_connections);
        const std::string why = "--max-connections " + std::to_string(options.max_connections) +
                                " needs about " + std::to_string(needed) +
                                " open files, but the limit (RLIMIT_NOFILE, hard) is " +
                                std::to_string(open_files);
        if (max_connections->count() > 0 || fit == 0) {
            std::cerr << "herald-server: " << why << "; raise it (ulimit -n, systemd "
                      << "LimitNOFILE=) or lower --max-connections (at most " << fit << " fit)\n";
            return 2;
        }
        std::cerr << "herald-server: " << why << "; serving at most " << fit << " connections\n";
        options.max_connections = fit;
    }

    try {
        herald::server::Server server(options);
        // Before the "listening" line: a supervisor may send SIGTERM as soon as it reads it.
        server.handle_signals();
        std::cout << "herald-server: listening on http://"
                  << (options.address.find(':') != std::string::npos ? "[" + options.address + "]"
                                                                     : options.address)
                  << ':' << server.port() << "/ (index " << options.index_dir.string() << ")"
                  << std::endl;
        server.run(/*handle_signals=*/true);
        std::cout << "herald-server: stopped" << std::endl;
    } catch (const std::exception& e) {
        std::cerr << "herald-server: " << e.what() << '\n';
        return 2;
    }
    return 0;
}
