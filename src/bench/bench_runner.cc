#include "bench/bench_runner.h"

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <cstdio>
#include <exception>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_clock.h"
#include "bench/proc_stats.h"
#include "bench/virtual_user.h"
#include "bench/ws_url.h"

namespace symphony::bench {

namespace asio = boost::asio;

namespace {

constexpr int64_t kPollUs = 20'000;
constexpr int64_t kRssSampleUs = 250'000;

int64_t Seconds(double s) { return static_cast<int64_t>(s * 1e6); }

std::string FormatSeconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", s);
  return buf;
}

void SleepUntil(int64_t at_us) {
  const int64_t d = at_us - NowMicros();
  if (d > 0) std::this_thread::sleep_for(std::chrono::microseconds(d));
}

Result<asio::ip::tcp::endpoint> Resolve(const WsUrl& url) {
  boost::system::error_code ec;
  const std::string host = url.host == "localhost" ? "127.0.0.1" : url.host;
  asio::ip::address addr = asio::ip::make_address(host, ec);
  if (!ec) return asio::ip::tcp::endpoint(addr, url.port);
  asio::io_context ioc;
  asio::ip::tcp::resolver resolver(ioc);
  auto results = resolver.resolve(host, std::to_string(url.port), ec);
  if (ec || results.empty()) {
    return Status(StatusCode::kNotFound, "cannot resolve '" + url.host + "': " + ec.message());
  }
  return results.begin()->endpoint();
}

// The server's CPU time at two instants and its peak RSS in between. Without a pid, nothing.
class ServerSampler {
 public:
  explicit ServerSampler(int pid) : pid_(pid) {}
  Status Check() {
    if (pid_ == 0) return Status::Ok();
    Result<ProcSample> s = ReadProcSample(pid_);
    if (!s.ok())
      return Status(s.status().code(),
                    "--server-pid " + std::to_string(pid_) + ": " + s.status().message());
    return Status::Ok();
  }
  // Samples RSS if due; returns the CPU seconds read (or -1).
  double Sample(bool force) {
    if (pid_ == 0) return -1;
    const int64_t now = NowMicros();
    if (!force && now - last_us_ < kRssSampleUs) return -1;
    last_us_ = now;
    Result<ProcSample> s = ReadProcSample(pid_);
    if (!s.ok()) return -1;
    peak_rss_ = std::max(peak_rss_, s->rss_bytes);
    return s->cpu_seconds;
  }
  bool enabled() const { return pid_ != 0; }
  uint64_t peak_rss() const { return peak_rss_; }

 private:
  int pid_;
  int64_t last_us_ = 0;
  uint64_t peak_rss_ = 0;
};

std::string RandomPrefix(std::mt19937_64& rng) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%06x", static_cast<unsigned>(rng() & 0xffffff));
  return std::string("bench-") + buf + "-";
}

struct Loop {
  asio::io_context ioc{1};
  std::unique_ptr<asio::executor_work_guard<asio::io_context::executor_type>> guard;
  LoadStats stats;
  std::thread thread;
  ~Loop() {  // normally already joined; on an early exit, stop rather than terminate
    if (thread.joinable()) {
      ioc.stop();
      thread.join();
    }
  }
};

// Runs f(user) for every user on its loop.
template <class F>
void ForEachUser(const std::vector<std::shared_ptr<VirtualUser>>& users,
                 const std::vector<std::unique_ptr<Loop>>& loops, F f) {
  for (size_t i = 0; i < users.size(); ++i) {
    asio::post(loops[i % loops.size()]->ioc, [u = users[i], f] { f(*u); });
  }
}

// Waits until pred() or the deadline, sampling the server meanwhile.
template <class P>
void WaitFor(P pred, int64_t deadline_us, ServerSampler& sampler) {
  while (!pred() && NowMicros() < deadline_us) {
    sampler.Sample(false);
    SleepUntil(std::min(deadline_us, NowMicros() + kPollUs));
  }
}

