#include "server/metrics.h"

#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace symphony::server {
namespace {

// --- a strict parser of the text format 0.0.4, so tests check what Prometheus would read

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct Exposition {
  std::map<std::string, std::string> types;  // family -> type
  std::map<std::string, std::string> helps;  // family -> unescaped help
  std::vector<Sample> samples;

  std::vector<Sample> Find(const std::string& name,
                           const std::map<std::string, std::string>& labels = {}) const {
    std::vector<Sample> out;
    for (const Sample& s : samples) {
      if (s.name != name) continue;
      bool match = true;
      for (const auto& [k, v] : labels) {
        auto it = s.labels.find(k);
        if (it == s.labels.end() || it->second != v) match = false;
      }
      if (match) out.push_back(s);
    }
    return out;
  }
  // The value of the one sample with that name and labels (fails the test otherwise).
  double Value(const std::string& name, const std::map<std::string, std::string>& labels = {}) {
    const auto found = Find(name, labels);
    EXPECT_EQ(found.size(), 1u) << name;
    return found.empty() ? NAN : found[0].value;
  }
};

bool IsMetricName(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != ':') return false;
  }
  return true;
}

bool IsLabelName(const std::string& s) {
  return IsMetricName(s) && s.find(':') == std::string::npos && s.rfind("__", 0) != 0;
}

bool ParseValue(const std::string& s, double* v) {
  if (s == "+Inf") return *v = INFINITY, true;
  if (s == "-Inf") return *v = -INFINITY, true;
  if (s == "NaN") return *v = NAN, true;
  if (s.empty()) return false;
  char* end = nullptr;
  *v = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size();
}

// The family a sample belongs to: histograms' _bucket/_sum/_count name their family.
std::string FamilyOf(const std::string& name, const std::map<std::string, std::string>& types) {
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string sfx = suffix;
    if (name.size() > sfx.size() && name.compare(name.size() - sfx.size(), sfx.size(), sfx) == 0) {
      const std::string base = name.substr(0, name.size() - sfx.size());
      auto it = types.find(base);
      if (it != types.end() && it->second == "histogram") return base;
    }
  }
  return name;
}

// Parses `text` into *out, adding a test failure for every malformed line or format rule broken
// (a fatal one stops the parse).
void ParseInto(const std::string& text, Exposition* out) {
  Exposition& e = *out;
  EXPECT_TRUE(text.empty() || text.back() == '\n') << "the last line must end with \\n";
  std::istringstream in(text);
  std::string line;
  std::string current;  // family of the previous sample
  std::set<std::string> finished;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    SCOPED_TRACE("line " + std::to_string(n) + ": " + line);
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
      const bool help = line[2] == 'H';
      const std::string rest = line.substr(7);
      const size_t sp = rest.find(' ');
      ASSERT_NE(sp, std::string::npos);
      const std::string name = rest.substr(0, sp), arg = rest.substr(sp + 1);
      EXPECT_TRUE(IsMetricName(name));
      EXPECT_EQ(finished.count(name), 0u) << "HELP/TYPE after the family's samples";
      if (help) {
        EXPECT_EQ(e.helps.count(name), 0u) << "two HELP lines";
        std::string unescaped;
        for (size_t i = 0; i < arg.size(); ++i) {
          if (arg[i] != '\\') {
            unescaped += arg[i];
            continue;
          }
          ASSERT_LT(i + 1, arg.size());
          const char c = arg[++i];
          ASSERT_TRUE(c == '\\' || c == 'n') << "bad escape in HELP";
          unescaped += c == 'n' ? '\n' : '\\';
        }
        e.helps[name] = unescaped;
      } else {
        EXPECT_EQ(e.types.count(name), 0u) << "two TYPE lines";
        EXPECT_TRUE(arg == "counter" || arg == "gauge" || arg == "histogram" || arg == "summary" ||
                    arg == "untyped");
        e.types[name] = arg;
      }
      continue;
    }
    ASSERT_FALSE(line.empty()) << "empty line";
    ASSERT_NE(line[0], '#') << "unknown comment";
    Sample s;
    size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    s.name = line.substr(0, i);
    EXPECT_TRUE(IsMetricName(s.name));
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        const size_t eq = line.find('=', i);
        ASSERT_NE(eq, std::string::npos);
        const std::string lname = line.substr(i, eq - i);
        EXPECT_TRUE(IsLabelName(lname)) << lname;
        ASSERT_LT(eq + 1, line.size());
        ASSERT_EQ(line[eq + 1], '"');
        std::string value;
        size_t j = eq + 2;
        for (; j < line.size() && line[j] != '"'; ++j) {
          if (line[j] == '\\') {
            ASSERT_LT(j + 1, line.size());
            const char c = line[++j];
            ASSERT_TRUE(c == '\\' || c == '"' || c == 'n') << "bad escape in a label value";
            value += c == 'n' ? '\n' : c;
          } else {
            value += line[j];
          }
        }
        ASSERT_LT(j, line.size()) << "unterminated label value";
        EXPECT_EQ(s.labels.count(lname), 0u) << "label given twice";
        s.labels[lname] = value;
        i = j + 1;
        if (i < line.size() && line[i] == ',') ++i;
      }
      ASSERT_LT(i, line.size());
      ++i;  // '}'
    }
    ASSERT_LT(i, line.size());
    ASSERT_EQ(line[i], ' ');
    const std::string value = line.substr(i + 1);
    ASSERT_TRUE(ParseValue(value, &s.value)) << "bad value '" << value << "'";
    const std::string family = FamilyOf(s.name, e.types);
    EXPECT_EQ(e.types.count(family), 1u) << "sample without a TYPE line before it";
    if (family != current) {
      EXPECT_EQ(finished.count(family), 0u) << "family's samples are not contiguous";
      if (!current.empty()) finished.insert(current);
      current = family;
    }
    if (e.types[family] == "counter") {
      EXPECT_GE(s.value, 0);
    }
    e.samples.push_back(std::move(s));
  }
}

