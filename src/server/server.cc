#include "server/server.h"

#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <filesystem>
#include <thread>

#include "server/http_api.h"
#include "server/http_server.h"
#include "server/metrics.h"
#include "server/room_registry.h"
#include "server/storage_worker.h"
#include "server/ws_connection.h"
#include "storage/storage.h"
#include "util/log.h"

namespace symphony::server {

namespace asio = boost::asio;

namespace {

// The first of `relative` folders holding an index.html, looked for beside the binary's source
// tree (build/symphony -> <tree>/<relative>) and under the working directory; "" if none.
std::string FindAssetDir(std::initializer_list<std::string_view> relative) {
  std::error_code ec;
  std::vector<std::filesystem::path> roots;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) roots.push_back(exe.parent_path().parent_path());
  roots.push_back(".");
  for (const auto& root : roots) {
    for (std::string_view rel : relative) {
      const std::filesystem::path dir = root / rel;
      if (std::filesystem::is_regular_file(dir / "index.html", ec)) {
        return std::filesystem::weakly_canonical(dir, ec).string();
      }
    }
  }
  return "";
}

// Every connection is a file descriptor: take the whole hard limit, and return the limit in
// force (0 when unknown or unlimited).
uint64_t RaiseOpenFileLimit() {
  struct rlimit lim {};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return 0;
  if (lim.rlim_cur < lim.rlim_max) {
    struct rlimit raised = lim;
    raised.rlim_cur = lim.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) lim = raised;
  }
  return lim.rlim_cur == RLIM_INFINITY ? 0 : static_cast<uint64_t>(lim.rlim_cur);
}

}  // namespace

int RunServer(const ServerOptions& given) {
  ServerOptions options = given;
  if (options.static_dir.empty()) {
    options.static_dir = FindAssetDir({"examples/whiteboard/dist", "share/symphony/whiteboard"});
  }
  const int threads = options.threads > 0
                          ? options.threads
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));

  storage::StorageConfig sc;
  sc.kind = options.storage;
  sc.dir = options.data_dir;
  sc.fsync = options.fsync;
  sc.max_bytes = options.storage_max_bytes;
  Result<std::unique_ptr<storage::Storage>> opened = storage::OpenStorage(sc);
  if (!opened.ok()) {
    log::Error("cannot open storage", {{"storage", options.storage},
                                       {"data", options.data_dir},
                                       {"error", opened.status().ToString()}});
    return 1;
  }
  std::unique_ptr<storage::Storage> store = std::move(opened).value();

  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<asio::io_context*> loops;
  std::vector<asio::any_io_executor> executors;
  for (int i = 0; i < threads; ++i) {
    contexts.push_back(std::make_unique<asio::io_context>(1));
    loops.push_back(contexts.back().get());
    executors.push_back(contexts.back()->get_executor());
  }
  StorageWorker worker(*store);
  RoomRegistry registry(executors);
  protocol::Limits limits;
  limits.max_message_bytes = options.max_frame_bytes;
  limits.max_awareness_clients = options.max_awareness_clients;
  limits.max_json_depth = options.max_json_depth;
  RoomContext ctx{options, limits, worker, registry};
  registry.set_context(&ctx);
  std::atomic<bool> shutting_down{false};
  HttpApi api(ctx, shutting_down, FindAssetDir({"web/dashboard", "share/symphony/dashboard"}));
  HttpServer http(loops, ctx, api);

  if (options.auth_secret.empty()) {
    log::Warn(
        "NO AUTH: --auth-secret is not set, so anyone who can reach this port can read and "
        "write every room. Set SYMPHONY_AUTH_SECRET and give clients tokens (doc/auth.md).");
  }
  Result<uint16_t> port = http.Listen(options.host, options.port);
  if (!port.ok()) {
    log::Error("cannot start", {{"error", port.status().ToString()}});
    return 1;
  }
  log::Info("listening", {{"url", "http://" + options.host + ":" + std::to_string(port.value())},
                          {"port", port.value()},
                          {"threads", threads},
                          {"storage", std::string(store->name())},
                          {"data", options.data_dir},
                          {"static", options.static_dir.empty() ? "-" : options.static_dir}});
  if (const uint64_t files = RaiseOpenFileLimit(); files != 0 && files < 4096) {
    log::Warn("few open files allowed: each connection takes one; raise the limit (ulimit -n)",
              {{"limit", files}});
  }

  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  for (auto& c : contexts) guards.push_back(asio::make_work_guard(*c));

  // SIGTERM / SIGINT: stop accepting, close rooms (their logs flushed and snapshots written,
  // sockets closed with 1001), stop. A second signal, or the deadline, stops at once.
  asio::signal_set signals(*loops[0], SIGTERM, SIGINT);
  asio::steady_timer deadline(*loops[0]);
  std::atomic<int> exit_code{0};
  bool stopping = false;
  auto stop_loops = [&] {
    for (auto& g : guards) g.reset();
    for (auto& c : contexts) c->stop();
  };
  std::function<void()> wait_signal;
  wait_signal = [&] {
    signals.async_wait([&](boost::system::error_code ec, int sig) {
      if (ec) return;
      if (stopping) {
        log::Warn("second signal: exiting now", {{"signal", sig}});
        exit_code = 1;
        stop_loops();
        return;
      }
      stopping = true;
      shutting_down = true;
      log::Info("shutting down", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
      http.StopAccepting();
      registry.StopCreating();
      deadline.expires_after(std::chrono::milliseconds(options.shutdown_timeout_ms));
      deadline.async_wait([&](boost::system::error_code e) {
        if (e) return;
        log::Error("shutdown deadline reached: exiting with unsaved rooms",
                   {{"timeout_ms", options.shutdown_timeout_ms}});
        exit_code = 1;
        stop_loops();
      });
      auto loops_left = std::make_shared<std::atomic<int>>(threads);
      auto rooms_left = std::make_shared<std::atomic<int64_t>>(0);
      auto all_done = [&, loops_left, rooms_left] {
        if (loops_left->load() != 0 || rooms_left->load() != 0) return;
        // Sockets without a room (a Hocuspocus socket with no document open) close too; give
        // the 1001 close frames a moment to leave, then stop.
        WsConnection::CloseAll("server shutting down");
        asio::post(*loops[0], [&] {
          auto grace = std::make_shared<asio::steady_timer>(*loops[0]);
          grace->expires_after(std::chrono::milliseconds(300));
          grace->async_wait([&, grace](boost::system::error_code) {
            deadline.cancel();
            log::Info("shutdown complete");
            stop_loops();
          });
        });
      };
      registry.ForEachLoop(
          [&, loops_left, rooms_left, all_done](std::vector<std::shared_ptr<Room>> rooms) {
            rooms_left->fetch_add(static_cast<int64_t>(rooms.size()));
            for (auto& room : rooms) {
              room->Shutdown([room, rooms_left, all_done](Status st) {
                if (!st.ok()) {
                  log::Error("room not saved at shutdown",
                             {{"room", room->name()}, {"error", st.ToString()}});
                }
                rooms_left->fetch_sub(1);
                all_done();
              });
            }
            loops_left->fetch_sub(1);
            all_done();
          });
      wait_signal();
    });
  };
  wait_signal();

  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&, i] { contexts[i]->run(); });
  contexts[0]->run();
  for (auto& t : pool) t.join();
  worker.Stop();
  return exit_code;
}

}  // namespace symphony::server
