// herald-server over HTTP: a real server on an ephemeral loopback port over a fixture index
// (tests/data/articles.jsonl and entities.jsonl, given entities only), driven by a small
// blocking client. One test spawns the herald-server binary to check SIGTERM.
#include <herald/index/index_job.hpp>
#include <herald/server/server.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
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

std::filesystem::path build_index(const std::filesystem::path& dir,
                                  std::vector<std::filesystem::path> inputs,
                                  bool rebuild = true) {
    IndexJobOptions options;
    options.index_dir = dir;
    options.inputs = std::move(inputs);
    options.quiet = true;
    options.entities = false;    // given entities only: no dependency on the NER model
    options.skip_errors = true;  // articles.jsonl has deliberately malformed lines
    options.rebuild = rebuild;
    options.threads = 1;
    options.grace_seconds = 1;
    std::ostringstream out, err;
    if (run_index_job(options, out, err) != kExitOk) throw std::runtime_error(err.str());
    return dir;
}

const std::filesystem::path& fixture_index() {
    static test::TempDir tmp;
    static const std::filesystem::path dir = build_index(
        tmp / "idx", {test::data_dir() / "articles.jsonl", test::data_dir() / "entities.jsonl"});
    return dir;
}

// A Server running on its own thread; stopped and joined on destruction.
class TestServer {
   public:
    explicit TestServer(ServerOptions options = {}) {
        if (options.index_dir.empty()) options.index_dir = fixture_index();
        options.port = 0;
        if (options.workers == 0) options.workers = 2;
        if (options.header_timeout == std::chrono::milliseconds{10'000}) {
            options.header_timeout = std::chrono::milliseconds{1500};
        }
        server_ = std::make_unique<Server>(options);
        thread_ = std::thread([this] { server_->run(); });
    }
    ~TestServer() {
        server_->stop();
        thread_.join();
    }
    unsigned short port() const { return server_->port(); }
    Metrics& metrics() { return server_->metrics(); }

   private:
    std::unique_ptr<Server> server_;
    std::thread thread_;
};

using Reply = http::response<http::string_body>;

// One request on a fresh connection.
Reply request(unsigned short port,
              http::verb method,
              const std::string& target,
              const std::string& body = "",
              const std::string& content_type = "") {
    net::io_context ioc;
    tcp::socket socket(ioc);
    socket.connect({net::ip::make_address("127.0.0.1"), port});
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!content_type.empty()) req.set(http::field::content_type, content_type);
    if (!body.empty() || method == http::verb::post) {
        req.body() = body;
        req.prepare_payload();
    }
    http::write(socket, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    parser.skip(method == http::verb::head);  // a HEAD response has no body to read
    http::read(socket, buffer, parser);
    return parser.release();
}

Reply get(unsigned short port, const std::string& target) {
    return request(port, http::verb::get, target);
}

json get_json(unsigned short port, const std::string& target, unsigned expect_status = 200) {
    Reply res = get(port, target);
    INFO(target << " → " << res.result_int() << " " << res.body());
    REQUIRE(res.result_int() == expect_status);
    REQUIRE(std::string(res[http::field::content_type]) == "application/json; charset=utf-8");
    return json::parse(res.body());
}

// Sends raw bytes and reads until the server closes the connection (or 10 s pass).
std::string raw_exchange(unsigned short port, const std::string& bytes) {
    net::io_context ioc;
    tcp::socket socket(ioc);
    socket.connect({net::ip::make_address("127.0.0.1"), port});
    struct timeval tv {
        10, 0
    };
    setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    boost::system::error_code ec;
    net::write(socket, net::buffer(bytes), ec);
    std::string out;
    char buf[4096];
    for (;;) {
        std::size_t n = socket.read_some(net::buffer(buf), ec);
        if (ec) break;
        out.append(buf, n);
    }
    return out;
}

std::vector<std::string> hit_ids(const json& result) {
    std::vector<std::string> ids;
    for (const auto& h : result["hits"]) ids.push_back(h["id"].get<std::string>());
    return ids;
}

// The value of one sample line of the Prometheus text, or -1 when absent.
double metric(const std::string& text, const std::string& series) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
    }
    return -1;
}

}  // namespace