Exposition Parse(const std::string& text) {
  Exposition e;
  ParseInto(text, &e);
  return e;
}

// Checks every histogram series: ascending le, cumulative counts, +Inf last and equal to _count.
void CheckHistograms(const Exposition& e) {
  for (const auto& [family, type] : e.types) {
    if (type != "histogram") continue;
    std::map<std::map<std::string, std::string>, std::vector<std::pair<double, double>>> series;
    for (const Sample& s : e.Find(family + "_bucket")) {
      auto labels = s.labels;
      ASSERT_EQ(labels.count("le"), 1u) << family;
      double le = 0;
      ASSERT_TRUE(ParseValue(labels["le"], &le));
      labels.erase("le");
      series[labels].push_back({le, s.value});
    }
    EXPECT_FALSE(series.empty()) << family;
    for (const auto& [labels, buckets] : series) {
      for (size_t i = 1; i < buckets.size(); ++i) {
        EXPECT_LT(buckets[i - 1].first, buckets[i].first) << family;
        EXPECT_LE(buckets[i - 1].second, buckets[i].second) << family << ": not cumulative";
      }
      EXPECT_TRUE(std::isinf(buckets.back().first)) << family;
      const auto count = e.Find(family + "_count", labels);
      const auto sum = e.Find(family + "_sum", labels);
      ASSERT_EQ(count.size(), 1u);
      ASSERT_EQ(sum.size(), 1u);
      EXPECT_EQ(count[0].value, buckets.back().second) << family;
    }
  }
}

// --- the primitives

TEST(MetricsTest, CounterAndGauge) {
  Counter c;
  c.Inc();
  c.Inc(41);
  EXPECT_EQ(c.value(), 42u);
  Gauge g;
  g.Inc();
  g.Add(10);
  g.Dec();
  g.Sub(20);
  EXPECT_EQ(g.value(), -10);
  g.Set(7);
  EXPECT_EQ(g.value(), 7);
}

TEST(MetricsTest, HistogramBucketsAreUpperInclusive) {
  const double bounds[] = {1, 2, 5};
  Histogram h(bounds);
  for (double v : {-3.0, 0.5, 1.0, 1.5, 2.0, 4.0, 5.0, 5.5, 100.0, double{NAN}}) h.Observe(v);
  const Histogram::Snapshot s = h.Read();
  // le=1: -3, 0.5, 1; le=2: + 1.5, 2; le=5: + 4, 5; +Inf: + 5.5, 100. NaN ignored.
  EXPECT_EQ(s.cumulative, (std::vector<uint64_t>{3, 5, 7, 9}));
  EXPECT_EQ(s.count, 9u);
  EXPECT_DOUBLE_EQ(s.sum, -3 + 0.5 + 1 + 1.5 + 2 + 4 + 5 + 5.5 + 100);
  h.ObserveDuration(std::chrono::milliseconds(1500));
  EXPECT_EQ(h.Read().cumulative[1], 6u);
}

