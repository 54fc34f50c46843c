#include "server/http_api.h"

#include <unistd.h>

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/verb.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "server/metrics.h"
#include "server/storage_worker.h"
#include "server/url.h"
#include "util/log.h"

namespace symphony::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using json = nlohmann::json;

std::string ErrorJson(std::string_view code, std::string_view message) {
  json j = {{"error", {{"code", code}, {"message", message}}}};
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

HttpResponse JsonResponse(const HttpRequest& req, unsigned status, std::string body) {
  HttpResponse res{static_cast<http::status>(status), req.version()};
  res.set(http::field::server, "symphony");
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  Metrics().CountHttp(status);
  return res;
}

HttpResponse ErrorResponse(const HttpRequest& req, unsigned status, std::string_view code,
                           std::string_view message) {
  return JsonResponse(req, status, ErrorJson(code, message));
}

namespace {

// HTTP status and error code for a Status from a room or storage.
std::pair<unsigned, const char*> HttpError(const Status& st) {
  switch (st.code()) {
    case StatusCode::kTruncated:
    case StatusCode::kOverflow:
    case StatusCode::kInvalid:
      return {400, "malformed_update"};
    case StatusCode::kLimit:
      return {413, "too_big"};
    case StatusCode::kNotFound:
      return {404, "not_found"};
    case StatusCode::kPermission:
      return {403, "forbidden"};
    case StatusCode::kBusy:
      return {503, "unavailable"};
    case StatusCode::kFull:
      return {507, "storage_full"};
    case StatusCode::kCorrupt:
      return {500, "storage_corrupt"};
    default:
      return {500, "internal"};
  }
}

json RoomJson(const std::string& id, const storage::RoomMeta* meta, const RoomStats* live) {
  json j;
  j["id"] = id;
  if (live != nullptr) {
    j["connections"] = live->connections.load();
    j["doc_bytes"] = live->doc_bytes.load();
    j["last_active_ms"] = live->last_active_ms.load();
    j["created_ms"] = live->created_ms.load();
    j["loaded"] = live->loaded.load();
    j["snapshot_bytes"] = live->snapshot_bytes.load();
    j["log_bytes"] = live->log_bytes.load();
    j["log_records"] = live->log_records.load();
    j["total_connections"] = live->total_connections.load();
    j["peak_connections"] = live->peak_connections.load();
    j["cpu_ms"] = live->busy_ns.load() / 1000000;
    j["mem_bytes"] = live->mem_bytes.load();
  } else {
    j["connections"] = 0;
    j["doc_bytes"] = meta->snapshot_bytes + meta->log_bytes;
    j["last_active_ms"] = meta->last_active_ms;
    j["created_ms"] = meta->created_ms;
    j["loaded"] = false;
    j["snapshot_bytes"] = meta->snapshot_bytes;
    j["log_bytes"] = meta->log_bytes;
    j["log_records"] = meta->log_records;
    j["total_connections"] = meta->total_connections;
    j["peak_connections"] = meta->peak_connections;
  }
  return j;
}

const char* ContentType(const std::filesystem::path& p) {
  const std::string ext = p.extension().string();
  static const std::map<std::string, const char*> types = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".map", "application/json"},
      {".txt", "text/plain; charset=utf-8"}};
  auto it = types.find(ext);
  return it == types.end() ? "application/octet-stream" : it->second;
}

constexpr char kLandingPage[] = R"(<!doctype html>
<html><head><meta charset="utf-8"><title>Symphony</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 3em auto">
<h1>Symphony is running</h1>
<p>Connect Yjs clients to <code>ws://this-host/&lt;room&gt;</code> (y-websocket) or
<code>ws://this-host/hocuspocus</code> (Hocuspocus).</p>
<ul><li><a href="/api/rooms">/api/rooms</a></li><li><a href="/metrics">/metrics</a></li>
<li><a href="/healthz">/healthz</a></li></ul>
<p>No demo app was found to serve here (build <code>examples/whiteboard</code>, or pass
<code>--static-dir</code>).</p></body></html>
)";