TEST_CASE("percent-decoding treats plus as space, %2B as plus and rejects bad escapes",
          "[server]") {
    struct Row {
        const char* in;
        const char* out;
    };
    for (Row row : {Row{"flood+warning", "flood warning"}, Row{"flood%20warning", "flood warning"},
                    Row{"%2Boil+-gas", "+oil -gas"}, Row{"caf%C3%A9", "café"}, Row{"a%2fb", "a/b"},
                    Row{"", ""}, Row{"100%25", "100%"}}) {
        CHECK(percent_decode(row.in) == row.out);
    }
    CHECK(percent_decode("a+b", false) == "a+b");
    for (const char* bad : {"%", "%4", "%zz", "oil%2", "%g0"}) {
        CHECK_THROWS_AS(percent_decode(bad), QueryError);
    }
}

TEST_CASE("search parameters fill the request: repeated filters, facet lists, numbers",
          "[server]") {
    auto r = parse_search_request(parse_query_string(
        "q=oil&person=Joe+Biden&person=Vladimir%20Putin&place=Geneva&org=&facets=person,place"
        "&facets=org&sort=date&collapse=article&offset=20&limit=5&from=2021-01-01&to=2021-12-31"));
    CHECK(r.query == "oil");
    CHECK(r.persons == std::vector<std::string>{"Joe Biden", "Vladimir Putin"});
    CHECK(r.places == std::vector<std::string>{"Geneva"});
    CHECK(r.orgs.empty());  // a blank form field is no filter
    CHECK(r.facets == std::vector<std::string>{"person", "place", "org"});
    CHECK(r.sort == SortOrder::date);
    CHECK(r.collapse);
    CHECK(r.offset == 20);
    CHECK(r.limit == 5);
    CHECK(r.from == "2021-01-01");
    CHECK(r.to == "2021-12-31");
    CHECK_THROWS_AS(parse_search_request(parse_query_string("limit=ten")), QueryError);
    CHECK_THROWS_AS(parse_search_request(parse_query_string("offset=-1")), QueryError);
    CHECK_THROWS_AS(parse_search_request(parse_query_string("collapse=yes")), QueryError);
    CHECK_THROWS_AS(parse_search_request(parse_query_string("sort=random")), QueryError);
}

TEST_CASE("ranking parameters fill the request: op, bm25_k1, bm25_b, feedback", "[server]") {
    auto r = parse_search_request(
        parse_query_string("q=oil+gas&op=or&bm25_k1=0.9&bm25_b=0.4&feedback=10&feedback_terms=20"));
    CHECK(r.default_operator == DefaultOperator::any_word);
    CHECK(r.bm25_k1 == 0.9);
    CHECK(r.bm25_b == 0.4);
    CHECK(r.feedback_documents == 10);
    CHECK(r.feedback_terms == 20);
    CHECK(parse_search_request(parse_query_string("op=AND")).default_operator ==
          DefaultOperator::all_words);
    CHECK(parse_search_request(parse_query_string("q=x")).default_operator ==
          DefaultOperator::all_words);
    CHECK(parse_search_request(parse_query_string("q=x")).feedback_documents == 0);
    CHECK_THROWS_AS(parse_search_request(parse_query_string("op=xor")), QueryError);
    CHECK_THROWS_AS(parse_search_request(parse_query_string("bm25_k1=fast")), QueryError);
    CHECK_THROWS_AS(parse_search_request(parse_query_string("bm25_b=0.4x")), QueryError);
    CHECK_THROWS_AS(parse_search_request(parse_query_string("feedback=-1")), QueryError);
}

TEST_CASE("the route table names each handler and maps paths and methods", "[server]") {
    std::vector<std::string> names;
    for (const auto& r : routes()) names.emplace_back(r.name);
    CHECK(names == std::vector<std::string>{"get_search", "post_search", "get_article",
                                            "get_entities", "get_healthz", "get_readyz",
                                            "get_metrics", "get_page", "options_preflight"});
    CHECK(find_route("GET", "/api/search?q=x")->name == "get_search");
    CHECK(find_route("POST", "/api/search")->name == "post_search");
    CHECK(find_route("GET", "/api/articles/a1")->name == "get_article");
    CHECK(find_route("GET", "/")->name == "get_page");
    CHECK(find_route("GET", "/app.js")->name == "get_page");
    CHECK(find_route("OPTIONS", "/api/search")->name == "options_preflight");
    CHECK(find_route("DELETE", "/api/search")->method == "GET");  // path known: 405, not 404
    CHECK(find_route("GET", "/api/articles/") == nullptr);
    CHECK(find_route("GET", "/nope") == nullptr);
}

