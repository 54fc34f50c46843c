#include "server/metrics.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>

namespace symphony::server {

static_assert(kCloseReasonNames.size() == static_cast<size_t>(CloseReason::kOther) + 1);
static_assert(kMessageKindNames.size() == static_cast<size_t>(MessageKind::kOther) + 1);
static_assert(kStorageOpNames.size() == static_cast<size_t>(StorageOp::kDelete) + 1);
static_assert(kHttpCodeNames.size() == static_cast<size_t>(HttpCode::kOther) + 1);
static_assert(kProtocolNames.size() == static_cast<size_t>(Protocol::kHocuspocus) + 1);

// --- Histogram

Histogram::Histogram(std::span<const double> bounds)
    : num_bounds_(bounds.size()),
      bounds_(std::make_unique<double[]>(bounds.size())),
      counts_(std::make_unique<std::atomic<uint64_t>[]>(bounds.size() + 1)) {
  std::copy(bounds.begin(), bounds.end(), bounds_.get());
}

void Histogram::Observe(double v) {
  if (std::isnan(v)) return;
  // First bound >= v: buckets are `le` (upper bound inclusive); past the last, +Inf.
  const double* begin = bounds_.get();
  const size_t i = static_cast<size_t>(std::lower_bound(begin, begin + num_bounds_, v) - begin);
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot s;
  s.cumulative.resize(num_bounds_ + 1);
  uint64_t total = 0;
  for (size_t i = 0; i <= num_bounds_; ++i) {
    total += counts_[i].load(std::memory_order_relaxed);
    s.cumulative[i] = total;
  }
  s.count = total;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

// --- TextWriter

namespace {

void AppendEscaped(std::string* out, std::string_view s, bool quote_too) {
  for (char c : s) {
    if (c == '\\') {
      *out += "\\\\";
    } else if (c == '\n') {
      *out += "\\n";
    } else if (quote_too && c == '"') {
      *out += "\\\"";
    } else {
      *out += c;
    }
  }
}

void AppendDouble(std::string* out, double v) {
  if (std::isnan(v)) {
    *out += "NaN";
  } else if (std::isinf(v)) {
    *out += v > 0 ? "+Inf" : "-Inf";
  } else {
    fmt::format_to(std::back_inserter(*out), "{}", v);
  }
}

}  // namespace

void TextWriter::Header(std::string_view name, std::string_view help, std::string_view type) {
  *out_ += "# HELP ";
  *out_ += name;
  *out_ += ' ';
  AppendEscaped(out_, help, /*quote_too=*/false);
  *out_ += "\n# TYPE ";
  *out_ += name;
  *out_ += ' ';
  *out_ += type;
  *out_ += '\n';
}

void TextWriter::Start(std::string_view name, std::span<const Label> labels) {
  *out_ += name;
  if (labels.empty()) {
    *out_ += ' ';
    return;
  }
  *out_ += '{';
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) *out_ += ',';
    *out_ += labels[i].name;
    *out_ += "=\"";
    AppendEscaped(out_, labels[i].value, /*quote_too=*/true);
    *out_ += '"';
  }
  *out_ += "} ";
}

void TextWriter::Sample(std::string_view name, std::span<const Label> labels, double value) {
  Start(name, labels);
  AppendDouble(out_, value);
  *out_ += '\n';
}

void TextWriter::Sample(std::string_view name, std::span<const Label> labels, uint64_t value) {
  Start(name, labels);
  fmt::format_to(std::back_inserter(*out_), "{}\n", value);
}

void TextWriter::Sample(std::string_view name, std::span<const Label> labels, int64_t value) {
  Start(name, labels);
  fmt::format_to(std::back_inserter(*out_), "{}\n", value);
}

// --- Family