// Server-sent events: the socket taken from its HTTP session, a stats event every second.
class SseStream : public std::enable_shared_from_this<SseStream> {
 public:
  SseStream(tcp::socket socket, RoomContext& ctx, std::atomic<bool>& shutting_down)
      : socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        ctx_(ctx),
        shutting_down_(shutting_down) {}

  void Start() {
    Metrics().CountHttp(200);
    Send(
        "HTTP/1.1 200 OK\r\nServer: symphony\r\nContent-Type: text/event-stream\r\n"
        "Cache-Control: no-store\r\nConnection: close\r\nX-Accel-Buffering: no\r\n\r\n"
        "retry: 2000\n\n");
  }

 private:
  void Send(std::string text) {
    auto buf = std::make_shared<std::string>(std::move(text));
    asio::async_write(socket_, asio::buffer(*buf),
                      [self = shared_from_this(), buf](beast::error_code ec, size_t) {
                        if (ec || self->shutting_down_) {
                          beast::error_code ignored;
                          self->socket_.close(ignored);
                          return;
                        }
                        self->Tick();
                      });
  }
  void Tick() {
    timer_.expires_after(first_ ? std::chrono::milliseconds(0) : std::chrono::seconds(1));
    first_ = false;
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      self->Send("event: stats\ndata: " + LiveStatsJson(self->ctx_.registry) + "\n\n");
    });
  }

  tcp::socket socket_;
  asio::steady_timer timer_;
  RoomContext& ctx_;
  std::atomic<bool>& shutting_down_;
  bool first_ = true;
};

}  // namespace

namespace {

// Resident memory and CPU time of this process, from /proc.
std::pair<uint64_t, double> ProcessUsage() {
  uint64_t rss = 0;
  double cpu = 0;
  std::ifstream statm("/proc/self/statm");
  uint64_t pages_total = 0, pages_rss = 0;
  if (statm >> pages_total >> pages_rss)
    rss = pages_rss * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  std::ifstream stat("/proc/self/stat");
  std::string line;
  if (std::getline(stat, line)) {
    // Fields after the command name (which may hold spaces) start at the last ')'.
    std::istringstream rest(line.substr(line.rfind(')') + 2));
    std::string field;
    uint64_t utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
      if (i == 14) utime = std::stoull(field);
      if (i == 15) stime = std::stoull(field);
    }
    cpu = static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  }
  return {rss, cpu};
}

template <class F>
uint64_t Sum(const F& family) {
  uint64_t total = 0;
  for (size_t i = 0; i < family.size(); ++i) total += static_cast<uint64_t>(family.at(i).value());
  return total;
}

}  // namespace