TEST_CASE("the README's endpoint table has a row per route and says where health checks run",
          "[server]") {
    std::ifstream in(test::data_dir() / ".." / ".." / "README.md");
    REQUIRE(in);
    std::vector<std::string> rows;  // "| `METHOD /path...` | answers |"
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("| `GET /", 0) == 0 || line.rfind("| `POST /", 0) == 0) rows.push_back(line);
    }
    const auto row_of = [&](const Route& r) -> std::string {
        const std::string head = "| `" + std::string(r.method) + " " + std::string(r.path);
        for (const auto& row : rows) {
            if (row.rfind(head, 0) != 0) continue;
            const char next = row[head.size()];
            if (next == '`' || next == '?' || r.path.back() == '/') return row;
        }
        return "";
    };
    for (const Route& r : routes()) {
        if (r.path.empty() || r.path == "*") continue;  // the page's files, the preflight
        CAPTURE(r.name);
        const std::string row = row_of(r);
        CHECK_FALSE(row.empty());
        if (r.name == "get_healthz" || r.name == "get_readyz") {
            const bool network = r.runs == Runs::on_network_thread;
            CHECK((row.find("network thread") != std::string::npos) == network);
            CHECK((row.find("search queue") != std::string::npos) == !network);
        }
    }
}

TEST_CASE("errors map to statuses in one place", "[server]") {
    auto status_of = [](auto thrown) {
        try {
            throw thrown;
        } catch (...) {
            return classify_error(std::current_exception());
        }
    };
    CHECK(status_of(QueryError("x")).status == 400);
    CHECK(status_of(std::invalid_argument("x")).status == 400);
    CHECK(status_of(NotFound("x")).status == 404);
    CHECK(status_of(MethodNotAllowed("GET")).status == 405);
    CHECK(status_of(MethodNotAllowed("GET, HEAD, OPTIONS")).allow == "GET, HEAD, OPTIONS");
    CHECK(status_of(TooLarge("x")).status == 413);
    CHECK(status_of(Overloaded("x")).code == "overloaded");
    CHECK(status_of(Xapian::DatabaseCorruptError("x")).status == 503);
    CHECK(status_of(std::runtime_error("x")).code == "index_unavailable");
    CHECK(status_of(std::logic_error("x")).status == 500);
}

TEST_CASE("a search returns DESIGN's JSON with ranked, highlighted hits and facets", "[server]") {
    TestServer server;
    json r = get_json(server.port(), "/api/search?q=floods&limit=5");
    for (const char* key : {"query", "total", "took_ms", "hits", "facets", "suggestion"}) {
        CHECK(r.contains(key));
    }
    CHECK(r["query"] == "floods");
    CHECK(r["within"] == "article");
    // One story: a2, with "Floods forced …" (lead paragraph, with the title) and "… the
    // flooded towns …" in its second paragraph.
    CHECK(r["total"]["estimate"] == 1);
    CHECK(r["total"]["lower_bound"] == 1);
    CHECK(r["total"]["upper_bound"] == 1);
    REQUIRE(r["hits"].size() == 1);
    const json& top = r["hits"][0];
    CHECK(top["id"] == "a2#1");
    CHECK(top["article_id"] == "a2");
    CHECK(top["paragraph"] == 1);
    CHECK(top["paragraphs"] == json::array({1, 2}));
    CHECK(top["title"] == "Floods in the north");
    CHECK(top["url"] == "https://example.org/a2");
    CHECK(top["published"] == "2024-06-18T09:00:00Z");
    CHECK(top["score"].get<double>() > 0);
    CHECK(top["snippet"] ==
          "<mark>Floods</mark> forced thousands from their homes after days of heavy rain.");
    REQUIRE(top["passages"].size() == 1);  // paragraph 2 adds no word paragraph 1 lacks
    CHECK(top["passages"][0]["paragraph"] == 1);
    CHECK(top["entities"].is_array());

    // Paragraph hits, as before stories were the default: collapse=none or within=paragraph.
    for (const char* q : {"/api/search?q=floods&limit=5&collapse=none",
                          "/api/search?q=floods&limit=5&within=paragraph"}) {
        json p = get_json(server.port(), q);
        CHECK(p["within"] == "paragraph");
        CHECK(p["total"]["estimate"] == 2);
        REQUIRE(p["hits"].size() == 2);
        CHECK(p["hits"][0]["id"] == "a2#1");
        CHECK(p["hits"][1]["id"] == "a2#2");
        CHECK(p["hits"][0]["score"].get<double>() > p["hits"][1]["score"].get<double>());
        CHECK_FALSE(p["hits"][0].contains("passages"));
    }
    // within wins over collapse=none; collapse=article in paragraph mode collapses.
    CHECK(get_json(server.port(), "/api/search?q=floods&collapse=none&within=article")["within"] ==
          "article");
    CHECK(get_json(server.port(),
                   "/api/search?q=floods&within=paragraph&collapse=article")["total"]["estimate"] ==
          1);
    json bad = get_json(server.port(), "/api/search?q=floods&within=story", 400);
    CHECK(bad["error"]["message"] ==
          "parameter \"within\" must be \"article\" or \"paragraph\", not \"story\"");

    // Facets count articles: Putin is in three paragraphs with "talks", of two articles, and
    // so is Biden (two paragraphs); a tie is in name order.
    json f = get_json(server.port(), "/api/search?q=talks&facets=person,place,org&limit=1");
    REQUIRE(f["facets"]["person"].size() == 2);
    CHECK(f["facets"]["person"][0] == json{{"value", "Joe Biden"}, {"count", 2}});
    CHECK(f["facets"]["person"][1] == json{{"value", "Vladimir Putin"}, {"count", 2}});
    CHECK(f["hits"].size() == 1);
    json fp = get_json(server.port(), "/api/search?q=talks&facets=person&limit=1&within=paragraph");
    CHECK(fp["facets"]["person"][0]["count"] == 3);
}