template <class M>
void Family<M>::Render(TextWriter& out) const {
  constexpr std::string_view type = std::is_same_v<M, Counter> ? "counter"
                                    : std::is_same_v<M, Gauge> ? "gauge"
                                                               : "histogram";
  out.Header(name_, help_, type);
  std::vector<TextWriter::Label> labels;
  for (size_t c = 0; c < children_.size(); ++c) {
    labels.clear();
    for (size_t l = 0; l < label_names_.size(); ++l) {
      labels.push_back({label_names_[l], label_values_[c][l]});
    }
    const M& m = *children_[c];
    if constexpr (std::is_same_v<M, Histogram>) {
      const Histogram::Snapshot s = m.Read();
      const std::span<const double> bounds = m.bounds();
      const std::string bucket = name_ + "_bucket";
      labels.push_back({"le", ""});
      std::string le;
      for (size_t b = 0; b <= bounds.size(); ++b) {
        le.clear();
        AppendDouble(&le, b < bounds.size() ? bounds[b] : HUGE_VAL);
        labels.back().value = le;
        out.Sample(bucket, labels, s.cumulative[b]);
      }
      labels.pop_back();
      out.Sample(name_ + "_sum", labels, s.sum);
      out.Sample(name_ + "_count", labels, s.count);
    } else {
      out.Sample(name_, labels, m.value());
    }
  }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

// --- Registry

namespace {

class Collector final : public Collectable {
 public:
  explicit Collector(std::function<void(TextWriter&)> f) : f_(std::move(f)) {}
  void Render(TextWriter& out) const override { f_(out); }

 private:
  std::function<void(TextWriter&)> f_;
};

std::vector<std::vector<std::string>> OneUnlabeledChild() {
  return std::vector<std::vector<std::string>>(1);
}

}  // namespace

Counter& Registry::AddCounter(std::string name, std::string help) {
  auto f = std::make_unique<Family<Counter>>(std::move(name), std::move(help),
                                             std::vector<std::string>{}, OneUnlabeledChild());
  Counter& c = f->at(0);
  items_.push_back(std::move(f));
  return c;
}

Gauge& Registry::AddGauge(std::string name, std::string help) {
  auto f = std::make_unique<Family<Gauge>>(std::move(name), std::move(help),
                                           std::vector<std::string>{}, OneUnlabeledChild());
  Gauge& g = f->at(0);
  items_.push_back(std::move(f));
  return g;
}

Histogram& Registry::AddHistogram(std::string name, std::string help,
                                  std::span<const double> bounds) {
  auto f = std::make_unique<Family<Histogram>>(
      std::move(name), std::move(help), std::vector<std::string>{}, OneUnlabeledChild(), bounds);
  Histogram& h = f->at(0);
  items_.push_back(std::move(f));
  return h;
}

void Registry::AddCollector(std::function<void(TextWriter&)> collect) {
  items_.push_back(std::make_unique<Collector>(std::move(collect)));
}

std::string Registry::RenderPrometheusText() const {
  std::string out;
  out.reserve(16384);
  TextWriter writer(&out);
  for (const auto& item : items_) item->Render(writer);
  return out;
}

// --- process metrics

namespace {

std::optional<std::string> ReadSmallFile(const char* path) {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string data;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof(buf))) > 0) data.append(buf, static_cast<size_t>(n));
  ::close(fd);
  if (n < 0) return std::nullopt;
  return data;
}

// Whitespace-separated fields of /proc/self/stat after the command name, so that [0] is field 3
// (state) of proc(5). The name is in parentheses and may itself hold spaces and parentheses.
std::vector<std::string_view> StatFields(std::string_view stat) {
  std::vector<std::string_view> fields;
  const size_t close = stat.rfind(')');
  if (close == std::string_view::npos) return fields;
  std::string_view rest = stat.substr(close + 1);
  while (!rest.empty()) {
    const size_t start = rest.find_first_not_of(" \n");
    if (start == std::string_view::npos) break;
    rest.remove_prefix(start);
    const size_t end = std::min(rest.find_first_of(" \n"), rest.size());
    fields.push_back(rest.substr(0, end));
    rest.remove_prefix(end);
  }
  return fields;
}

std::optional<double> ToNumber(std::string_view s) {
  if (s.empty()) return std::nullopt;
  double v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

void CollectProcess(TextWriter& out) {
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const std::optional<std::string> stat = ReadSmallFile("/proc/self/stat");
  const std::vector<std::string_view> f =
      stat ? StatFields(*stat) : std::vector<std::string_view>{};
  // proc(5): utime 14, stime 15, starttime 22 (clock ticks; starttime since boot).
  constexpr size_t kUtime = 14 - 3, kStime = 15 - 3, kStart = 22 - 3;
  if (f.size() > kStart && ticks > 0) {
    const auto utime = ToNumber(f[kUtime]), stime = ToNumber(f[kStime]);
    if (utime && stime) {
      out.Header("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                 "counter");
      out.Sample("process_cpu_seconds_total", {}, (*utime + *stime) / ticks);
    }
  }
  if (const auto statm = ReadSmallFile("/proc/self/statm")) {
    const std::string fields = ") " + *statm;
    const std::vector<std::string_view> m = StatFields(fields);
    if (m.size() > 1) {
      if (const auto pages = ToNumber(m[1])) {
        out.Header("process_resident_memory_bytes", "Resident memory size in bytes.", "gauge");
        out.Sample("process_resident_memory_bytes", {},
                   *pages * static_cast<double>(::sysconf(_SC_PAGESIZE)));
      }
    }
  }
  if (DIR* dir = ::opendir("/proc/self/fd")) {
    int64_t n = 0;
    while (const dirent* e = ::readdir(dir)) {
      if (e->d_name[0] != '.') ++n;
    }
    ::closedir(dir);
    out.Header("process_open_fds", "Number of open file descriptors.", "gauge");
    out.Sample("process_open_fds", {}, n - 1);  // not counting the one reading the directory
  }
  struct rlimit lim;
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY) {
    out.Header("process_max_fds", "Maximum number of open file descriptors.", "gauge");
    out.Sample("process_max_fds", {}, static_cast<uint64_t>(lim.rlim_cur));
  }
  if (f.size() > kStart && ticks > 0) {
    // Boot time (btime in /proc/stat) plus the start offset.
    const std::optional<std::string> sys = ReadSmallFile("/proc/stat");
    const size_t at = sys ? sys->find("\nbtime ") : std::string::npos;
    if (at != std::string::npos) {
      const size_t from = at + 7;
      const size_t to = sys->find('\n', from);
      const auto btime = ToNumber(std::string_view(*sys).substr(from, to - from));
      const auto start = ToNumber(f[kStart]);
      if (btime && start) {
        out.Header("process_start_time_seconds",
                   "Start time of the process since unix epoch in seconds.", "gauge");
        out.Sample("process_start_time_seconds", {}, *btime + *start / ticks);
      }
    }
  }
}

}  // namespace