// Compares the replicas of sampled rooms; fills converged / rooms_verified / rooms_diverged.
void CheckConvergence(const std::vector<std::shared_ptr<VirtualUser>>& users, const BenchOptions& o,
                      uint32_t rooms, BenchReport* report) {
  const uint32_t n = std::min(rooms, std::max<uint32_t>(o.verify_rooms, 1));
  for (uint32_t k = 0; k < n; ++k) {
    const uint32_t room = static_cast<uint32_t>(uint64_t{k} * rooms / n);
    std::string json;
    std::vector<uint8_t> sv;
    int replicas = 0;
    bool same = true;
    const uint32_t first = room * o.room_size;
    const uint32_t end = std::min<uint32_t>(o.users, first + o.room_size);
    for (uint32_t u = first; u < end; ++u) {
      VirtualUser& user = *users[u];
      if (!user.healthy() || !user.session().config().replica) continue;
      std::string j = user.session().StrokesJson();
      std::vector<uint8_t> s = user.session().doc().EncodeStateVector();
      if (replicas++ == 0) {
        json = std::move(j);
        sv = std::move(s);
      } else if (j != json || s != sv) {
        same = false;
      }
    }
    if (replicas < 2 && o.room_size > 1) continue;
    report->rooms_verified++;
    if (!same) report->rooms_diverged++;
  }
  report->converged = report->rooms_diverged == 0 && report->rooms_verified > 0;
}