TEST_CASE("repeated entity filters are OR-ed within a facet and AND-ed across facets", "[server]") {
    TestServer server;
    // Paragraphs with "talks": e1¶1 (Putin, Biden, Geneva), e2¶1 (Putin, Moscow),
    // e2¶2 (UN, Putin), e3¶1 (Biden, Geneva, UN).
    auto ids = [&](const std::string& q) {
        auto v = hit_ids(get_json(server.port(), "/api/search?q=talks&" + q));
        std::sort(v.begin(), v.end());
        return v;
    };
    CHECK(ids("person=Joe+Biden") == std::vector<std::string>{"e1#1", "e3#1"});
    CHECK(ids("place=Moscow") == std::vector<std::string>{"e2#1"});
    CHECK(ids("place=Moscow&place=Geneva") == std::vector<std::string>{"e1#1", "e2#1", "e3#1"});
    CHECK(ids("place=Moscow&place=Geneva&person=Joe%20Biden") ==
          std::vector<std::string>{"e1#1", "e3#1"});
    CHECK(ids("collapse=article&person=Vladimir+Putin") ==
          std::vector<std::string>{"e1#1", "e2#1"});
}

TEST_CASE("malformed queries are 400 with a message; an empty query is 200 with no hits",
          "[server]") {
    TestServer server;
    json e = get_json(server.port(), "/api/search?q=AND+AND", 400);
    CHECK(e["error"]["code"] == "bad_request");
    CHECK(!e["error"]["message"].get<std::string>().empty());
    CHECK(get_json(server.port(), "/api/search?q=oil+AND", 400)["error"]["code"] == "bad_request");
    // An unbalanced quote parses (a phrase to the end of the query, as README says): 200.
    json quote = get_json(server.port(), "/api/search?q=%22crude+oil");
    CHECK(hit_ids(quote) == std::vector<std::string>{"a3#1"});
    // A query longer than 1,024 bytes (fits in a URL), and one of 65 terms under 1,024 bytes.
    std::string long_q(1100, 'x');
    CHECK(get_json(server.port(), "/api/search?q=" + long_q, 400)["error"]["message"]
              .get<std::string>()
              .find("1024") != std::string::npos);
    std::string many;
    for (int i = 0; i < 65; ++i) many += "w" + std::to_string(i) + "+";
    CHECK(get_json(server.port(), "/api/search?q=" + many, 400)["error"]["code"] == "bad_request");
    // 5,000 terms do not fit in an 8 KiB request line (413); in a POST form body they reach the
    // query parser's limit (400).
    std::string huge;
    for (int i = 0; i < 5000; ++i) huge += "t" + std::to_string(i) + "+";
    CHECK(get(server.port(), "/api/search?q=" + huge).result_int() == 413);
    Reply post = request(server.port(), http::verb::post, "/api/search", "q=" + huge,
                         "application/x-www-form-urlencoded");
    CHECK(post.result_int() == 400);
    CHECK(json::parse(post.body())["error"]["code"] == "bad_request");
    // Other bad parameters.
    CHECK(get_json(server.port(), "/api/search?q=oil&limit=5000", 400)["error"]["code"] ==
          "bad_request");
    CHECK(get_json(server.port(), "/api/search?q=oil&from=yesterday", 400)["error"]["code"] ==
          "bad_request");
    CHECK(get_json(server.port(), "/api/search?q=oil&facets=colour", 400)["error"]["code"] ==
          "bad_request");
    CHECK(get_json(server.port(), "/api/search?q=%zz", 400)["error"]["code"] == "bad_request");
    // Ranking options: a bad operator names the parameter; out-of-range BM25 values and
    // feedback sizes are refused by the searcher, through the same error path.
    json op = get_json(server.port(), "/api/search?q=oil&op=xor", 400);
    CHECK(op["error"]["code"] == "bad_request");
    CHECK(op["error"]["message"] == "parameter \"op\" must be \"and\" or \"or\", not \"xor\"");
    CHECK(get_json(server.port(), "/api/search?q=oil&bm25_k1=11", 400)["error"]["code"] ==
          "bad_request");
    CHECK(get_json(server.port(), "/api/search?q=oil&bm25_b=1.5", 400)["error"]["code"] ==
          "bad_request");
    CHECK(get_json(server.port(), "/api/search?q=oil&feedback=1000", 400)["error"]["code"] ==
          "bad_request");
    const auto any_word = hit_ids(get_json(server.port(), "/api/search?q=oil+rain&op=or"));
    CHECK(any_word.size() >= 2);
    CHECK(any_word.size() == hit_ids(get_json(server.port(), "/api/search?q=oil+OR+rain")).size());
    CHECK(hit_ids(get_json(server.port(), "/api/search?q=oil+rain")).empty());  // default AND

    for (const char* empty : {"/api/search?q=", "/api/search", "/api/search?q=%2C%2C+..."}) {
        json r = get_json(server.port(), empty);
        CHECK(r["hits"].empty());
        CHECK(r["total"]["estimate"] == 0);
    }
}