TEST(MetricsTest, RendersTheTextFormatExactly) {
  enum class Color : uint8_t { kRed, kBlue };
  constexpr std::string_view kColors[] = {"red", "blue"};
  const double bounds[] = {0.5, 1};
  Registry r;
  Counter& c = r.AddCounter("t_requests_total", "Requests.");
  auto& colors = r.AddEnumFamily<Gauge, Color>("t_color", "By color.", "color", kColors);
  Histogram& h = r.AddHistogram("t_latency_seconds", "Latency.", bounds);
  c.Inc(3);
  colors[Color::kBlue].Set(-2);
  h.Observe(0.25);
  h.Observe(0.75);
  h.Observe(3);
  EXPECT_EQ(r.RenderPrometheusText(),
            "# HELP t_requests_total Requests.\n"
            "# TYPE t_requests_total counter\n"
            "t_requests_total 3\n"
            "# HELP t_color By color.\n"
            "# TYPE t_color gauge\n"
            "t_color{color=\"red\"} 0\n"
            "t_color{color=\"blue\"} -2\n"
            "# HELP t_latency_seconds Latency.\n"
            "# TYPE t_latency_seconds histogram\n"
            "t_latency_seconds_bucket{le=\"0.5\"} 1\n"
            "t_latency_seconds_bucket{le=\"1\"} 2\n"
            "t_latency_seconds_bucket{le=\"+Inf\"} 3\n"
            "t_latency_seconds_sum 4\n"
            "t_latency_seconds_count 3\n");
}