std::string LiveStatsJson(const RoomRegistry& registry) {
  ServerMetrics& m = Metrics();
  const auto [rss, cpu] = ProcessUsage();
  json j;
  j["ts_ms"] = NowMs();
  j["connections"] = Sum(m.connections);
  j["rooms_loaded"] = registry.LoadedCount();
  j["messages_in_total"] = Sum(m.messages_in);
  j["messages_out_total"] = Sum(m.messages_out);
  j["bytes_in_total"] = m.socket_bytes_in.value();
  j["bytes_out_total"] = m.socket_bytes_out.value();
  j["updates_total"] = m.updates_total.value();
  j["document_bytes"] = m.document_bytes.value();
  j["rss_bytes"] = rss;
  j["cpu_seconds"] = cpu;
  // The busiest loaded rooms (at most 200), for the dashboard's live table and charts.
  std::vector<std::shared_ptr<RoomStats>> live = registry.LiveStats();
  std::erase_if(live, [](const auto& r) { return !r->loaded.load(); });
  constexpr size_t kMaxRooms = 200;
  auto busiest = [](const auto& a, const auto& b) {
    return a->connections.load() != b->connections.load()
               ? a->connections.load() > b->connections.load()
               : a->name < b->name;
  };
  if (live.size() > kMaxRooms) {
    std::partial_sort(live.begin(), live.begin() + kMaxRooms, live.end(), busiest);
    live.resize(kMaxRooms);
  } else {
    std::sort(live.begin(), live.end(), busiest);
  }
  json rooms = json::array();
  for (const auto& r : live) {
    rooms.push_back({{"id", r->name},
                     {"connections", r->connections.load()},
                     {"peak_connections", r->peak_connections.load()},
                     {"doc_bytes", r->doc_bytes.load()},
                     {"log_bytes", r->log_bytes.load()},
                     {"cpu_ms", r->busy_ns.load() / 1000000},
                     {"mem_bytes", r->mem_bytes.load()},
                     {"last_active_ms", r->last_active_ms.load()},
                     {"created_ms", r->created_ms.load()}});
  }
  j["rooms"] = std::move(rooms);
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

HttpApi::HttpApi(RoomContext& ctx, std::atomic<bool>& shutting_down, std::string dashboard_dir)
    : ctx_(ctx), shutting_down_(shutting_down), dashboard_dir_(std::move(dashboard_dir)) {}

namespace {

// Compares without an early exit, so the time taken does not tell how much of a guess matched.
bool SameToken(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::string CookieValue(const HttpRequest& req, std::string_view name) {
  std::string_view cookies = req[http::field::cookie];
  while (!cookies.empty()) {
    const size_t end = cookies.find(';');
    std::string_view part = cookies.substr(0, end);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.substr(0, name.size()) == name &&
        part[name.size()] == '=') {
      return std::string(part.substr(name.size() + 1));
    }
    if (end == std::string_view::npos) break;
    cookies.remove_prefix(end + 1);
  }
  return "";
}

}  // namespace

bool HttpApi::Authorized(const HttpRequest& req) const {
  const std::string& token = ctx_.options.admin_token;
  if (token.empty()) return true;
  std::string_view auth = req[http::field::authorization];
  constexpr std::string_view kBearer = "Bearer ";
  if (auth.size() > kBearer.size() && auth.substr(0, kBearer.size()) == kBearer &&
      SameToken(auth.substr(kBearer.size()), token)) {
    return true;
  }
  const std::string cookie = CookieValue(req, kAdminCookie);
  return !cookie.empty() && SameToken(cookie, token);
}

void HttpApi::Unauthorized(const HttpRequest& req, const Respond& respond) {
  respond(ErrorResponse(req, 401, "unauthorized",
                        "this server needs the admin token: send 'Authorization: Bearer <token>' "
                        "or open /dashboard?token=<token> once"));
}

void HttpApi::Dashboard(const HttpRequest& req, Respond respond, const std::string& path) {
  // The page's files hold no data (everything comes from /api/*, which needs the token), so
  // they are served to anyone: without the token the page shows how to sign in.
  const std::string given = QueryParam(req.target(), "token");
  if (!given.empty()) {
    // Keep a right token in a cookie; drop any token from the address bar.
    HttpResponse res{http::status::found, req.version()};
    res.set(http::field::location, "/dashboard/");
    if (SameToken(given, ctx_.options.admin_token)) {
      res.set(http::field::set_cookie,
              std::string(kAdminCookie) + "=" + given + "; Path=/; HttpOnly; SameSite=Strict");
    }
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    Metrics().CountHttp(302);
    respond(std::move(res));
    return;
  }
  if (path == "/dashboard") {
    HttpResponse res{http::status::found, req.version()};
    res.set(http::field::location, "/dashboard/");
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    respond(std::move(res));
    return;
  }
  if (dashboard_dir_.empty()) {
    respond(ErrorResponse(req, 404, "not_found",
                          "the dashboard files (web/dashboard) were not found beside the binary"));
    return;
  }
  ServeFiles(req, std::move(respond), dashboard_dir_,
             path.substr(std::string_view("/dashboard").size()));
}

void HttpApi::Handle(HttpRequest req, Respond respond, TakeSocket take_socket) {
  const std::string path(TargetPath(req.target()));
  const http::verb method = req.method();
  auto only = [&](std::initializer_list<http::verb> allowed) {
    for (http::verb v : allowed) {
      if (v == method) return true;
    }
    HttpResponse res =
        ErrorResponse(req, 405, "method_not_allowed",
                      std::string(http::to_string(method)) + " is not allowed on " + path);
    std::string allow;
    for (http::verb v : allowed)
      allow += (allow.empty() ? "" : ", ") + std::string(http::to_string(v));
    res.set(http::field::allow, allow);
    respond(std::move(res));
    return false;
  };

  if (path == "/healthz") {
    if (!only({http::verb::get, http::verb::head})) return;
    if (shutting_down_) {
      respond(JsonResponse(req, 503, R"({"status":"shutting_down"})"));
    } else {
      respond(JsonResponse(req, 200, R"({"status":"ok"})"));
    }
    return;
  }
  if (path == "/metrics") {
    if (!only({http::verb::get})) return;
    if (ctx_.options.metrics_auth == "admin" && !Authorized(req)) return Unauthorized(req, respond);
    Metrics().rooms_loaded.Set(static_cast<int64_t>(ctx_.registry.LoadedCount()));
    HttpResponse res{http::status::ok, req.version()};
    res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    res.keep_alive(req.keep_alive());
    Metrics().CountHttp(200);
    res.body() = Metrics().RenderPrometheusText();
    res.prepare_payload();
    respond(std::move(res));
    return;
  }
  if (path == "/dashboard" || path.starts_with("/dashboard/")) {
    if (!only({http::verb::get, http::verb::head})) return;
    Dashboard(req, std::move(respond), path);
    return;
  }
  if (path.starts_with("/api/") && !Authorized(req)) return Unauthorized(req, respond);
  if (path == "/api/events") {
    if (!only({http::verb::get})) return;
    std::make_shared<SseStream>(take_socket(), ctx_, shutting_down_)->Start();
    return;
  }
  if (path == "/api/rooms" || path == "/api/rooms/") {
    if (!only({http::verb::get})) return;
    ListRooms(req, std::move(respond));
    return;
  }
  constexpr std::string_view kRooms = "/api/rooms/";
  if (path.starts_with(kRooms)) {
    std::string_view rest = std::string_view(path).substr(kRooms.size());
    std::string_view sub;
    if (auto slash = rest.find('/'); slash != std::string_view::npos) {
      sub = rest.substr(slash + 1);
      rest = rest.substr(0, slash);
    }
    Result<std::string> decoded = PercentDecode(rest);
    if (!decoded.ok()) {
      respond(
          ErrorResponse(req, 400, "bad_room_id", "room id has a " + decoded.status().message()));
      return;
    }
    const std::string id = std::move(decoded).value();
    if (id.empty() || id.size() > ctx_.limits.max_document_name_bytes) {
      respond(ErrorResponse(req, 400, "bad_room_id", "room id is empty or too long"));
      return;
    }
    if (sub.empty()) {
      if (!only({http::verb::get, http::verb::delete_})) return;
      if (method == http::verb::get) {
        GetRoom(id, req, std::move(respond));
      } else {
        DeleteRoom(id, req, std::move(respond));
      }
      return;
    }
    if (sub == "presence") {
      if (!only({http::verb::get})) return;
      Presence(id, req, std::move(respond));
      return;
    }
    if (sub == "state" || sub == "json") {
      if (!only({http::verb::get})) return;
      GetState(id, req, std::move(respond), sub == "json");
      return;
    }
    if (sub == "update") {
      if (!only({http::verb::post})) return;
      PostUpdate(id, std::move(req), std::move(respond));
      return;
    }
    respond(ErrorResponse(req, 404, "not_found", "no such route: " + path));
    return;
  }
  if (path.starts_with("/api/")) {
    respond(ErrorResponse(req, 404, "not_found", "no such route: " + path));
    return;
  }
  if (!only({http::verb::get, http::verb::head})) return;
  Static(req, std::move(respond));
}

void HttpApi::ListRooms(const HttpRequest& req, Respond respond) {
  auto r = std::make_shared<HttpRequest>(req);
  ctx_.storage.Read([this, r, respond = std::move(respond)](storage::Storage& s) {
    Result<std::vector<storage::RoomMeta>> stored = s.ListRooms();
    if (!stored.ok()) {
      Metrics().CountStorageError(StorageOp::kLoad);
      respond(ErrorResponse(*r, 500, "storage", stored.status().ToString()));
      return;
    }
    std::map<std::string, json> rooms;
    for (const storage::RoomMeta& m : stored.value()) rooms[m.room] = RoomJson(m.room, &m, nullptr);
    for (const auto& live : ctx_.registry.LiveStats()) {
      if (!live->loaded && !rooms.count(live->name)) continue;
      if (!live->exists && live->connections == 0) continue;
      json j = RoomJson(live->name, nullptr, live.get());
      if (auto it = rooms.find(live->name); it != rooms.end()) {
        // Stored totals that a live room has not reloaded (it may still be loading).
        if (!live->loaded) continue;
      }
      rooms[live->name] = std::move(j);
    }
    json list = json::array();
    for (auto& [id, j] : rooms) list.push_back(std::move(j));
    respond(JsonResponse(*r, 200, json{{"rooms", std::move(list)}}.dump()));
  });
}

void HttpApi::GetRoom(const std::string& id, const HttpRequest& req, Respond respond) {
  for (const auto& live : ctx_.registry.LiveStats()) {
    if (live->name == id && live->loaded && (live->exists || live->connections > 0)) {
      respond(JsonResponse(req, 200, RoomJson(id, nullptr, live.get()).dump()));
      return;
    }
  }
  auto r = std::make_shared<HttpRequest>(req);
  ctx_.storage.Read([id, r, respond = std::move(respond)](storage::Storage& s) {
    Result<storage::RoomMeta> meta = s.GetMeta(id);
    if (!meta.ok()) {
      if (meta.status().code() == StatusCode::kNotFound) {
        respond(ErrorResponse(*r, 404, "not_found", "no room named '" + id + "'"));
      } else {
        respond(ErrorResponse(*r, 500, "storage", meta.status().ToString()));
      }
      return;
    }
    respond(JsonResponse(*r, 200, RoomJson(id, &meta.value(), nullptr).dump()));
  });
}

void HttpApi::GetState(const std::string& id, const HttpRequest& req, Respond respond,
                       bool as_json) {
  auto r = std::make_shared<HttpRequest>(req);
  ctx_.registry.WithRoom(
      id, [id, r, respond = std::move(respond), as_json](std::shared_ptr<Room> room) {
        if (!room) {
          respond(ErrorResponse(*r, 503, "shutting_down", "server shutting down"));
          return;
        }
        room->WhenReady([room, id, r, respond, as_json] {
          if (room->state() != Room::State::kReady) {
            auto [code, name] =
                HttpError(room->load_error().ok() ? Status(StatusCode::kBusy, "room is unavailable")
                                                  : room->load_error());
            respond(ErrorResponse(*r, code, name,
                                  "room could not be loaded: " + room->load_error().message()));
            return;
          }
          if (!room->exists() && room->connections() == 0) {
            respond(ErrorResponse(*r, 404, "not_found", "no room named '" + id + "'"));
            return;
          }
          HttpResponse res{http::status::ok, r->version()};
          res.set(http::field::server, "symphony");
          res.keep_alive(r->keep_alive());
          res.set(http::field::cache_control, "no-store");
          if (as_json) {
            res.set(http::field::content_type, "application/json");
            res.body() = room->JsonView();
          } else {
            res.set(http::field::content_type, "application/octet-stream");
            std::vector<uint8_t> state = room->EncodeState();
            res.body().assign(reinterpret_cast<const char*>(state.data()), state.size());
          }
          res.prepare_payload();
          Metrics().CountHttp(200);
          respond(std::move(res));
        });
      });
}

void HttpApi::Presence(const std::string& id, const HttpRequest& req, Respond respond) {
  auto r = std::make_shared<HttpRequest>(req);
  asio::dispatch(ctx_.registry.LoopFor(id), [this, id, r, respond = std::move(respond)] {
    // Presence lives only in loaded rooms: an unloaded room has nobody present.
    std::shared_ptr<Room> room = ctx_.registry.Find(id);
    if (!room || room->state() != Room::State::kReady) {
      respond(JsonResponse(*r, 200, R"({"clients":[]})"));
      return;
    }
    respond(JsonResponse(*r, 200, room->PresenceJson()));
  });
}

void HttpApi::PostUpdate(const std::string& id, HttpRequest req, Respond respond) {
  auto r = std::make_shared<HttpRequest>(std::move(req));
  if (r->body().empty()) {
    respond(ErrorResponse(*r, 400, "malformed_update", "empty body: send a Yjs v1 update"));
    return;
  }
  auto update = std::make_shared<const Bytes>(r->body().begin(), r->body().end());
  ctx_.registry.WithRoom(id, [r, update, respond = std::move(respond)](std::shared_ptr<Room> room) {
    if (!room) {
      respond(ErrorResponse(*r, 503, "shutting_down", "server shutting down"));
      return;
    }
    room->ApplyFromApi(update, [room, r, respond, size = update->size()](Status st) {
      if (!st.ok()) {
        auto [code, name] = HttpError(st);
        respond(ErrorResponse(*r, code, name, st.ToString()));
        return;
      }
      json j = {{"applied", true}, {"bytes", size}, {"doc_bytes", room->stats()->doc_bytes.load()}};
      respond(JsonResponse(*r, 200, j.dump()));
    });
  });
}

void HttpApi::DeleteRoom(const std::string& id, const HttpRequest& req, Respond respond) {
  auto r = std::make_shared<HttpRequest>(req);
  ctx_.registry.WithRoom(id, [id, r, respond = std::move(respond)](std::shared_ptr<Room> room) {
    if (!room) {
      respond(ErrorResponse(*r, 503, "shutting_down", "server shutting down"));
      return;
    }
    room->Delete([id, r, respond](Status st) {
      if (!st.ok()) {
        auto [code, name] = HttpError(st);
        respond(ErrorResponse(*r, code, name, st.ToString()));
        return;
      }
      log::Info("room deleted through the API", {{"room", id}});
      respond(JsonResponse(*r, 200, json{{"deleted", true}, {"id", id}}.dump()));
    });
  });
}

void HttpApi::Static(const HttpRequest& req, Respond respond) {
  Result<std::string> path = PercentDecode(TargetPath(req.target()));
  if (!path.ok()) {
    respond(ErrorResponse(req, 400, "bad_path", "path has a " + path.status().message()));
    return;
  }
  ServeFiles(req, std::move(respond), ctx_.options.static_dir, std::move(path).value());
}

void HttpApi::ServeFiles(const HttpRequest& req, Respond respond, const std::string& dir,
                         std::string path) {
  auto landing = [&] {
    HttpResponse res{http::status::ok, req.version()};
    res.set(http::field::content_type, "text/html; charset=utf-8");
    res.keep_alive(req.keep_alive());
    res.body() = kLandingPage;
    res.prepare_payload();
    Metrics().CountHttp(200);
    respond(std::move(res));
  };
  if (dir.empty() || dir == "none") {
    if (path == "/" && dir != "none" && &dir == &ctx_.options.static_dir) return landing();
    respond(ErrorResponse(req, 404, "not_found", "no such route: " + path));
    return;
  }
  if (path.find("..") != std::string::npos || path.find('\0') != std::string::npos) {
    respond(ErrorResponse(req, 400, "bad_path", "path must not contain '..'"));
    return;
  }
  std::filesystem::path file = std::filesystem::path(dir) / path.substr(1);
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) file /= "index.html";
  if (!std::filesystem::is_regular_file(file, ec)) {
    // Single-page app: unknown paths without an extension get index.html.
    std::filesystem::path index = std::filesystem::path(dir) / "index.html";
    if (std::filesystem::path(path).has_extension() ||
        !std::filesystem::is_regular_file(index, ec)) {
      respond(ErrorResponse(req, 404, "not_found", "no such file: " + path));
      return;
    }
    file = index;
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream body;
  body << in.rdbuf();
  HttpResponse res{http::status::ok, req.version()};
  res.set(http::field::content_type, ContentType(file));
  res.set(http::field::cache_control, "no-cache");
  res.keep_alive(req.keep_alive());
  res.body() = body.str();
  res.prepare_payload();
  if (req.method() == http::verb::head) res.body().clear();
  Metrics().CountHttp(200);
  respond(std::move(res));
}

}  // namespace symphony::server