TEST_CASE("plus and %20 are the same space, %2B is a plus", "[server]") {
    TestServer server;
    json plus = get_json(server.port(), "/api/search?q=oil+prices");
    json pct = get_json(server.port(), "/api/search?q=oil%20prices");
    CHECK(plus["query"] == "oil prices");
    CHECK(pct["query"] == "oil prices");
    CHECK(hit_ids(plus) == hit_ids(pct));
    CHECK(hit_ids(plus) == std::vector<std::string>{"a3#1"});  // one story
    CHECK(plus["hits"][0]["snippet"] == pct["hits"][0]["snippet"]);
    CHECK(get_json(server.port(), "/api/search?q=%2Boil+-gas")["query"] == "+oil -gas");
    // a3 has "gas" in another paragraph: the story is excluded, its oil paragraph is not.
    CHECK(hit_ids(get_json(server.port(), "/api/search?q=%2Boil+-gas")).empty());
    CHECK(hit_ids(get_json(server.port(), "/api/search?q=%2Boil+-gas&within=paragraph")) ==
          std::vector<std::string>{"a3#1"});
}

TEST_CASE("markup stored in a paragraph comes back escaped in the snippet", "[server]") {
    TestServer server;
    json r = get_json(server.port(), "/api/search?q=onerror");
    REQUIRE(r["hits"].size() == 1);
    std::string snippet = r["hits"][0]["snippet"];
    CHECK(snippet.find("&lt;img src=x <mark>onerror</mark>=alert(1)&gt;") != std::string::npos);
    CHECK(snippet.find("&lt;script&gt;") != std::string::npos);
    CHECK(snippet.find("<img") == std::string::npos);
    CHECK(snippet.find("<script") == std::string::npos);
}

TEST_CASE("articles, entity suggestions, health and the page are served", "[server]") {
    TestServer server;
    json a = get_json(server.port(), "/api/articles/a1");
    CHECK(a["id"] == "a1");
    CHECK(a["title"] == "Putin’s visit to Beijing");
    REQUIRE(a["paragraphs"].size() == 3);
    CHECK(a["paragraphs"][2]["text"] == "The U.S. State Department said it was watching closely.");

    json e = get_json(server.port(), "/api/entities?type=person&prefix=bi");
    REQUIRE(e["entities"].size() == 1);
    CHECK(e["entities"][0]["name"] == "Joe Biden");
    CHECK(e["entities"][0]["count"] == 2);
    CHECK(get_json(server.port(), "/api/entities?type=colour", 400)["error"]["code"] ==
          "bad_request");

    json h = get_json(server.port(), "/healthz");
    CHECK(h["status"] == "ok");
    CHECK(h["documents"].get<int>() == 15);  // 9 paragraphs of articles.jsonl + 6 of entities.jsonl

    Reply page = get(server.port(), "/");
    CHECK(page.result_int() == 200);
    CHECK(std::string(page[http::field::content_type]) == "text/html; charset=utf-8");
    CHECK(page.body().find("<script src=\"/app.js\"") != std::string::npos);
    Reply js = get(server.port(), "/app.js");
    CHECK(std::string(js[http::field::content_type]) == "text/javascript; charset=utf-8");
    CHECK(js.body().find("/api/search") != std::string::npos);  // the page's own script
    Reply head = request(server.port(), http::verb::head, "/app.js");
    CHECK(head.result_int() == 200);
    CHECK(head.body().empty());
    CHECK(std::string(head[http::field::content_length]) == std::to_string(js.body().size()));
}

