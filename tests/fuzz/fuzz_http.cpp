// libFuzzer target: raw bytes from a client, as herald-server reads them: a Beast
// request_parser with the server's default header and body limits, then for every complete
// request (pipelined ones too) find_route() and the pure handle_request() with a Searcher over
// the fixture index (fuzz_index.hpp) when the route runs on a worker, as server.cpp does. Each
// response is serialized. Also the parameter decoders on the target's query string.
//
// Parser errors and 4xx/503 answers are expected; a 500 (an exception handle_request did not
// expect), any exception out of handle_request, or a sanitizer report is a crash.
#include <herald/searcher/query.hpp>
#include <herald/searcher/searcher.hpp>
#include <herald/server/http.hpp>
#include <herald/server/metrics.hpp>
#include <herald/server/server.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/write.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string_view>

#include "fuzz/fuzz_index.hpp"

namespace {

namespace http = boost::beast::http;

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "invariant broken: %s\n", what);
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace herald;
    using namespace herald::server;
    static Searcher searcher(fuzz::fixture_index());
    static Metrics metrics;
    static const ServerOptions defaults;

    std::string_view rest(reinterpret_cast<const char*>(data), size);
    for (int requests = 0; !rest.empty() && requests < 8; ++requests) {
        http::request_parser<http::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(defaults.header_limit));
        parser.body_limit(defaults.body_limit);
        parser.eager(true);
        // As http::read does: put() until the message is done; each call may stop at a part
        // (the header, a chunk). Input that ends early is a request still arriving.
        boost::beast::error_code ec;
        while (!parser.is_done() && !rest.empty()) {
            const std::size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
            rest.remove_prefix(used);
            if (ec == http::error::need_more || used == 0) break;
            if (ec) return 0;  // malformed: herald-server answers 400 and closes
        }
        if (!parser.is_done()) {
            // The client closed the connection: a body that runs to the end is complete.
            parser.put_eof(ec);
            if (ec || !parser.is_done()) return 0;
        }

        const Request req = parser.release();
        const std::string_view target(req.target().data(), req.target().size());
        const std::size_t question = target.find('?');
        try {
            (void)parse_search_request(parse_query_string(question == std::string_view::npos
                                                              ? std::string_view()
                                                              : target.substr(question + 1)));
        } catch (const QueryError&) {
        }

        const std::string_view method(req.method_string().data(), req.method_string().size());
        const Route* route = find_route(method, target);
        const bool on_worker = route != nullptr && route->runs == Runs::on_worker;
        RequestContext ctx{on_worker ? &searcher : nullptr, "", &metrics};
        const Response res = handle_request(ctx, req);
        const unsigned status = res.result_int();
        check(status != 500, "no 500 for a client's request");
        check(status >= 200 && status < 600, "a valid status");
        std::ostringstream wire;
        wire << res;
        if (!req.keep_alive()) break;
    }
    return 0;
}
