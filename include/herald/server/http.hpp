// The HTTP layer of herald-server without sockets: request parsing helpers, the route
// table and the pure handle_request() (docs/http-api.md). server.hpp adds the
// network, the worker threads and the signals.
#pragma once

#include <herald/searcher/searcher.hpp>
#include <herald/server/metrics.hpp>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <exception>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace herald::server {

namespace http = boost::beast::http;

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

/// @brief Where a handler runs. Handlers that read the index run on a search worker, which
///        owns the Searcher; the others run on the network thread and must be fast.
enum class Runs { on_network_thread, on_worker };

/// One entry of the route table.
struct Route {
    std::string_view name;    ///< handler name, also the `route` label of metrics and logs
    std::string_view method;  ///< "GET" (HEAD is accepted wherever GET is) or "OPTIONS"
    std::string_view path;    ///< exact path, or a prefix when it ends with '/'
    Runs runs;
};

/// @brief The route table, in match order: get_search, post_search (the same parameters in a
///        form body, for queries too long for a URL), get_article, get_entities, get_healthz
///        (liveness, on the network thread: never waits behind searches), get_readyz
///        (readiness: a worker reads the index), get_metrics, get_page, options_preflight.
const std::vector<Route>& routes();

/// @brief The route for @p method and @p target (path plus query string), matched on the path
///        only. @return nullptr when no route has the path (404), a route with another method
///        when only the method is wrong (the caller answers 405 through handle_request).
const Route* find_route(std::string_view method, std::string_view target);

/// What a handler may use besides the request. Owned by the caller; not shared between threads
/// except `metrics`, which is thread-safe.
struct RequestContext {
    /// The calling worker's Searcher (never shared), or nullptr on the network thread or when
    /// the index cannot be opened (then `index_error` says why and index routes answer 503).
    Searcher* searcher = nullptr;
    std::string index_error;
    Metrics* metrics = nullptr;  ///< for /metrics and /healthz; may be nullptr in tests
};

/// @brief Answers one request: routes it, runs the handler, and turns every exception into
///        a JSON error through error_response(). Never throws for a bad request. Adds CORS
///        headers to every response; keep-alive and the HTTP version follow @p request.
///        For HEAD the body is dropped and Content-Length kept.
/// Thread-safety: safe to call from several threads with distinct contexts.
Response handle_request(RequestContext& context, const Request& request);

/// Error codes of JSON error bodies, one per HTTP status.
struct HttpError {
    unsigned status;      ///< 400, 404, 405, 413, 503 or 500
    std::string code;     ///< "bad_request", "not_found", "method_not_allowed",
                          ///< "too_large", "overloaded", "index_unavailable", "internal"
    std::string message;  ///< for a person
    std::string allow{};  ///< 405 only: the Allow header, the methods the path takes
};

/// @brief The one place where exceptions become HTTP statuses:
///        QueryError / std::invalid_argument → 400 bad_request; NotFound → 404;
///        MethodNotAllowed → 405 (`allow` from MethodNotAllowed::allow); TooLarge → 413;
///        Overloaded → 503
///        with Retry-After; std::runtime_error and Xapian::Error (the index cannot be read)
///        → 503 index_unavailable with Retry-After and a fixed message (the cause, which
///        names files of the server, is not shown to clients); anything else → 500 internal.
/// @param error a caught exception (std::current_exception()).
HttpError classify_error(std::exception_ptr error);

/// @brief A complete JSON error response for @p error, with CORS headers, for @p request's
///        HTTP version and keep-alive (413 always closes the connection; a 405 carries
///        `Allow: ` @p error.allow, 503 `Retry-After: 1`).
Response error_response(const HttpError& error, const Request& request);

/// The page or resource does not exist (→ 404). NUL bytes of the message are shown as `\0`.
struct NotFound : std::runtime_error {
    explicit NotFound(const std::string& message) : std::runtime_error(with_visible_nul(message)) {}
};
/// The path exists but not with this method (→ 405); `allow` lists the methods that path
/// takes, as the Allow header has them (`GET, HEAD, OPTIONS`).
struct MethodNotAllowed : std::runtime_error {
    explicit MethodNotAllowed(std::string allowed)
        : std::runtime_error("method not allowed; use " + allowed), allow(std::move(allowed)) {}
    std::string allow;
};
/// The request's header or body is over its limit (→ 413, connection closed).
struct TooLarge : std::runtime_error {
    using std::runtime_error::runtime_error;
};
/// Every worker is busy and the queue is full, or the connection limit is reached
/// (→ 503 with Retry-After).
struct Overloaded : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// @brief The path of a request target: origin-form `/a/b?x` gives `/a/b`; absolute-form
///        `http://host:8080/a/b?x` (RFC 9112 §3.2.2, any case of the scheme) gives `/a/b`, and
///        `/` when it has no path. The asterisk-form `*` stays `*`.
std::string_view target_path(std::string_view target);

/// @brief Decodes one component of an `application/x-www-form-urlencoded` query string:
///        `%XX` is the byte XX (`%2B` is '+'), '+' is a space when @p plus_is_space.
/// @throws QueryError for '%' not followed by two hex digits.
std::string percent_decode(std::string_view text, bool plus_is_space = true);

/// @brief Splits and decodes `a=1&b=2&a=3` into (name, value) pairs in order; empty
///        components are skipped, a name without '=' has the value "".
/// @throws QueryError for an invalid escape.
std::vector<std::pair<std::string, std::string>> parse_query_string(std::string_view query);

/// @brief The SearchRequest of `/api/search`'s parameters: q, person, place, org, source
///        (each repeatable: OR within a name), from, to (dates, inclusive), sort
///        (relevance|date), within (article|paragraph: stories, the default, or single
///        paragraphs), collapse (article|none; none without within means within=paragraph,
///        today's paragraph hits; article in paragraph mode keeps the best paragraph of each
///        article; empty: the default), offset, limit, facets (comma-separated
///        and/or repeated), facet_size, snippet_bytes, op (and|or: the default operator),
///        bm25_k1, bm25_b (decimal numbers), feedback, feedback_terms (pseudo-relevance
///        feedback, see SearchRequest). Unknown names are ignored. Ranges are checked by
///        Searcher::search (also a QueryError).
/// @throws QueryError naming the parameter for a value that is not allowed (a number that
///         is not a decimal integer or, for bm25_*, not a decimal number, an unknown sort,
///         within, collapse or op).
SearchRequest parse_search_request(const std::vector<std::pair<std::string, std::string>>& params);

/// One embedded file of the search page.
struct StaticFile {
    std::string_view path;          ///< URL path: "/" for index.html, "/app.js", ...
    std::string_view content_type;  ///< with charset for text
    std::string_view body;
};

/// @brief The files of server/web, compiled into the binary.
const std::vector<StaticFile>& static_files();

}  // namespace herald::server
