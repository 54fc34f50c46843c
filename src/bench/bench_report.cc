#include "bench/bench_report.h"

#include <cstdio>
#include <string>

namespace symphony::bench {

namespace {

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string JsonOpt(const std::optional<double>& v, int decimals) {
  return v ? Fixed(*v, decimals) : "null";
}

std::optional<double> Ms(const LatencyHistogram& h, double q) {
  if (h.count() == 0) return std::nullopt;
  return static_cast<double>(q >= 1 ? h.max() : h.Percentile(q)) / 1000.0;
}

class JsonLine {
 public:
  void Raw(const char* key, const std::string& value) {
    out_ += out_.empty() ? "{\"" : ",\"";
    out_ += key;
    out_ += "\":";
    out_ += value;
  }
  void Num(const char* key, uint64_t v) { Raw(key, std::to_string(v)); }
  void Num(const char* key, double v, int decimals) { Raw(key, Fixed(v, decimals)); }
  void Opt(const char* key, const std::optional<double>& v, int decimals) {
    Raw(key, JsonOpt(v, decimals));
  }
  // Only for strings we made ourselves or validated: escapes '"', '\' and control characters.
  void Str(const char* key, const std::string& s) {
    std::string q = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\') {
        q += '\\';
        q += c;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        q += buf;
      } else {
        q += c;
      }
    }
    Raw(key, q + "\"");
  }
  std::string Finish() { return out_ + "}"; }

 private:
  std::string out_;
};

std::string Cell(const std::optional<double>& v, int decimals, int width) {
  std::string s = v ? Fixed(*v, decimals) : "-";
  return std::string(s.size() < static_cast<size_t>(width) ? width - s.size() : 0, ' ') + s;
}

std::string Cell(const std::string& s, int width) {
  return std::string(s.size() < static_cast<size_t>(width) ? width - s.size() : 0, ' ') + s;
}

std::string Row(const char* name, uint64_t sent, std::optional<uint64_t> expected,
                uint64_t received, const LatencyHistogram& h) {
  std::string row = name;
  row.resize(14, ' ');
  row += Cell(std::to_string(sent), 9);
  row += Cell(expected ? std::to_string(*expected) : "-", 11);
  row += Cell(std::to_string(received), 11);
  std::optional<double> d = expected ? Delivery(received, *expected) : std::nullopt;
  row += Cell(d ? Fixed(*d * 100, 2) + "%" : "-", 10);
  row += Cell(Ms(h, 0.5), 2, 10);
  row += Cell(Ms(h, 0.99), 2, 10);
  row += Cell(Ms(h, 1), 2, 10);
  return row + "\n";
}

}  // namespace

std::optional<double> Delivery(uint64_t received, uint64_t expected) {
  if (expected == 0) return std::nullopt;
  return static_cast<double>(received) / static_cast<double>(expected);
}

std::string FormatJson(const BenchReport& r) {
  const LoadStats& t = r.totals;
  JsonLine j;
  j.Str("protocol", r.protocol);
  j.Num("users", uint64_t{r.users});
  j.Num("connected", t.synced);
  j.Num("rooms", uint64_t{r.rooms});
  j.Num("room_size", uint64_t{r.room_size});
  j.Num("replicas", uint64_t{r.replicas});
  j.Num("threads", uint64_t{r.threads});
  j.Num("doc_rate", r.doc_rate, 3);
  j.Num("presence_rate", r.presence_rate, 3);
  j.Num("ramp_s", r.ramp_s, 3);
  j.Num("duration_s", r.duration_s, 3);
  j.Num("doc_sent", t.doc_sent);
  j.Num("doc_expected", t.doc_expected);
  j.Num("doc_received", t.doc_received);
  j.Opt("doc_delivery", Delivery(t.doc_received, t.doc_expected), 6);
  j.Opt("doc_p50_ms", Ms(t.doc_latency, 0.5), 3);
  j.Opt("doc_p99_ms", Ms(t.doc_latency, 0.99), 3);
  j.Opt("doc_max_ms", Ms(t.doc_latency, 1), 3);
  j.Num("aw_sent", t.aw_sent);
  j.Num("aw_expected", t.aw_expected);
  j.Num("aw_received", t.aw_received);
  j.Opt("aw_delivery", Delivery(t.aw_received, t.aw_expected), 6);
  j.Opt("aw_p50_ms", Ms(t.aw_latency, 0.5), 3);
  j.Opt("aw_p99_ms", Ms(t.aw_latency, 0.99), 3);
  j.Opt("aw_max_ms", Ms(t.aw_latency, 1), 3);
  j.Num("acks", t.acks);
  j.Opt("ack_p50_ms", Ms(t.ack_latency, 0.5), 3);
  j.Opt("ack_p99_ms", Ms(t.ack_latency, 0.99), 3);
  j.Opt("ack_max_ms", Ms(t.ack_latency, 1), 3);
  j.Opt("connect_p50_ms", Ms(t.connect_latency, 0.5), 3);
  j.Opt("connect_p99_ms", Ms(t.connect_latency, 0.99), 3);
  j.Opt("connect_max_ms", Ms(t.connect_latency, 1), 3);
  j.Opt("connect_all_ms", r.connect_all_ms, 3);
  j.Num("errors", t.errors());
  j.Num("connect_errors", t.connect_errors);
  j.Num("protocol_errors", t.protocol_errors);
  j.Num("send_overflows", t.send_overflows);
  j.Num("unexpected_closes", t.unexpected_closes);
  std::string codes = "{";
  for (const auto& [code, n] : t.close_codes) {
    if (codes.size() > 1) codes += ",";
    codes += "\"" + std::to_string(code) + "\":" + std::to_string(n);
  }
  j.Raw("close_codes", codes + "}");
  j.Num("bench_cpu_pct", r.bench_cpu_pct, 1);
  j.Opt("server_cpu_pct", r.server_cpu_pct, 1);
  j.Opt("host_cpu_pct", r.host_cpu_pct, 1);
  j.Num("host_cores", uint64_t{r.host_cores});
  j.Opt("server_rss_peak_mb", r.server_rss_peak_mb, 1);
  j.Raw("converged", r.converged ? "true" : "false");
  j.Num("rooms_verified", uint64_t{r.rooms_verified});
  return j.Finish();
}