Result<BenchReport> Run(const BenchOptions& o, std::ostream* log) {
  SYMPHONY_RETURN_IF_ERROR(ValidateOptions(o));
  Result<WsUrl> url = ParseWsUrl(o.url);
  if (!url.ok()) return url.status();
  if (!o.allow_remote && !IsLoopbackHost(url->host)) {
    return Status(StatusCode::kPermission, "refusing to load '" + url->host +
                                               "': not a loopback host (pass --allow-remote)");
  }
  Result<asio::ip::tcp::endpoint> endpoint = Resolve(url.value());
  if (!endpoint.ok()) return endpoint.status();
  ServerSampler sampler(o.server_pid);
  SYMPHONY_RETURN_IF_ERROR(sampler.Check());
  // One socket per user, plus a margin for the process itself.
  const uint64_t files = RaiseOpenFileLimit(uint64_t{o.users} + 64);
  if (files < uint64_t{o.users} + 16 && log != nullptr) {
    *log << "bench: warning: open file limit " << files << " is below " << o.users
         << " users; some will fail to connect (raise ulimit -n)" << std::endl;
  }

  std::mt19937_64 rng(o.seed != 0 ? o.seed : std::random_device{}());
  const std::string prefix = o.room_prefix.empty() ? RandomPrefix(rng) : o.room_prefix;
  const uint32_t rooms = (o.users + o.room_size - 1) / o.room_size;
  uint32_t threads = o.threads != 0 ? o.threads : std::thread::hardware_concurrency();
  threads = std::clamp<uint32_t>(threads, 1, o.users);
  const std::string host_header = url->host.find(':') != std::string::npos
                                      ? "[" + url->host + "]:" + std::to_string(url->port)
                                      : url->host + ":" + std::to_string(url->port);

  Progress progress;
  std::vector<std::unique_ptr<Loop>> loops;
  for (uint32_t t = 0; t < threads; ++t) loops.push_back(std::make_unique<Loop>());

  const int64_t t0 = NowMicros() + 50'000;
  const uint32_t client_base = static_cast<uint32_t>(rng());
  std::vector<std::shared_ptr<VirtualUser>> users;
  users.reserve(o.users);
  for (uint32_t i = 0; i < o.users; ++i) {
    const uint32_t room = i / o.room_size;
    const uint32_t members = std::min(o.room_size, o.users - room * o.room_size);
    UserPlan plan;
    plan.session.protocol = o.protocol;
    plan.session.document = prefix + std::to_string(room);
    plan.session.token = o.token;
    plan.session.user = i;
    plan.session.peers = members - 1;
    plan.session.replica = o.replicas == 0 || i - room * o.room_size < o.replicas;
    const uint64_t id = static_cast<uint32_t>(client_base + i);
    plan.session.client_id = id != 0 ? id : uint64_t{1} << 32;
    plan.session.seed = rng();
    plan.session.measure_from_us = t0;
    plan.endpoint = endpoint.value();
    plan.host_header = host_header;
    plan.target = o.protocol == WireProtocol::kHocuspocus
                      ? HocuspocusTarget(url.value())
                      : YwsTarget(url.value(), plan.session.document);
    plan.connect_at_us = t0 + static_cast<int64_t>(o.ramp_s * 1e6 * i / o.users);
    plan.doc_rate = o.doc_rate;
    plan.presence_rate = o.presence_rate;
    plan.connect_timeout =
        std::chrono::milliseconds(static_cast<int64_t>(o.connect_timeout_s * 1000));
    Loop& loop = *loops[i % threads];
    users.push_back(
        std::make_shared<VirtualUser>(loop.ioc, std::move(plan), &loop.stats, &progress));
  }

  for (auto& loop : loops) {
    loop->guard = std::make_unique<asio::executor_work_guard<asio::io_context::executor_type>>(
        loop->ioc.get_executor());
    Loop* l = loop.get();
    loop->thread = std::thread([l] { l->ioc.run(); });
  }
  auto say = [&](const std::string& line) {
    if (log != nullptr) *log << "bench: " << line << std::endl;
  };
  say("connecting " + std::to_string(o.users) + " users to " + o.url + " (" + prefix + "0.." +
      std::to_string(rooms - 1) + ", " + std::to_string(threads) + " threads)");
  ForEachUser(users, loops, [](VirtualUser& u) { u.Start(); });

  // Connect phase.
  sampler.Sample(true);
  WaitFor([&] { return progress.synced + progress.failed >= o.users && NowMicros() >= t0; },
          t0 + Seconds(o.ramp_s + o.connect_timeout_s) + 5'000'000, sampler);
  say(std::to_string(progress.synced.load()) + " synced, " + std::to_string(progress.failed) +
      " failed; steady load for " + FormatSeconds(o.duration_s));

  // Steady phase.
  const int64_t steady_start = NowMicros() + 100'000;
  const int64_t steady_end = steady_start + Seconds(o.duration_s);
  ForEachUser(users, loops, [steady_start, steady_end](VirtualUser& u) {
    u.BeginSending(steady_start, steady_end);
  });
  SleepUntil(steady_start);
  const double server_cpu0 = sampler.Sample(true);
  const double self_cpu0 = SelfCpuSeconds();
  const Result<double> host_cpu0 = ReadHostBusySeconds();
  WaitFor([] { return false; }, steady_end, sampler);
  const double server_cpu1 = sampler.Sample(true);
  const double self_cpu1 = SelfCpuSeconds();
  const Result<double> host_cpu1 = ReadHostBusySeconds();
  const double wall = static_cast<double>(NowMicros() - steady_start) / 1e6;

  // Drain phase.
  say("draining");
  WaitFor(
      [&] {
        return progress.doc_received >= progress.doc_expected &&
               progress.aw_received >= progress.aw_expected;
      },
      NowMicros() + Seconds(o.drain_s), sampler);

  // Close phase.
  ForEachUser(users, loops, [](VirtualUser& u) { u.Stop(); });
  WaitFor([&] { return progress.closed >= o.users; },
          NowMicros() + Seconds(o.connect_timeout_s) + 2'000'000, sampler);
  for (auto& loop : loops) loop->guard.reset();
  for (auto& loop : loops) loop->ioc.stop();
  for (auto& loop : loops) loop->thread.join();

  BenchReport report;
  report.protocol = ProtocolName(o.protocol);
  report.url = o.url;
  report.users = o.users;
  report.rooms = rooms;
  report.room_size = o.room_size;
  report.replicas = o.replicas == 0 ? o.room_size : std::min(o.replicas, o.room_size);
  report.threads = threads;
  report.doc_rate = o.doc_rate;
  report.presence_rate = o.presence_rate;
  report.ramp_s = o.ramp_s;
  report.duration_s = wall;
  for (const auto& loop : loops) report.totals.Merge(loop->stats);
  if (report.totals.synced > 0) {
    report.connect_all_ms = static_cast<double>(report.totals.last_synced_us - t0) / 1000.0;
  }
  report.bench_cpu_pct = wall > 0 ? (self_cpu1 - self_cpu0) / wall * 100 : 0;
  report.host_cores = std::thread::hardware_concurrency();
  if (host_cpu0.ok() && host_cpu1.ok() && wall > 0) {
    report.host_cpu_pct = (host_cpu1.value() - host_cpu0.value()) / wall * 100;
  }
  if (sampler.enabled()) {
    if (server_cpu0 >= 0 && server_cpu1 >= 0 && wall > 0) {
      report.server_cpu_pct = (server_cpu1 - server_cpu0) / wall * 100;
    }
    if (sampler.peak_rss() > 0) {
      report.server_rss_peak_mb = static_cast<double>(sampler.peak_rss()) / (1024.0 * 1024.0);
    }
  }
  CheckConvergence(users, o, rooms, &report);
  // Users before their loops: a user's socket belongs to its io_context.
  users.clear();
  loops.clear();
  return report;
}

}  // namespace

Result<BenchReport> RunBench(const BenchOptions& options, std::ostream* log) {
  // Asio and std::thread report some failures by throwing; none may leave this module.
  try {
    return Run(options, log);
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, std::string("bench failed: ") + e.what());
  }
}

}  // namespace symphony::bench