TEST_CASE("unknown paths are 404, wrong methods 405, oversized requests 413 and closed",
          "[server]") {
    TestServer server;
    CHECK(get_json(server.port(), "/nope", 404)["error"]["code"] == "not_found");
    CHECK(get_json(server.port(), "/api/articles/no-such-article", 404)["error"]["code"] ==
          "not_found");

    Reply del = request(server.port(), http::verb::delete_, "/api/search?q=oil");
    CHECK(del.result_int() == 405);
    CHECK(std::string(del[http::field::allow]) == "GET, HEAD, POST, OPTIONS");
    CHECK(json::parse(del.body())["error"]["code"] == "method_not_allowed");

    // Allow lists what that path takes, not every method of the server.
    struct Case {
        http::verb method;
        const char* target;
        const char* allow;
    };
    for (const Case& c : {Case{http::verb::post, "/healthz", "GET, HEAD, OPTIONS"},
                          Case{http::verb::put, "/readyz", "GET, HEAD, OPTIONS"},
                          Case{http::verb::post, "/api/articles/a1", "GET, HEAD, OPTIONS"},
                          Case{http::verb::post, "/api/entities?type=person", "GET, HEAD, OPTIONS"},
                          Case{http::verb::delete_, "/metrics", "GET, HEAD, OPTIONS"},
                          Case{http::verb::post, "/app.js", "GET, HEAD, OPTIONS"},
                          Case{http::verb::put, "/api/search", "GET, HEAD, POST, OPTIONS"}}) {
        CAPTURE(c.target);
        Reply r = request(server.port(), c.method, c.target);
        CHECK(r.result_int() == 405);
        CHECK(std::string(r[http::field::allow]) == c.allow);
        CHECK_THAT(std::string(json::parse(r.body())["error"]["message"]),
                   Catch::EndsWith(std::string("use ") + c.allow));
    }

    // A declared body over 1 MiB: 413 before the body is read, then the connection closes.
    std::string big = raw_exchange(
        server.port(), "POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n");
    CHECK(big.rfind("HTTP/1.1 413", 0) == 0);
    CHECK(big.find("\"too_large\"") != std::string::npos);
    CHECK(big.find("Connection: close") != std::string::npos);
    CHECK(big.find("Access-Control-Allow-Origin: *") != std::string::npos);

    // A chunked body that grows past 1 MiB.
    std::string chunked =
        "POST /api/search HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    std::string chunk(64 * 1024, 'a');
    for (int i = 0; i < 20; ++i) chunked += "10000\r\n" + chunk + "\r\n";
    chunked += "0\r\n\r\n";
    std::string reply = raw_exchange(server.port(), chunked);
    CHECK(reply.rfind("HTTP/1.1 413", 0) == 0);
    CHECK(reply.find("body larger than 1048576 bytes") != std::string::npos);

    // Headers over 8 KiB.
    std::string headers =
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(9000, 'h') + "\r\n\r\n";
    std::string hdr = raw_exchange(server.port(), headers);
    CHECK(hdr.rfind("HTTP/1.1 413", 0) == 0);
    CHECK(hdr.find("header larger than 8192 bytes") != std::string::npos);

    // Not HTTP at all: 400, closed.
    CHECK(raw_exchange(server.port(), "HELLO\r\n\r\n").rfind("HTTP/1.1 400", 0) == 0);
}

TEST_CASE("every response carries CORS headers and OPTIONS preflight is 204", "[server]") {
    TestServer server;
    for (const char* target :
         {"/api/search?q=oil", "/api/search?q=AND+AND", "/nope", "/metrics", "/"}) {
        Reply res = get(server.port(), target);
        INFO(target);
        CHECK(std::string(res["Access-Control-Allow-Origin"]) == "*");
    }
    Reply pre = request(server.port(), http::verb::options, "/api/search?q=oil");
    CHECK(pre.result_int() == 204);
    CHECK(pre.body().empty());
    CHECK(std::string(pre["Access-Control-Allow-Origin"]) == "*");
    CHECK(std::string(pre["Access-Control-Allow-Methods"]) == "GET, HEAD, POST, OPTIONS");
    CHECK(std::string(pre["Access-Control-Allow-Headers"]) == "Content-Type");
    CHECK(std::string(pre["Access-Control-Max-Age"]) == "86400");
}