void AddProcessCollector(Registry& registry) { registry.AddCollector(CollectProcess); }

// --- the server's families

HttpCode HttpCodeFromStatus(int status) {
  switch (status) {
    case 200:
      return HttpCode::k200;
    case 201:
      return HttpCode::k201;
    case 204:
      return HttpCode::k204;
    case 400:
      return HttpCode::k400;
    case 401:
      return HttpCode::k401;
    case 403:
      return HttpCode::k403;
    case 404:
      return HttpCode::k404;
    case 405:
      return HttpCode::k405;
    case 409:
      return HttpCode::k409;
    case 413:
      return HttpCode::k413;
    case 429:
      return HttpCode::k429;
    case 500:
      return HttpCode::k500;
    case 503:
      return HttpCode::k503;
    default:
      return HttpCode::kOther;
  }
}

std::string_view Name(Protocol p) { return kProtocolNames[static_cast<size_t>(p)]; }
std::string_view Name(CloseReason r) { return kCloseReasonNames[static_cast<size_t>(r)]; }
std::string_view Name(MessageKind k) { return kMessageKindNames[static_cast<size_t>(k)]; }
std::string_view Name(StorageOp op) { return kStorageOpNames[static_cast<size_t>(op)]; }

namespace {
constexpr std::span<const double> kBuckets(kLatencyBuckets);
}  // namespace

ServerMetrics::ServerMetrics()
    : connections(registry.AddEnumFamily<Gauge, Protocol>(
          "symphony_connections", "Open WebSocket connections.", "protocol", kProtocolNames)),
      connections_total(registry.AddEnumFamily<Counter, Protocol>("symphony_connections_total",
                                                                  "WebSocket connections accepted.",
                                                                  "protocol", kProtocolNames)),
      connection_closes(registry.AddEnumFamily<Counter, CloseReason>(
          "symphony_connection_closes_total", "WebSocket connections closed, by reason.", "reason",
          kCloseReasonNames)),
      rooms_loaded(registry.AddGauge("symphony_rooms_loaded", "Rooms loaded in memory.")),
      document_bytes(registry.AddGauge("symphony_document_bytes",
                                       "Encoded size of the loaded rooms' documents, summed.")),
      messages_in(registry.AddEnumFamily<Counter, MessageKind>(
          "symphony_messages_in_total", "Protocol messages received.", "type", kMessageKindNames)),
      messages_out(registry.AddEnumFamily<Counter, MessageKind>(
          "symphony_messages_out_total", "Protocol messages sent (one per socket).", "type",
          kMessageKindNames)),
      bytes_in(registry.AddEnumFamily<Counter, MessageKind>("symphony_bytes_in_total",
                                                            "Bytes of protocol messages received.",
                                                            "type", kMessageKindNames)),
      bytes_out(registry.AddEnumFamily<Counter, MessageKind>("symphony_bytes_out_total",
                                                             "Bytes of protocol messages sent.",
                                                             "type", kMessageKindNames)),
      socket_bytes_in(registry.AddCounter("symphony_socket_bytes_in_total",
                                          "WebSocket message bytes read from sockets.")),
      socket_bytes_out(registry.AddCounter("symphony_socket_bytes_out_total",
                                           "WebSocket message bytes written to sockets.")),
      integrate_seconds(registry.AddHistogram("symphony_integrate_seconds",
                                              "Time to apply one update to a room's document.",
                                              kBuckets)),
      durable_seconds(registry.AddHistogram("symphony_durable_seconds",
                                            "Time from an update's arrival until it is durable.",
                                            kBuckets)),
      broadcast_seconds(registry.AddHistogram(
          "symphony_broadcast_seconds",
          "Time from an update being durable until it is queued to every socket of the room.",
          kBuckets)),
      room_load_seconds(registry.AddHistogram("symphony_room_load_seconds",
                                              "Time to load a room from storage.", kBuckets)),
      storage_commit_seconds(registry.AddHistogram("symphony_storage_commit_seconds",
                                                   "Time of one storage commit.", kBuckets)),
      storage_errors(registry.AddEnumFamily<Counter, StorageOp>("symphony_storage_errors_total",
                                                                "Storage operations that failed.",
                                                                "op", kStorageOpNames)),
      updates_total(registry.AddCounter("symphony_updates_total", "Document updates applied.")),
      http_requests(registry.AddEnumFamily<Counter, HttpCode>(
          "symphony_http_requests_total", "HTTP requests answered, by status code.", "code",
          kHttpCodeNames)) {
  AddProcessCollector(registry);
}

ServerMetrics& Metrics() {
  static ServerMetrics* const metrics = new ServerMetrics;  // never destroyed: safe at exit
  return *metrics;
}

}  // namespace symphony::server
