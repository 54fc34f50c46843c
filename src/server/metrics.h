// Metrics: a small Prometheus registry (counters, gauges, histograms with labels) and the
// server's metric families (ServerMetrics), rendered for GET /metrics in the Prometheus text
// exposition format 0.0.4.
//
// Hot path: Inc/Add/Set/Observe are relaxed atomic operations on memory allocated at
// registration; no locks, no allocation, no map lookups. A family's label values are fixed when
// it is registered, and its children are indexed by an enum (`closes[CloseReason::kAuth].Inc()`),
// so the label set of a series is chosen at compile time. Series with unbounded label values
// (room names, user ids) do not belong here: they would grow the exposition without bound.
//
// Consistency: rendering reads each atomic once, without stopping writers. A histogram's _count
// always equals its +Inf bucket (it is computed from the buckets); its _sum may include an
// observation whose bucket is not yet counted, or the reverse, which Prometheus tolerates.
//
// Thread-safety: every update and RenderPrometheusText may run concurrently from any thread.
// Registration (Registry::Add*) is not thread-safe: do it before the registry is shared (the
// ServerMetrics constructor does all of it).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace symphony::server {

// A monotonically increasing count.
class Counter {
 public:
  void Inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A value that goes up and down.
class Gauge {
 public:
  void Set(int64_t v) { value_.store(v, std::memory_order_relaxed); }
  void Add(int64_t d) { value_.fetch_add(d, std::memory_order_relaxed); }
  void Sub(int64_t d) { value_.fetch_sub(d, std::memory_order_relaxed); }
  void Inc() { Add(1); }
  void Dec() { Sub(1); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

// Observations counted into fixed buckets. `bounds` are the buckets' upper bounds (inclusive:
// Prometheus `le`), finite and strictly ascending; the +Inf bucket is implicit. NaN observations
// are ignored.
class Histogram {
 public:
  explicit Histogram(std::span<const double> bounds);

  void Observe(double v);
  void ObserveDuration(std::chrono::nanoseconds d) {
    Observe(std::chrono::duration<double>(d).count());
  }

  std::span<const double> bounds() const { return {bounds_.get(), num_bounds_}; }
  struct Snapshot {
    std::vector<uint64_t> cumulative;  // one per bound, then +Inf (== count)
    uint64_t count = 0;
    double sum = 0;
  };
  Snapshot Read() const;

 private:
  size_t num_bounds_;
  std::unique_ptr<double[]> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // per bucket (not cumulative), +Inf last
  std::atomic<double> sum_{0};
};

// Writes the text exposition format: HELP/TYPE headers and samples, with escaping.
class TextWriter {
 public:
  struct Label {
    std::string_view name;
    std::string_view value;
  };
  explicit TextWriter(std::string* out) : out_(out) {}
  // type: "counter", "gauge", "histogram", "untyped".
  void Header(std::string_view name, std::string_view help, std::string_view type);
  void Sample(std::string_view name, std::span<const Label> labels, double value);
  void Sample(std::string_view name, std::span<const Label> labels, uint64_t value);
  void Sample(std::string_view name, std::span<const Label> labels, int64_t value);

 private:
  void Start(std::string_view name, std::span<const Label> labels);
  std::string* out_;
};

// Something the registry renders: a family, or a collector that reads values at render time.
class Collectable {
 public:
  virtual ~Collectable() = default;
  virtual void Render(TextWriter& out) const = 0;
};

// One metric family (name, help, type) with a fixed set of children, each with its own label
// values. M is Counter, Gauge or Histogram.
template <class M>
class Family : public Collectable {
 public:
  // label_values[i] are child i's values for `label_names`, in order. `args` construct each child
  // (the bounds of a Histogram).
  template <class... Args>
  Family(std::string name, std::string help, std::vector<std::string> label_names,
         std::vector<std::vector<std::string>> label_values, const Args&... args)
      : name_(std::move(name)),
        help_(std::move(help)),
        label_names_(std::move(label_names)),
        label_values_(std::move(label_values)) {
    children_.reserve(label_values_.size());
    for (size_t i = 0; i < label_values_.size(); ++i) {
      children_.push_back(std::make_unique<M>(args...));
    }
  }

  M& at(size_t i) { return *children_[i]; }
  const M& at(size_t i) const { return *children_[i]; }
  size_t size() const { return children_.size(); }
  const std::string& name() const { return name_; }
  void Render(TextWriter& out) const override;

 private:
  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
  std::vector<std::vector<std::string>> label_values_;
  std::vector<std::unique_ptr<M>> children_;
};

extern template class Family<Counter>;
extern template class Family<Gauge>;
extern template class Family<Histogram>;

// A family with one label whose values are the enumerators of E (0, 1, ... n-1, in order).
template <class M, class E>
requires std::is_enum_v<E>
class EnumFamily : public Family<M> {
 public:
  template <class... Args>
  EnumFamily(std::string name, std::string help, std::string label,
             std::span<const std::string_view> values, const Args&... args)
      : Family<M>(std::move(name), std::move(help), {std::move(label)}, ToRows(values), args...) {}

  M& operator[](E e) { return this->at(static_cast<size_t>(e)); }
  const M& operator[](E e) const { return this->at(static_cast<size_t>(e)); }

 private:
  static std::vector<std::vector<std::string>> ToRows(std::span<const std::string_view> values) {
    std::vector<std::vector<std::string>> rows;
    for (std::string_view v : values) rows.push_back({std::string(v)});
    return rows;
  }
};

// Owns families and collectors and renders them in registration order. References returned by
// the Add* functions stay valid for the registry's lifetime.
class Registry {
 public:
  Counter& AddCounter(std::string name, std::string help);
  Gauge& AddGauge(std::string name, std::string help);
  Histogram& AddHistogram(std::string name, std::string help, std::span<const double> bounds);

  template <class M, class E, class... Args>
  EnumFamily<M, E>& AddEnumFamily(std::string name, std::string help, std::string label,
                                  std::span<const std::string_view> values, const Args&... args) {
    auto family = std::make_unique<EnumFamily<M, E>>(std::move(name), std::move(help),
                                                     std::move(label), values, args...);
    EnumFamily<M, E>& ref = *family;
    items_.push_back(std::move(family));
    return ref;
  }

  // `collect` runs on every render (on the rendering thread) and writes its own families.
  void AddCollector(std::function<void(TextWriter&)> collect);

  std::string RenderPrometheusText() const;

 private:
  std::vector<std::unique_ptr<Collectable>> items_;
};

// Registers process_resident_memory_bytes, process_cpu_seconds_total, process_open_fds and
// process_start_time_seconds, read from /proc/self at render time (omitted where unreadable).
void AddProcessCollector(Registry& registry);

// ---------------------------------------------------------------------------------------------
// The server's metrics.

// Latency buckets in seconds, 100 µs to 10 s.
inline constexpr std::array<double, 15> kLatencyBuckets = {
    0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

enum class Protocol : uint8_t { kYws, kHocuspocus };
inline constexpr std::array<std::string_view, 2> kProtocolNames = {"yws", "hocuspocus"};

// Why a connection closed (label `reason` of symphony_connection_closes_total).
enum class CloseReason : uint8_t {
  kNormal,
  kGoingAway,
  kProtocolError,
  kTooBig,
  kRateLimited,
  kSlowReader,
  kRoomFull,
  kAuth,
  kStorageError,
  kLoadFailed,
  kIdleTimeout,
  kRoomDeleted,
  kTextFrame,
  kOther,
};
inline constexpr std::array<std::string_view, 14> kCloseReasonNames = {
    "normal",       "going_away",   "protocol_error", "too_big",       "rate_limited",
    "slow_reader",  "room_full",    "auth",           "storage_error", "load_failed",
    "idle_timeout", "room_deleted", "text_frame",     "other"};

// Kinds of protocol message (label `type` of the message and byte counters).
enum class MessageKind : uint8_t {
  kSyncStep1,
  kSyncStep2,
  kSyncUpdate,
  kAwareness,
  kQueryAwareness,
  kAuth,
  kStateless,
  kSyncStatus,
  kClose,
  kOther,
};
inline constexpr std::array<std::string_view, 10> kMessageKindNames = {
    "sync_step1", "sync_step2", "sync_update", "awareness", "query_awareness",
    "auth",       "stateless",  "sync_status", "close",     "other"};

enum class StorageOp : uint8_t { kLoad, kAppend, kSnapshot, kMeta, kDelete };
inline constexpr std::array<std::string_view, 5> kStorageOpNames = {"load", "append", "snapshot",
                                                                    "meta", "delete"};

// HTTP status codes with their own series; every other code counts as "other".
enum class HttpCode : uint8_t {
  k200,
  k201,
  k204,
  k400,
  k401,
  k403,
  k404,
  k405,
  k409,
  k413,
  k429,
  k500,
  k503,
  kOther,
};
inline constexpr std::array<std::string_view, 14> kHttpCodeNames = {
    "200", "201", "204", "400", "401", "403", "404",
    "405", "409", "413", "429", "500", "503", "other"};
HttpCode HttpCodeFromStatus(int status);

std::string_view Name(Protocol p);
std::string_view Name(CloseReason r);
std::string_view Name(MessageKind k);
std::string_view Name(StorageOp op);

// Every metric of the server. The exported name is beside each member. Not copyable; the
// process-wide instance is Metrics(), tests may make their own.
struct ServerMetrics {
  ServerMetrics();
  ServerMetrics(const ServerMetrics&) = delete;
  ServerMetrics& operator=(const ServerMetrics&) = delete;

  std::string RenderPrometheusText() const { return registry.RenderPrometheusText(); }

  // One message received / sent: counts it and its bytes under `kind`. `messages` > 1 counts a
  // broadcast of one message to that many sockets (bytes is then the total).
  void CountIn(MessageKind kind, size_t bytes) {
    messages_in[kind].Inc();
    bytes_in[kind].Inc(bytes);
  }
  void CountOut(MessageKind kind, size_t bytes = 0, uint64_t messages = 1) {
    messages_out[kind].Inc(messages);
    bytes_out[kind].Inc(bytes);
  }
  // Bytes read from / written to sockets, whatever they carried.
  void AddBytesIn(size_t bytes) { socket_bytes_in.Inc(bytes); }
  void AddBytesOut(size_t bytes) { socket_bytes_out.Inc(bytes); }
  void CountClose(CloseReason reason) { connection_closes[reason].Inc(); }
  void CountStorageError(StorageOp op) { storage_errors[op].Inc(); }
  void CountHttp(int status) { http_requests[HttpCodeFromStatus(status)].Inc(); }
  // A connection opened / closed (the gauge and, on open, the total).
  void ConnectionOpened(Protocol p) {
    connections[p].Inc();
    connections_total[p].Inc();
  }
  void ConnectionClosed(Protocol p) { connections[p].Dec(); }

  Registry registry;  // first: the members below live in it

  EnumFamily<Gauge, Protocol>& connections;             // symphony_connections{protocol}
  EnumFamily<Counter, Protocol>& connections_total;     // symphony_connections_total{protocol}
  EnumFamily<Counter, CloseReason>& connection_closes;  // symphony_connection_closes_total{reason}
  Gauge& rooms_loaded;                                  // symphony_rooms_loaded
  Gauge& document_bytes;  // symphony_document_bytes: encoded size, summed over loaded rooms
  EnumFamily<Counter, MessageKind>& messages_in;   // symphony_messages_in_total{type}
  EnumFamily<Counter, MessageKind>& messages_out;  // symphony_messages_out_total{type}
  EnumFamily<Counter, MessageKind>& bytes_in;      // symphony_bytes_in_total{type}
  EnumFamily<Counter, MessageKind>& bytes_out;     // symphony_bytes_out_total{type}
  Counter& socket_bytes_in;                        // symphony_socket_bytes_in_total
  Counter& socket_bytes_out;                       // symphony_socket_bytes_out_total
  Histogram& integrate_seconds;       // symphony_integrate_seconds: applying one update
  Histogram& durable_seconds;         // symphony_durable_seconds: update received -> durable
  Histogram& broadcast_seconds;       // symphony_broadcast_seconds: durable -> queued to all
  Histogram& room_load_seconds;       // symphony_room_load_seconds
  Histogram& storage_commit_seconds;  // symphony_storage_commit_seconds: one storage commit
  EnumFamily<Counter, StorageOp>& storage_errors;  // symphony_storage_errors_total{op}
  Counter& updates_total;                          // symphony_updates_total: updates applied
  EnumFamily<Counter, HttpCode>& http_requests;    // symphony_http_requests_total{code}
  // Then process_* gauges, read at render time (AddProcessCollector).
};

// The process-wide instance the server updates and GET /metrics renders (created on first use).
ServerMetrics& Metrics();

}  // namespace symphony::server
