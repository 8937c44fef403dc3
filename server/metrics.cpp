// Prometheus text exposition of herald-server's counters.
#include <herald/server/metrics.hpp>

#include <cstdio>
#include <sstream>

namespace herald::server {

namespace {

std::string format_double(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

}  // namespace

void Metrics::Histogram::observe(double seconds) {
    std::size_t bucket = 0;
    while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
    ++counts[bucket];
    sum += seconds;
    ++count;
}

void Metrics::Histogram::render(std::ostream& out, const char* name, const char* help) const {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " histogram\n";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        cumulative += counts[i];
        out << name << "_bucket{le=\"" << format_double(kBuckets[i]) << "\"} " << cumulative
            << '\n';
    }
    cumulative += counts.back();
    out << name << "_bucket{le=\"+Inf\"} " << cumulative << '\n';
    out << name << "_sum " << format_double(sum) << '\n';
    out << name << "_count " << count << '\n';
}

void Metrics::request_finished(std::string_view route, unsigned status, double seconds) {
    in_flight_.fetch_sub(1, std::memory_order_relaxed);
    std::lock_guard<std::mutex> lock(mutex_);
    ++requests_[{std::string(route), status}];
    durations_.observe(seconds);
}

void Metrics::queue_waited(double seconds) {
    std::lock_guard<std::mutex> lock(mutex_);
    waits_.observe(seconds);
}

std::uint64_t Metrics::requests(std::string_view route, unsigned status) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = requests_.find({std::string(route), status});
    return it == requests_.end() ? 0 : it->second;
}

std::string Metrics::render() const {
    std::ostringstream out;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        out << "# HELP herald_http_requests_total HTTP requests answered, by route (handler) and "
               "status.\n# TYPE herald_http_requests_total counter\n";
        for (const auto& [key, n] : requests_) {
            out << "herald_http_requests_total{route=\"" << key.first << "\",status=\""
                << key.second << "\"} " << n << '\n';
        }
        durations_.render(out, "herald_http_request_duration_seconds",
                          "Time from a request read to its response ready.");
        waits_.render(out, "herald_search_queue_wait_seconds",
                      "Time a search waited in the queue for a worker.");
    }
    out << "# HELP herald_search_shed_total Searches answered 503 without being run: "
           "queue_delay (waited past the delay budget), queue_full (the hard queue cap).\n"
           "# TYPE herald_search_shed_total counter\n"
           "herald_search_shed_total{reason=\"queue_delay\"} "
        << shed_count(ShedReason::queue_delay) << '\n'
        << "herald_search_shed_total{reason=\"queue_full\"} " << shed_count(ShedReason::queue_full)
        << '\n';
    out << "# HELP herald_http_requests_in_flight Requests read and not yet answered.\n"
           "# TYPE herald_http_requests_in_flight gauge\n"
           "herald_http_requests_in_flight "
        << in_flight() << '\n';
    out << "# HELP herald_search_queue_depth Index requests waiting for a search worker.\n"
           "# TYPE herald_search_queue_depth gauge\n"
           "herald_search_queue_depth "
        << queue_depth_.load(std::memory_order_relaxed) << '\n';
    out << "# HELP herald_index_documents Documents (paragraphs) in the index as last opened.\n"
           "# TYPE herald_index_documents gauge\n"
           "herald_index_documents "
        << index_documents() << '\n';
    out << "# HELP herald_index_revision Xapian revision of the index as last opened.\n"
           "# TYPE herald_index_revision gauge\n"
           "herald_index_revision "
        << index_revision() << '\n';
    return out.str();
}

}  // namespace herald::server