TEST_CASE("keep-alive and pipelined requests are answered in order on one connection", "[server]") {
    TestServer server;
    std::string two =
        "GET /api/search?q=floods HTTP/1.1\r\nHost: x\r\n\r\n"
        "GET /api/search?q=crude HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    std::string replies = raw_exchange(server.port(), two);
    auto first = replies.find("\"query\":\"floods\"");
    auto second = replies.find("\"query\":\"crude\"");
    CHECK(first != std::string::npos);
    CHECK(second != std::string::npos);
    CHECK(first < second);
    CHECK(replies.find("HTTP/1.1 200", 1) != std::string::npos);
}

TEST_CASE("a client sending one byte every half second is cut off while others are served",
          "[server]") {
    ServerOptions options;
    options.header_timeout = std::chrono::milliseconds{1200};
    TestServer server(options);
    auto slow = std::async(std::launch::async, [&] {
        net::io_context ioc;
        tcp::socket socket(ioc);
        socket.connect({net::ip::make_address("127.0.0.1"), server.port()});
        const std::string request =
            "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaa\r\n\r\n";
        auto t0 = std::chrono::steady_clock::now();
        std::size_t sent = 0;
        boost::system::error_code ec;
        for (; sent < request.size(); ++sent) {
            net::write(socket, net::buffer(&request[sent], 1), ec);
            if (ec) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
            // A closed connection shows as readable with EOF (or a reset on the next write).
            if (socket.available(ec) == 0 && !ec) {
                pollfd p{socket.native_handle(), POLLIN, 0};
                if (::poll(&p, 1, 0) == 1) break;
            }
        }
        double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        return std::make_pair(sent, seconds);
    });
    // Meanwhile a normal client is served at once.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto t0 = std::chrono::steady_clock::now();
    CHECK(get_json(server.port(), "/api/search?q=floods")["hits"].size() == 1);
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(1000));
    auto [sent, seconds] = slow.get();
    CHECK(sent < 10);      // far from the whole request (66 bytes)
    CHECK(seconds < 4.0);  // cut after the 1.2 s header timeout, give or take a byte
}

TEST_CASE("metrics count requests by route and status and report the index", "[server]") {
    TestServer server;
    auto scrape = [&] {
        Reply r = get(server.port(), "/metrics");
        REQUIRE(r.result_int() == 200);
        CHECK(std::string(r[http::field::content_type]).rfind("text/plain; version=0.0.4", 0) == 0);
        return r.body();
    };
    std::string before = scrape();
    double ok_before = std::max(
        0.0, metric(before, "herald_http_requests_total{route=\"get_search\",status=\"200\"}"));
    double count_before = metric(before, "herald_http_request_duration_seconds_count");
    get(server.port(), "/api/search?q=oil");
    get(server.port(), "/api/search?q=floods");
    get(server.port(), "/api/search?q=AND+AND");
    get(server.port(), "/nope");
    std::string after = scrape();
    CHECK(metric(after, "herald_http_requests_total{route=\"get_search\",status=\"200\"}") ==
          ok_before + 2);
    CHECK(metric(after, "herald_http_requests_total{route=\"get_search\",status=\"400\"}") == 1);
    CHECK(metric(after, "herald_http_requests_total{route=\"none\",status=\"404\"}") == 1);
    // The earlier scrape counts too (it is answered before the second one renders).
    CHECK(metric(after, "herald_http_request_duration_seconds_count") == count_before + 5);
    CHECK(metric(after, "herald_http_request_duration_seconds_bucket{le=\"+Inf\"}") ==
          count_before + 5);
    CHECK(metric(after, "herald_http_requests_in_flight") == 1);  // the scrape itself
    CHECK(metric(after, "herald_index_documents") == 15);
    CHECK(metric(after, "herald_index_revision") >= 1);
}

TEST_CASE("when every worker is busy and the queue is full, requests get 503 with Retry-After",
          "[server]") {
    ServerOptions options;
    options.workers = 1;
    options.queue_limit = 0;
    options.worker_delay = std::chrono::milliseconds{800};
    TestServer server(options);
    auto busy =
        std::async(std::launch::async, [&] { return get(server.port(), "/api/search?q=oil"); });
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    Reply rejected = get(server.port(), "/api/search?q=gas");
    CHECK(rejected.result_int() == 503);
    CHECK(std::string(rejected[http::field::retry_after]) == "1");
    CHECK(json::parse(rejected.body())["error"]["code"] == "overloaded");
    CHECK(get(server.port(), "/metrics").result_int() == 200);  // not an index route: still served
    CHECK(busy.get().result_int() == 200);
}