TEST(MetricsTest, EscapesLabelValuesAndHelp) {
  Registry r;
  Family<Counter>* f = nullptr;
  {
    // A two-label family built directly, with values that need escaping.
    enum class One : uint8_t { kOnly };
    constexpr std::string_view kValues[] = {"a\"b\\c\nd"};
    auto& fam =
        r.AddEnumFamily<Counter, One>("t_odd_total", "Back\\slash and\nnewline.", "v", kValues);
    fam[One::kOnly].Inc(5);
    f = &fam;
  }
  const std::string text = r.RenderPrometheusText();
  EXPECT_NE(text.find("# HELP t_odd_total Back\\\\slash and\\nnewline.\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("t_odd_total{v=\"a\\\"b\\\\c\\nd\"} 5\n"), std::string::npos) << text;
  Exposition e = Parse(text);
  EXPECT_EQ(e.helps["t_odd_total"], "Back\\slash and\nnewline.");
  EXPECT_EQ(e.Value("t_odd_total", {{"v", "a\"b\\c\nd"}}), 5);
  EXPECT_EQ(f->size(), 1u);
}

TEST(MetricsTest, MultiLabelHistogramFamily) {
  Registry r;
  const double bounds[] = {1, 10};
  auto* fam = new Family<Histogram>("t_h", "H.", {"a", "b"}, {{"x", "y"}, {"x", "z"}}, bounds);
  r.AddCollector([fam](TextWriter& out) { fam->Render(out); });
  fam->at(0).Observe(5);
  fam->at(1).Observe(50);
  fam->at(1).Observe(0.5);
  Exposition e = Parse(r.RenderPrometheusText());
  CheckHistograms(e);
  EXPECT_EQ(e.Value("t_h_bucket", {{"a", "x"}, {"b", "y"}, {"le", "1"}}), 0);
  EXPECT_EQ(e.Value("t_h_bucket", {{"a", "x"}, {"b", "y"}, {"le", "10"}}), 1);
  EXPECT_EQ(e.Value("t_h_bucket", {{"a", "x"}, {"b", "z"}, {"le", "1"}}), 1);
  EXPECT_EQ(e.Value("t_h_count", {{"a", "x"}, {"b", "z"}}), 2);
  EXPECT_EQ(e.Value("t_h_sum", {{"a", "x"}, {"b", "z"}}), 50.5);
  delete fam;
}

// --- the server's families

TEST(ServerMetricsTest, EveryFamilyWithItsLabelsAndType) {
  ServerMetrics m;
  Exposition e = Parse(m.RenderPrometheusText());
  const std::map<std::string, std::string> expected = {
      {"symphony_connections", "gauge"},
      {"symphony_connections_total", "counter"},
      {"symphony_connection_closes_total", "counter"},
      {"symphony_rooms_loaded", "gauge"},
      {"symphony_document_bytes", "gauge"},
      {"symphony_messages_in_total", "counter"},
      {"symphony_messages_out_total", "counter"},
      {"symphony_bytes_in_total", "counter"},
      {"symphony_bytes_out_total", "counter"},
      {"symphony_integrate_seconds", "histogram"},
      {"symphony_durable_seconds", "histogram"},
      {"symphony_broadcast_seconds", "histogram"},
      {"symphony_room_load_seconds", "histogram"},
      {"symphony_storage_commit_seconds", "histogram"},
      {"symphony_storage_errors_total", "counter"},
      {"symphony_updates_total", "counter"},
      {"symphony_http_requests_total", "counter"},
      {"process_resident_memory_bytes", "gauge"},
      {"process_cpu_seconds_total", "counter"},
      {"process_open_fds", "gauge"},
      {"process_start_time_seconds", "gauge"},
  };
  for (const auto& [name, type] : expected) {
    EXPECT_EQ(e.types[name], type) << name;
    EXPECT_FALSE(e.helps[name].empty()) << name;
  }
  const auto values = [&](const std::string& name, const std::string& label) {
    std::vector<std::string> out;
    for (const Sample& s : e.Find(name)) out.push_back(s.labels.at(label));
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(values("symphony_connections", "protocol"), (V{"yws", "hocuspocus"}));
  EXPECT_EQ(values("symphony_connections_total", "protocol"), (V{"yws", "hocuspocus"}));
  EXPECT_EQ(values("symphony_connection_closes_total", "reason"),
            (V{"normal", "going_away", "protocol_error", "too_big", "rate_limited", "slow_reader",
               "room_full", "auth", "storage_error", "load_failed", "idle_timeout", "room_deleted",
               "text_frame", "other"}));
  const V types = {"sync_step1", "sync_step2", "sync_update", "awareness", "query_awareness",
                   "auth",       "stateless",  "sync_status", "close",     "other"};
  for (const char* f : {"symphony_messages_in_total", "symphony_messages_out_total",
                        "symphony_bytes_in_total", "symphony_bytes_out_total"}) {
    EXPECT_EQ(values(f, "type"), types) << f;
  }
  EXPECT_EQ(values("symphony_storage_errors_total", "op"),
            (V{"load", "append", "snapshot", "meta", "delete"}));
  EXPECT_EQ(values("symphony_http_requests_total", "code"),
            (V{"200", "201", "204", "400", "401", "403", "404", "405", "409", "413", "429", "500",
               "503", "other"}));
  EXPECT_EQ(e.Find("symphony_integrate_seconds_bucket").size(), kLatencyBuckets.size() + 1);
  EXPECT_EQ(e.Find("symphony_integrate_seconds_bucket").front().labels.at("le"), "0.0001");
  EXPECT_EQ(e.Find("symphony_integrate_seconds_bucket").back().labels.at("le"), "+Inf");
  CheckHistograms(e);
}

TEST(ServerMetricsTest, UpdatesShowInTheRendering) {
  ServerMetrics m;
  m.ConnectionOpened(Protocol::kYws);
  m.ConnectionOpened(Protocol::kYws);
  m.ConnectionOpened(Protocol::kHocuspocus);
  m.ConnectionClosed(Protocol::kYws);
  m.CountClose(CloseReason::kSlowReader);
  m.CountClose(CloseReason::kSlowReader);
  m.CountIn(MessageKind::kSyncUpdate, 100);
  m.CountIn(MessageKind::kSyncUpdate, 50);
  m.CountOut(MessageKind::kSyncUpdate, 300, 3);
  m.CountOut(MessageKind::kAwareness);
  m.AddBytesIn(7);
  m.CountStorageError(StorageOp::kSnapshot);
  m.CountHttp(404);
  m.CountHttp(418);
  m.CountHttp(200);
  m.rooms_loaded.Set(4);
  m.document_bytes.Add(1000);
  m.updates_total.Inc(2);
  for (double v : {0.00005, 0.0003, 0.002, 0.002, 20.0}) m.integrate_seconds.Observe(v);

  Exposition e = Parse(m.RenderPrometheusText());
  CheckHistograms(e);
  EXPECT_EQ(e.Value("symphony_connections", {{"protocol", "yws"}}), 1);
  EXPECT_EQ(e.Value("symphony_connections", {{"protocol", "hocuspocus"}}), 1);
  EXPECT_EQ(e.Value("symphony_connections_total", {{"protocol", "yws"}}), 2);
  EXPECT_EQ(e.Value("symphony_connection_closes_total", {{"reason", "slow_reader"}}), 2);
  EXPECT_EQ(e.Value("symphony_connection_closes_total", {{"reason", "normal"}}), 0);
  EXPECT_EQ(e.Value("symphony_messages_in_total", {{"type", "sync_update"}}), 2);
  EXPECT_EQ(e.Value("symphony_bytes_in_total", {{"type", "sync_update"}}), 150);
  EXPECT_EQ(e.Value("symphony_messages_out_total", {{"type", "sync_update"}}), 3);
  EXPECT_EQ(e.Value("symphony_bytes_out_total", {{"type", "sync_update"}}), 300);
  EXPECT_EQ(e.Value("symphony_messages_out_total", {{"type", "awareness"}}), 1);
  EXPECT_EQ(e.Value("symphony_socket_bytes_in_total"), 7);
  EXPECT_EQ(e.Value("symphony_storage_errors_total", {{"op", "snapshot"}}), 1);
  EXPECT_EQ(e.Value("symphony_http_requests_total", {{"code", "404"}}), 1);
  EXPECT_EQ(e.Value("symphony_http_requests_total", {{"code", "200"}}), 1);
  EXPECT_EQ(e.Value("symphony_http_requests_total", {{"code", "other"}}), 1);
  EXPECT_EQ(e.Value("symphony_rooms_loaded"), 4);
  EXPECT_EQ(e.Value("symphony_document_bytes"), 1000);
  EXPECT_EQ(e.Value("symphony_updates_total"), 2);
  const auto bucket = [&](const char* le) {
    return e.Value("symphony_integrate_seconds_bucket", {{"le", le}});
  };
  EXPECT_EQ(bucket("0.0001"), 1);
  EXPECT_EQ(bucket("0.0005"), 2);
  EXPECT_EQ(bucket("0.001"), 2);
  EXPECT_EQ(bucket("0.0025"), 4);
  EXPECT_EQ(bucket("10"), 4);
  EXPECT_EQ(bucket("+Inf"), 5);
  EXPECT_EQ(e.Value("symphony_integrate_seconds_count"), 5);
  EXPECT_NEAR(e.Value("symphony_integrate_seconds_sum"), 20.00435, 1e-9);
  EXPECT_EQ(e.Value("symphony_durable_seconds_count"), 0);
}

TEST(ServerMetricsTest, ProcessMetricsArePlausible) {
  ServerMetrics m;
  Exposition e = Parse(m.RenderPrometheusText());
  EXPECT_GT(e.Value("process_resident_memory_bytes"), 1 << 20);
  EXPECT_GE(e.Value("process_cpu_seconds_total"), 0);
  EXPECT_GE(e.Value("process_open_fds"), 3);  // stdin, stdout, stderr at least
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  const double start = e.Value("process_start_time_seconds");
  EXPECT_LE(start, now + 1);
  EXPECT_GT(start, now - 3600);  // this test process started within the hour
}

TEST(ServerMetricsTest, NamesAndHttpCodes) {
  EXPECT_EQ(Name(CloseReason::kIdleTimeout), "idle_timeout");
  EXPECT_EQ(Name(MessageKind::kQueryAwareness), "query_awareness");
  EXPECT_EQ(Name(StorageOp::kMeta), "meta");
  EXPECT_EQ(Name(Protocol::kHocuspocus), "hocuspocus");
  EXPECT_EQ(HttpCodeFromStatus(413), HttpCode::k413);
  EXPECT_EQ(HttpCodeFromStatus(502), HttpCode::kOther);
  EXPECT_EQ(&Metrics(), &Metrics());
}

TEST(ServerMetricsTest, ConcurrentUpdatesAreExactAndRenderingStaysValid) {
  ServerMetrics m;
  constexpr int kThreads = 4, kOps = 50000;
  std::atomic<bool> done{false};
  std::thread renderer([&] {
    int renders = 0;
    while (!done.load() || renders == 0) {
      Exposition e = Parse(m.RenderPrometheusText());
      CheckHistograms(e);
      ++renders;
    }
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&m, t] {
      for (int i = 0; i < kOps; ++i) {
        m.CountIn(MessageKind::kAwareness, 10);
        m.connections[Protocol::kYws].Inc();
        m.durable_seconds.Observe(t == 0 ? 0.001 : 0.5);
      }
    });
  }
  for (auto& th : threads) th.join();
  done = true;
  renderer.join();
  Exposition e = Parse(m.RenderPrometheusText());
  EXPECT_EQ(e.Value("symphony_messages_in_total", {{"type", "awareness"}}), kThreads * kOps);
  EXPECT_EQ(e.Value("symphony_bytes_in_total", {{"type", "awareness"}}), 10.0 * kThreads * kOps);
  EXPECT_EQ(e.Value("symphony_connections", {{"protocol", "yws"}}), kThreads * kOps);
  EXPECT_EQ(e.Value("symphony_durable_seconds_bucket", {{"le", "0.001"}}), kOps);
  EXPECT_EQ(e.Value("symphony_durable_seconds_count"), kThreads * kOps);
  EXPECT_NEAR(e.Value("symphony_durable_seconds_sum"), kOps * 0.001 + 3.0 * kOps * 0.5, 1e-6);
}

}  // namespace
}  // namespace symphony::server
