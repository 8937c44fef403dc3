// The route table, the handlers and the one mapping from errors to HTTP statuses.
#include <herald/searcher/article_store.hpp>
#include <herald/searcher/query.hpp>
#include <herald/searcher/searcher.hpp>
#include <herald/server/http.hpp>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <nlohmann/json.hpp>
#include <xapian.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

namespace herald::server {

namespace {

using nlohmann::json;

constexpr std::string_view kAllowedMethods = "GET, HEAD, POST, OPTIONS";

std::string_view path_of(std::string_view target) {
    return target_path(target);
}

std::string_view query_of(std::string_view target) {
    auto q = target.find('?');
    return q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
}

bool path_matches(const Route& route, std::string_view path) {
    if (!route.path.empty() && route.path.back() == '/' && route.path.size() > 1) {
        return path.size() > route.path.size() && path.substr(0, route.path.size()) == route.path;
    }
    return path == route.path;
}

void add_cors(Response& res) {
    res.set("Access-Control-Allow-Origin", "*");
    res.set("Access-Control-Allow-Methods", kAllowedMethods);
    res.set("Access-Control-Allow-Headers", "Content-Type");
    res.set("Access-Control-Expose-Headers", "Retry-After");
}

Response make_response(const Request& req,
                       http::status status,
                       std::string content_type,
                       std::string body) {
    Response res{status, req.version()};
    res.set(http::field::server, "herald");
    res.set(http::field::content_type, content_type);
    res.set("X-Content-Type-Options", "nosniff");
    res.keep_alive(req.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

Response json_response(const Request& req, const json& body) {
    auto res = make_response(req, http::status::ok, "application/json; charset=utf-8",
                             body.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
    res.set(http::field::cache_control, "no-store");
    return res;
}

Searcher& searcher_of(RequestContext& ctx) {
    if (ctx.searcher == nullptr) {
        throw std::runtime_error(ctx.index_error.empty() ? "the index is not open"
                                                         : ctx.index_error);
    }
    return *ctx.searcher;
}

// Runs fn over the worker's database; a revision that vanishes under it is reopened and the
// whole read rerun (as Searcher::search does for searches).
template <typename Fn>
auto with_reopen(Searcher& searcher, Fn fn) {
    for (int attempt = 0;; ++attempt) {
        try {
            return fn(searcher.database());
        } catch (const Xapian::DatabaseModifiedError&) {
            if (attempt >= 3) throw std::runtime_error("the index keeps changing; try again");
            searcher.reopen();
        }
    }
}

std::size_t parse_count(const std::string& name, const std::string& value) {
    std::size_t n = 0;
    const char* end = value.data() + value.size();
    auto [ptr, ec] = std::from_chars(value.data(), end, n);
    if (value.empty() || ec != std::errc{} || ptr != end) {
        throw QueryError("parameter \"" + name + "\" must be a non-negative integer, not \"" +
                         value + "\"");
    }
    return n;
}

double parse_real(const std::string& name, const std::string& value) {
    double x = 0;
    const char* end = value.data() + value.size();
    auto [ptr, ec] = std::from_chars(value.data(), end, x);
    if (value.empty() || ec != std::errc{} || ptr != end) {
        throw QueryError("parameter \"" + name + "\" must be a number, not \"" + value + "\"");
    }
    return x;
}

// --- handlers ---------------------------------------------------------------------------

Response get_search(RequestContext& ctx, const Request& req) {
    SearchRequest request = parse_search_request(parse_query_string(query_of(req.target())));
    SearchResult result = searcher_of(ctx).search(request);
    return json_response(req, to_json(result));
}

// Same parameters as get_search, in an application/x-www-form-urlencoded body: for queries
// whose URL would pass the 8 KiB header limit (a 5,000-term query gets its 400 this way).
Response post_search(RequestContext& ctx, const Request& req) {
    auto type = req[http::field::content_type];
    if (!type.empty() && type.substr(0, 33) != "application/x-www-form-urlencoded") {
        throw QueryError("POST /api/search takes an application/x-www-form-urlencoded body");
    }
    auto params = parse_query_string(query_of(req.target()));
    for (auto& p : parse_query_string(req.body())) params.push_back(std::move(p));
    SearchResult result = searcher_of(ctx).search(parse_search_request(params));
    return json_response(req, to_json(result));
}

Response get_article(RequestContext& ctx, const Request& req) {
    std::string_view path = path_of(req.target());
    std::string id = percent_decode(path.substr(std::string_view("/api/articles/").size()), false);
    auto article = with_reopen(
        searcher_of(ctx), [&](const Xapian::Database& db) { return herald::get_article(db, id); });
    if (!article) throw NotFound("no article with id \"" + id + "\"");
    json out = to_json(*article);
    // ?q=…: each paragraph also as HTML with the query's words marked, as in snippets.
    for (const auto& [name, value] : parse_query_string(query_of(req.target()))) {
        if (name != "q" || value.empty()) continue;
        const Highlighter highlighter = searcher_of(ctx).highlighter(value);
        SnippetOptions whole;
        whole.max_bytes = SearchRequest::kMaxSnippetBytes;
        for (std::size_t i = 0; i < article->paragraphs.size(); ++i) {
            std::string marked = highlighter.snippet(article->paragraphs[i], whole);
            out["paragraphs"][i]["matches"] = marked.find(whole.mark_open) != std::string::npos;
            out["paragraphs"][i]["marked"] = std::move(marked);
        }
    }
    return json_response(req, out);
}

Response get_entities(RequestContext& ctx, const Request& req) {
    std::string type = "person", prefix;
    std::size_t limit = 10;
    for (const auto& [name, value] : parse_query_string(query_of(req.target()))) {
        if (name == "type")
            type = value;
        else if (name == "prefix")
            prefix = value;
        else if (name == "limit")
            limit = parse_count(name, value);
    }
    auto names = with_reopen(searcher_of(ctx), [&](const Xapian::Database& db) {
        return suggest_entities(db, type, prefix, limit);
    });
    json out = json::array();
    for (const auto& e : names) {
        out.push_back({{"name", e.name},
                       {"type", std::string(entity_type_name(e.type))},
                       {"count", e.count}});
    }
    return json_response(req, json{{"type", type}, {"prefix", prefix}, {"entities", out}});
}

// Liveness: answered on the network thread, so a server that is only busy is never reported
// dead; the figures are those of the index as the workers last opened it.
Response get_healthz(RequestContext& ctx, const Request& req) {
    json body{{"status", "ok"}};
    if (ctx.metrics) {
        body["documents"] = ctx.metrics->index_documents();
        body["revision"] = ctx.metrics->index_revision();
    }
    auto res = json_response(req, body);
    res.set(http::field::cache_control, "no-store");
    return res;
}

// Readiness: a worker reads the index (so it waits in the search queue and may answer 503).
Response get_readyz(RequestContext& ctx, const Request& req) {
    Searcher& searcher = searcher_of(ctx);
    const Xapian::Database& db = searcher.database();
    return json_response(req, json{{"status", "ok"},
                                   {"documents", paragraph_count(db)},
                                   {"revision", db.get_revision()}});
}

Response get_metrics(RequestContext& ctx, const Request& req) {
    std::string body = ctx.metrics ? ctx.metrics->render() : std::string{};
    auto res = make_response(req, http::status::ok, "text/plain; version=0.0.4; charset=utf-8",
                             std::move(body));
    res.set(http::field::cache_control, "no-store");
    return res;
}

Response get_page(RequestContext&, const Request& req) {
    std::string_view path = path_of(req.target());
    if (path == "/index.html") path = "/";
    for (const auto& file : static_files()) {
        if (file.path != path) continue;
        auto res = make_response(req, http::status::ok, std::string(file.content_type),
                                 std::string(file.body));
        res.set(http::field::cache_control, "no-cache");
        // The page only loads its own script and style and talks to its own API.
        res.set("Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                "frame-ancestors 'none'");
        res.set("Referrer-Policy", "no-referrer");
        return res;
    }
    throw NotFound("no page at " + std::string(path));
}

Response options_preflight(RequestContext&, const Request& req) {
    Response res{http::status::no_content, req.version()};
    res.set(http::field::server, "herald");
    res.set("Access-Control-Max-Age", "86400");
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    return res;
}

using Handler = Response (*)(RequestContext&, const Request&);

struct RouteEntry {
    Route route;
    Handler handler;
};

// The one route table. Static files are matched by get_page through static_files().
const std::vector<RouteEntry>& route_entries() {
    static const std::vector<RouteEntry> table = {
        {{"get_search", "GET", "/api/search", Runs::on_worker}, get_search},
        {{"post_search", "POST", "/api/search", Runs::on_worker}, post_search},
        {{"get_article", "GET", "/api/articles/", Runs::on_worker}, get_article},
        {{"get_entities", "GET", "/api/entities", Runs::on_worker}, get_entities},
        {{"get_healthz", "GET", "/healthz", Runs::on_network_thread}, get_healthz},
        {{"get_readyz", "GET", "/readyz", Runs::on_worker}, get_readyz},
        {{"get_metrics", "GET", "/metrics", Runs::on_network_thread}, get_metrics},
        {{"get_page", "GET", "", Runs::on_network_thread}, get_page},
        {{"options_preflight", "OPTIONS", "*", Runs::on_network_thread}, options_preflight},
    };
    return table;
}

bool is_page_path(std::string_view path) {
    if (path == "/index.html") return true;
    for (const auto& f : static_files()) {
        if (f.path == path) return true;
    }
    return false;
}

bool method_fits(const Route& route, std::string_view method) {
    return route.method == method || (route.method == "GET" && method == "HEAD");
}

// The route for the path and method; a route of the path with another method when none fits
// (the caller answers 405); nullptr when no route has the path.
const RouteEntry* match(std::string_view method, std::string_view target) {
    std::string_view path = path_of(target);
    const RouteEntry* by_path = nullptr;
    for (const auto& e : route_entries()) {
        bool fits = e.route.name == "get_page"            ? is_page_path(path)
                    : e.route.name == "options_preflight" ? false
                                                          : path_matches(e.route, path);
        if (!fits) continue;
        if (method_fits(e.route, method)) return &e;
        if (by_path == nullptr) by_path = &e;
    }
    if (method == "OPTIONS" && by_path != nullptr) return &route_entries().back();
    return by_path;
}

// The methods @p path takes, for a 405's Allow header: each route's method for the path, HEAD
// wherever GET is, OPTIONS (the preflight answers every known path), in the order
// GET, HEAD, POST, OPTIONS; "" when no route has the path.
std::string allowed_methods(std::string_view path) {
    bool get = false, post = false;
    for (const auto& e : route_entries()) {
        const bool fits = e.route.name == "get_page"            ? is_page_path(path)
                          : e.route.name == "options_preflight" ? false
                                                                : path_matches(e.route, path);
        if (!fits) continue;
        get = get || e.route.method == "GET";
        post = post || e.route.method == "POST";
    }
    if (!get && !post) return "";
    std::string allow;
    if (get) allow += "GET, HEAD, ";
    if (post) allow += "POST, ";
    return allow + "OPTIONS";
}

}  // namespace

// --- public -------------------------------------------------------------------------------

const std::vector<Route>& routes() {
    static const std::vector<Route> list = [] {
        std::vector<Route> out;
        for (const auto& e : route_entries()) out.push_back(e.route);
        return out;
    }();
    return list;
}

const Route* find_route(std::string_view method, std::string_view target) {
    const RouteEntry* e = match(method, target);
    return e ? &e->route : nullptr;
}

std::string percent_decode(std::string_view text, bool plus_is_space) {
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '+' && plus_is_space) {
            out += ' ';
        } else if (c == '%') {
            if (i + 2 >= text.size()) {
                throw QueryError("invalid percent-encoding at \"" + std::string(text.substr(i)) +
                                 "\" (a % must be followed by two hex digits)");
            }
            int h = hex(text[i + 1]), l = hex(text[i + 2]);
            if (h < 0 || l < 0) {
                throw QueryError("invalid percent-encoding at \"" + std::string(text.substr(i, 3)) +
                                 "\"");
            }
            out += static_cast<char>(h * 16 + l);
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> parse_query_string(std::string_view query) {
    std::vector<std::pair<std::string, std::string>> out;
    while (!query.empty()) {
        auto amp = query.find('&');
        std::string_view part = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (part.empty()) continue;
        auto eq = part.find('=');
        if (eq == std::string_view::npos) {
            out.emplace_back(percent_decode(part), std::string{});
        } else {
            out.emplace_back(percent_decode(part.substr(0, eq)),
                             percent_decode(part.substr(eq + 1)));
        }
    }
    return out;
}

SearchRequest parse_search_request(const std::vector<std::pair<std::string, std::string>>& params) {
    SearchRequest r;
    bool within_given = false, collapse_none = false;
    for (const auto& [name, value] : params) {
        if (name == "q") {
            r.query = value;
        } else if (name == "person") {
            r.persons.push_back(value);
        } else if (name == "place") {
            r.places.push_back(value);
        } else if (name == "org") {
            r.orgs.push_back(value);
        } else if (name == "source") {
            r.sources.push_back(value);
        } else if (name == "from") {
            r.from = value;
        } else if (name == "to") {
            r.to = value;
        } else if (name == "sort") {
            r.sort = parse_sort_order(value.empty() ? "relevance" : value);
        } else if (name == "within") {
            try {
                r.within = parse_search_unit(value);
            } catch (const QueryError&) {
                throw QueryError(
                    "parameter \"within\" must be \"article\" or \"paragraph\", not \"" + value +
                    "\"");
            }
            within_given = true;
        } else if (name == "collapse") {
            // collapse=none asks for paragraph hits, as it did before stories were the default.
            if (value == "article") {
                r.collapse = true;
                collapse_none = false;
            } else if (value == "none") {
                r.collapse = false;
                collapse_none = true;
            } else if (value.empty()) {
                r.collapse = false;
                collapse_none = false;
            } else
                throw QueryError("parameter \"collapse\" must be \"article\" or \"none\", not \"" +
                                 value + "\"");
        } else if (name == "offset") {
            r.offset = parse_count(name, value);
        } else if (name == "limit") {
            r.limit = parse_count(name, value);
        } else if (name == "facet_size") {
            r.facet_size = parse_count(name, value);
        } else if (name == "snippet_bytes") {
            r.snippet_bytes = parse_count(name, value);
        } else if (name == "op") {
            try {
                r.default_operator = parse_default_operator(value.empty() ? "and" : value);
            } catch (const QueryError&) {
                throw QueryError("parameter \"op\" must be \"and\" or \"or\", not \"" + value +
                                 "\"");
            }
        } else if (name == "bm25_k1") {
            r.bm25_k1 = parse_real(name, value);
        } else if (name == "bm25_b") {
            r.bm25_b = parse_real(name, value);
        } else if (name == "feedback") {
            r.feedback_documents = parse_count(name, value);
        } else if (name == "feedback_terms") {
            r.feedback_terms = parse_count(name, value);
        } else if (name == "facets") {
            std::string_view rest = value;
            while (!rest.empty()) {
                auto comma = rest.find(',');
                std::string_view f = rest.substr(0, comma);
                rest =
                    comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
                if (!f.empty() &&
                    std::find(r.facets.begin(), r.facets.end(), f) == r.facets.end()) {
                    r.facets.emplace_back(f);
                }
            }
        }
    }
    if (collapse_none && !within_given) r.within = SearchUnit::paragraph;
    // Empty filter values (a form's blank field) mean no filter.
    for (auto* list : {&r.persons, &r.places, &r.orgs, &r.sources}) {
        list->erase(std::remove(list->begin(), list->end(), std::string{}), list->end());
    }
    return r;
}

// The message of every 503 index_unavailable: the cause names the server's files, so it
// goes to the server's log (WorkerPool), never to clients.
constexpr const char* kIndexUnavailable = "the index cannot be read; retry shortly";

std::string_view target_path(std::string_view target) {
    const auto starts_with_ci = [&](std::string_view prefix) {
        if (target.size() < prefix.size()) return false;
        for (std::size_t i = 0; i < prefix.size(); ++i) {
            if (std::tolower(static_cast<unsigned char>(target[i])) != prefix[i]) return false;
        }
        return true;
    };
    if (starts_with_ci("http://") || starts_with_ci("https://")) {
        const std::size_t authority = target.find("//") + 2;
        const std::size_t path = target.find_first_of("/?#", authority);
        if (path == std::string_view::npos || target[path] != '/') return "/";
        target.remove_prefix(path);
    }
    return target.substr(0, std::min(target.find('?'), target.size()));
}

HttpError classify_error(std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const QueryError& e) {
        return {400, "bad_request", e.what()};
    } catch (const std::invalid_argument& e) {
        return {400, "bad_request", e.what()};
    } catch (const NotFound& e) {
        return {404, "not_found", e.what()};
    } catch (const MethodNotAllowed& e) {
        return {405, "method_not_allowed", e.what(), e.allow};
    } catch (const TooLarge& e) {
        return {413, "too_large", e.what()};
    } catch (const Overloaded& e) {
        return {503, "overloaded", e.what()};
    } catch (const Xapian::Error&) {
        return {503, "index_unavailable", kIndexUnavailable};
    } catch (const std::runtime_error&) {
        return {503, "index_unavailable", kIndexUnavailable};
    } catch (const std::exception& e) {
        return {500, "internal", e.what()};
    } catch (...) {
        return {500, "internal", "unknown error"};
    }
}

Response error_response(const HttpError& error, const Request& req) {
    json body{{"error", {{"code", error.code}, {"message", error.message}}}};
    auto res = make_response(req, static_cast<http::status>(error.status),
                             "application/json; charset=utf-8",
                             body.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
    res.set(http::field::cache_control, "no-store");
    if (error.status == 405) res.set(http::field::allow, error.allow);
    if (error.status == 503) res.set(http::field::retry_after, "1");
    if (error.status == 413) res.keep_alive(false);
    add_cors(res);
    return res;
}

Response handle_request(RequestContext& context, const Request& request) {
    std::string_view method(request.method_string().data(), request.method_string().size());
    std::string_view target(request.target().data(), request.target().size());
    Response res;
    try {
        const RouteEntry* entry = match(method, target);
        if (entry == nullptr) {
            throw NotFound("no route for " + std::string(path_of(target)));
        }
        if (!method_fits(entry->route, method))
            throw MethodNotAllowed(allowed_methods(path_of(target)));
        res = entry->handler(context, request);
    } catch (...) {
        return error_response(classify_error(std::current_exception()), request);
    }
    add_cors(res);
    if (method == "HEAD") {
        // Content-Length stays that of the GET body; the body itself is not sent.
        auto length = res.body().size();
        res.body().clear();
        res.content_length(length);
    }
    return res;
}

}  // namespace herald::server