TEST_CASE("a re-indexed or rebuilt index is seen without a restart", "[server]") {
    test::TempDir tmp;
    auto dir = build_index(tmp / "idx", {test::data_dir() / "entities.jsonl"});
    ServerOptions options;
    options.index_dir = dir;
    TestServer server(options);
    CHECK(get_json(server.port(), "/api/search?q=floods")["hits"].empty());
    // An incremental run commits to the same index.
    build_index(dir, {test::data_dir() / "articles.jsonl"}, /*rebuild=*/false);
    CHECK(hit_ids(get_json(server.port(), "/api/search?q=floods&within=paragraph")) ==
          std::vector<std::string>{"a2#1", "a2#2"});
    // A rebuild builds a new folder and renames it into place.
    build_index(dir, {test::data_dir() / "entities.jsonl"}, /*rebuild=*/true);
    CHECK(get_json(server.port(), "/api/search?q=floods")["hits"].empty());
    CHECK(get_json(server.port(), "/healthz")["documents"] == 6);  // entities.jsonl only
}

TEST_CASE("every search succeeds while a rebuild swaps the index under the server", "[server]") {
    test::TempDir tmp;
    auto write = [](const std::filesystem::path& file, const std::string& word,
                    const std::string& prefix) {
        std::ofstream out(file);
        for (int i = 0; i < 300; ++i) {
            out << R"({"id": ")" << prefix << i << R"(", "title": "Story", "body": ")" << word
                << " one\\n\\n"
                << word << " two\\n\\n"
                << word << R"( three"})" << '\n';
        }
    };
    write(tmp / "old.jsonl", "alpha", "o");
    write(tmp / "new.jsonl", "omega", "n");
    auto dir = build_index(tmp / "idx", {tmp / "old.jsonl"}, /*rebuild=*/false);
    ServerOptions options;
    options.index_dir = dir;
    TestServer server(options);

    std::atomic<bool> done{false};
    std::atomic<int> requests{0}, bad{0};
    std::thread client([&] {
        while (!done.load() && requests.load() < 20000) {
            Reply res = get(server.port(), "/api/search?q=alpha+OR+omega&limit=1&within=paragraph");
            ++requests;
            if (res.result_int() != 200) {
                ++bad;
                continue;
            }
            // One whole index or the other, never a mix of both.
            if (json::parse(res.body())["total"]["estimate"] != 900) ++bad;
        }
    });
    build_index(dir, {tmp / "new.jsonl"}, /*rebuild=*/true);
    done = true;
    client.join();
    CHECK(requests.load() > 0);
    CHECK(bad.load() == 0);
    CHECK(get_json(server.port(), "/api/search?q=omega&limit=1")["total"]["estimate"] == 300);
    CHECK(get_json(server.port(),
                   "/api/search?q=omega&limit=1&within=paragraph")["total"]["estimate"] == 900);
    CHECK(get_json(server.port(), "/api/search?q=alpha")["hits"].empty());
}

#ifdef HERALD_SERVER_BINARY
TEST_CASE("SIGTERM lets the request in flight finish, then herald-server exits 0", "[server]") {
    const std::string index = fixture_index().string();  // built before fork, not in the child
    int out[2];
    REQUIRE(pipe(out) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        dup2(out[1], STDOUT_FILENO);
        close(out[0]);
        close(out[1]);
        execl(HERALD_SERVER_BINARY, "herald-server", "--index", index.c_str(), "--listen",
              "127.0.0.1:0", "--threads", "1", "--quiet", "--debug-worker-delay-ms", "1000",
              static_cast<char*>(nullptr));
        _exit(127);
    }
    close(out[1]);
    // "herald-server: listening on http://127.0.0.1:PORT/ ..."
    std::string first_line;
    char c;
    while (read(out[0], &c, 1) == 1 && c != '\n') first_line += c;
    std::smatch m;
    REQUIRE(std::regex_search(first_line, m, std::regex(R"(127\.0\.0\.1:(\d+)/)")));
    auto port = static_cast<unsigned short>(std::stoi(m[1]));

    auto in_flight =
        std::async(std::launch::async, [&] { return get(port, "/api/search?q=floods"); });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the request is on the worker
    REQUIRE(kill(pid, SIGTERM) == 0);
    Reply res = in_flight.get();
    CHECK(res.result_int() == 200);
    CHECK(json::parse(res.body())["hits"].size() == 1);
    CHECK(std::string(res[http::field::connection]) == "close");

    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    close(out[0]);
}
#endif
