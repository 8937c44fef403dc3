// Counters of herald-server, rendered in the Prometheus text exposition format (version 0.0.4).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace herald::server {

/// @brief Request counts by route and status, a latency histogram, in-flight requests and the
///        state of the index. Thread-safe: every member function may be called from any thread.
class Metrics {
   public:
    /// Upper bounds of the latency histogram's buckets, in seconds (+Inf is implied).
    static constexpr std::array<double, 12> kBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                     0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

    /// A request was read and is being answered.
    void request_started() { in_flight_.fetch_add(1, std::memory_order_relaxed); }

    /// @brief The response to a request was produced (request_started() was called before).
    /// @param route the handler name ("get_search") or "none" when no route matched.
    /// @param status HTTP status.
    /// @param seconds time from reading the request to the response, in seconds.
    void request_finished(std::string_view route, unsigned status, double seconds);

    /// @brief Records the index a worker just (re)opened: document count and revision.
    void set_index(std::uint64_t documents, std::uint64_t revision) {
        index_documents_.store(documents, std::memory_order_relaxed);
        index_revision_.store(revision, std::memory_order_relaxed);
    }

    /// @brief Sets the number of searches waiting for a worker (gauge).
    void set_queue_depth(std::size_t depth) {
        queue_depth_.store(depth, std::memory_order_relaxed);
    }

    /// @brief A search worker took a job that had waited @p seconds in the queue (histogram
    ///        herald_search_queue_wait_seconds, same buckets as the request latency).
    void queue_waited(double seconds);

    /// Why a search was refused with 503 without being run.
    enum class ShedReason {
        queue_delay,  ///< it waited past the delay budget (QueueDelayShedder)
        queue_full,   ///< the queue held queue_limit searches already (hard cap)
    };
    /// @brief Counts one search refused for @p reason (herald_search_shed_total{reason}).
    void shed(ShedReason reason) {
        shed_[static_cast<std::size_t>(reason)].fetch_add(1, std::memory_order_relaxed);
    }
    /// @brief Searches refused for @p reason so far.
    std::uint64_t shed_count(ShedReason reason) const {
        return shed_[static_cast<std::size_t>(reason)].load(std::memory_order_relaxed);
    }

    std::int64_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }
    std::uint64_t index_documents() const {
        return index_documents_.load(std::memory_order_relaxed);
    }
    std::uint64_t index_revision() const { return index_revision_.load(std::memory_order_relaxed); }

    /// @brief How many requests of @p route were answered with @p status so far.
    std::uint64_t requests(std::string_view route, unsigned status) const;

    /// @brief Every metric in the Prometheus text format: herald_http_requests_total{route,
    ///        status}, herald_http_request_duration_seconds (histogram),
    ///        herald_http_requests_in_flight, herald_search_queue_depth,
    ///        herald_search_queue_wait_seconds (histogram), herald_search_shed_total{reason},
    ///        herald_index_documents, herald_index_revision.
    std::string render() const;

   private:
    // A histogram over kBuckets; guarded by mutex_.
    struct Histogram {
        std::array<std::uint64_t, kBuckets.size() + 1> counts{};  // last: +Inf
        double sum = 0;
        std::uint64_t count = 0;
        void observe(double seconds);
        // Its HELP, TYPE, cumulative _bucket lines, _sum and _count, as metric @p name.
        void render(std::ostream& out, const char* name, const char* help) const;
    };

    mutable std::mutex mutex_;
    std::map<std::pair<std::string, unsigned>, std::uint64_t> requests_;
    Histogram durations_;  // herald_http_request_duration_seconds
    Histogram waits_;      // herald_search_queue_wait_seconds
    std::array<std::atomic<std::uint64_t>, 2> shed_{};
    std::atomic<std::int64_t> in_flight_{0};
    std::atomic<std::size_t> queue_depth_{0};
    std::atomic<std::uint64_t> index_documents_{0};
    std::atomic<std::uint64_t> index_revision_{0};
};

}  // namespace herald::server