std::string FormatTable(const BenchReport& r) {
  const LoadStats& t = r.totals;
  std::string s = "symphony bench: " + std::to_string(r.users) + " users in " +
                  std::to_string(r.rooms) + " rooms of " + std::to_string(r.room_size) + ", " +
                  r.protocol + " " + r.url + "\n";
  s += "  " + Fixed(r.doc_rate, 2) + " strokes/s and " + Fixed(r.presence_rate, 2) +
       " presence/s per user, " + Fixed(r.duration_s, 1) + " s steady after a " +
       Fixed(r.ramp_s, 1) + " s ramp, " + std::to_string(r.threads) + " threads\n";
  if (r.replicas < r.room_size) {
    s += "  " + std::to_string(r.replicas) + " users per room keep a replica; the others decode " +
         "and measure every update without keeping the document\n";
  }
  s += "\n";
  s += "connected     " + std::to_string(t.synced) + "/" + std::to_string(r.users) +
       ", all synced after " + (r.connect_all_ms ? Fixed(*r.connect_all_ms, 0) + " ms" : "-") +
       "; per user p50 " + Cell(Ms(t.connect_latency, 0.5), 1, 0) + " ms, p99 " +
       Cell(Ms(t.connect_latency, 0.99), 1, 0) + " ms, max " +
       Cell(Ms(t.connect_latency, 1), 1, 0) + " ms\n\n";
  s += "                  sent   expected   received  delivery    p50 ms    p99 ms    max ms\n";
  s += Row("doc updates", t.doc_sent, t.doc_expected, t.doc_received, t.doc_latency);
  s += Row("presence", t.aw_sent, t.aw_expected, t.aw_received, t.aw_latency);
  s += Row(r.protocol == "hocuspocus" ? "acks (status)" : "acks (echo)", t.doc_sent, std::nullopt,
           t.acks, t.ack_latency);
  s += "\nerrors        " + std::to_string(t.errors()) + " (connect " +
       std::to_string(t.connect_errors) + ", protocol " + std::to_string(t.protocol_errors) +
       ", send overflow " + std::to_string(t.send_overflows) + ", unexpected closes " +
       std::to_string(t.unexpected_closes);
  for (const auto& [code, n] : t.close_codes) {
    s += (code == t.close_codes.begin()->first ? ": " : ", ") + std::to_string(n) + " x " +
         std::to_string(code);
  }
  s += ")\n";
  s += "cpu           bench " + Fixed(r.bench_cpu_pct, 1) + " %, server " +
       (r.server_cpu_pct ? Fixed(*r.server_cpu_pct, 1) + " %" : std::string("-")) + ", host " +
       (r.host_cpu_pct ? Fixed(*r.host_cpu_pct, 1) + " %" : std::string("-")) + " of " +
       std::to_string(r.host_cores * 100) + " %; server RSS peak " +
       (r.server_rss_peak_mb ? Fixed(*r.server_rss_peak_mb, 1) + " MB" : std::string("-")) + "\n";
  s += std::string("converged     ") + (r.converged ? "yes" : "NO") + " (" +
       std::to_string(r.rooms_verified) + " rooms compared";
  if (r.rooms_diverged > 0) s += ", " + std::to_string(r.rooms_diverged) + " diverged";
  const std::optional<double> delivered = Delivery(t.doc_received, t.doc_expected);
  if (r.rooms_diverged > 0 && delivered && *delivered < 1) {
    s += "; expected when strokes were not delivered: replicas that missed some differ";
  }
  s += ")\n";
  return s;
}

}  // namespace symphony::bench
