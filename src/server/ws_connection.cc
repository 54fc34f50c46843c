#include "server/ws_connection.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "util/log.h"

namespace symphony::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace wsf = protocol::ws;

namespace {

std::atomic<uint64_t> next_connection_id{1};

// Every open connection, for shutdown. Touched once per connect and disconnect.
std::mutex all_mu;
std::unordered_map<uint64_t, std::weak_ptr<WsConnection>>& AllConnections() {
  static auto* all = new std::unordered_map<uint64_t, std::weak_ptr<WsConnection>>();
  return *all;
}

// How long a close handshake may take before the socket is simply shut.
constexpr auto kCloseDeadline = std::chrono::seconds(3);

// Read buffer: what a connection keeps between messages, and the least free space a read gets.
// A larger frame grows the buffer to its size; the buffer shrinks back once it is consumed.
constexpr size_t kReadBufferBytes = 2048;
constexpr size_t kMinReadSpace = 512;
constexpr size_t kShrinkAbove = 64 * 1024;

// One gathered write: at most this many frames (IOV_MAX is 1024; two buffers per frame) and
// about this many bytes, so a long queue does not hold the loop in one huge write.
constexpr size_t kMaxFramesPerWrite = 256;
constexpr size_t kMaxBytesPerWrite = 1 << 20;

// What may wait before a message that alone exceeds max_send_queue_bytes.
constexpr size_t kSmallBacklog = 64 * 1024;

// Close reasons travel in a control frame: at most 123 bytes.
std::string TrimReason(std::string reason) {
  if (reason.size() > 123) {
    reason.resize(120);
    // Do not cut a UTF-8 sequence in half.
    while (!reason.empty() && (static_cast<uint8_t>(reason.back()) & 0xC0) == 0x80) {
      reason.pop_back();
    }
    if (!reason.empty() && (static_cast<uint8_t>(reason.back()) & 0x80)) reason.pop_back();
    reason += "...";
  }
  return reason;
}

CloseReason MetricForFrameError(uint16_t code) {
  switch (code) {
    case close_code::kTooBig:
      return CloseReason::kTooBig;
    case close_code::kUnsupportedData:
      return CloseReason::kTextFrame;
    default:
      return CloseReason::kProtocolError;
  }
}

}  // namespace

WsConnection::WsConnection(asio::ip::tcp::socket socket, const ServerOptions& options,
                           Protocol protocol)
    : executor_(socket.get_executor()),
      socket_(executor_),
      close_timer_(executor_),
      ping_timer_(executor_),
      expiry_timer_(executor_),
      options_(options),
      protocol_(protocol),
      id_(next_connection_id.fetch_add(1, std::memory_order_relaxed)),
      reader_(wsf::Role::kServer, options.max_frame_bytes) {
  beast::error_code ec;
  auto ep = socket.remote_endpoint(ec);
  if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
  upgrade_.emplace(std::move(socket));
}

WsConnection::~WsConnection() = default;

void WsConnection::Start(beast::http::request<beast::http::string_body> request,
                         std::shared_ptr<Handler> handler) {
  handler_ = std::move(handler);
  {
    std::lock_guard lock(all_mu);
    AllConnections()[id_] = weak_from_this();
  }
  auto& ws = *upgrade_;
  beast::get_lowest_layer(ws).expires_never();
  websocket::stream_base::timeout timeout{};
  timeout.handshake_timeout = std::chrono::seconds(10);
  timeout.idle_timeout = websocket::stream_base::none();
  timeout.keep_alive_pings = false;
  ws.set_option(timeout);
  ws.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(beast::http::field::server, "symphony"); }));
  ws.async_accept(request, [self = shared_from_this()](beast::error_code ec) {
    if (ec) {
      log::Debug("websocket handshake failed",
                 {{"conn", self->id_}, {"remote", self->remote_}, {"error", ec.message()}});
      self->Finish();
      return;
    }
    // Leave Beast's completion before its stream goes away.
    asio::post(self->executor_, [self] { self->OnUpgraded(); });
  });
}

void WsConnection::OnUpgraded() {
  if (finished_) return;
  socket_ = beast::get_lowest_layer(*upgrade_).release_socket();
  upgrade_.reset();
  open_ = true;
  counted_ = true;
  Metrics().ConnectionOpened(MetricsProtocol());
  last_read_ = std::chrono::steady_clock::now();
  ArmPingTimer();
  if (closing_) QueueCloseFrame();
  ReadNext();
  ScheduleFlush();
}

void WsConnection::CloseAll(const std::string& reason) {
  std::vector<std::shared_ptr<WsConnection>> open;
  {
    std::lock_guard lock(all_mu);
    for (auto& [id, weak] : AllConnections()) {
      if (auto c = weak.lock()) open.push_back(std::move(c));
    }
  }
  for (auto& c : open) c->Close(close_code::kGoingAway, reason, CloseReason::kGoingAway, true);
}

void WsConnection::ExpireAt(int64_t unix_seconds) {
  if (unix_seconds <= 0) return;
  asio::dispatch(executor_, [self = shared_from_this(), unix_seconds] {
    if (self->finished_ || (self->expires_at_ != 0 && self->expires_at_ <= unix_seconds)) return;
    self->expires_at_ = unix_seconds;
    self->expiry_timer_.expires_at(
        std::chrono::system_clock::time_point(std::chrono::seconds(unix_seconds)));
    self->expiry_timer_.async_wait([self](beast::error_code ec) {
      if (ec) return;
      self->DoClose(close_code::kTokenExpired, "token expired: reconnect with a fresh token",
                    CloseReason::kAuth, false);
    });
  });
}

void WsConnection::Send(SharedBytes message) {
  asio::dispatch(executor_, [self = shared_from_this(), m = std::move(message)]() mutable {
    self->DoSend(std::move(m));
  });
}

void WsConnection::Close(uint16_t code, std::string reason, CloseReason metric, bool drain) {
  asio::dispatch(executor_,
                 [self = shared_from_this(), code, r = std::move(reason), metric, drain]() mutable {
                   self->DoClose(code, std::move(r), metric, drain);
                 });
}

void WsConnection::DoSend(SharedBytes message) {
  if (closing_ || finished_) return;
  // A message larger than the bound by itself (a large document's sync step 2) is let through
  // when little waits before it (the handshake's first messages); otherwise the bytes waiting
  // plus this message must fit.
  // Such a message does not count against the bound while it waits, so the small messages
  // behind it (the Hocuspocus server's own step 1, awareness) still fit.
  const size_t bound = options_.max_send_queue_bytes;
  const size_t counted = queued_bytes_ - exempt_bytes_;
  const bool oversized = message->size() > bound;
  const bool fits = oversized ? exempt_bytes_ == 0 && counted <= kSmallBacklog
                              : counted + message->size() <= bound;
  if (!queue_.empty() && !fits) {
    DoClose(close_code::kPolicy,
            "send queue over " + std::to_string(options_.max_send_queue_bytes) +
                " bytes: the client reads too slowly",
            CloseReason::kSlowReader, false);
    return;
  }
  queued_bytes_ += message->size();
  if (oversized) exempt_bytes_ += message->size();
  queue_.push_back({std::move(message), false, oversized});
  ScheduleFlush();
}

void WsConnection::QueueControl(std::vector<uint8_t> frame) {
  queue_.push_back({std::make_shared<const Bytes>(std::move(frame)), true});
  ScheduleFlush();
}

void WsConnection::QueueCloseFrame() {
  if (close_queued_ || finished_) return;
  close_queued_ = true;
  QueueControl(wsf::EncodeClose(close_code_, close_reason_));
}

void WsConnection::ScheduleFlush() {
  if (!open_ || writing_ || flush_posted_ || finished_ || queue_.empty()) return;
  flush_posted_ = true;
  asio::post(executor_, [self = shared_from_this()] {
    self->flush_posted_ = false;
    self->Flush();
  });
}

void WsConnection::Flush() {
  if (writing_ || finished_ || !open_ || queue_.empty()) return;
  const size_t frames = std::min(queue_.size(), kMaxFramesPerWrite);
  headers_.resize(frames * wsf::kMaxHeaderBytes);
  gather_.clear();
  size_t header_at = 0;
  size_t bytes = 0;
  size_t taken = 0;
  while (taken < frames && (taken == 0 || bytes < kMaxBytesPerWrite)) {
    const Outgoing& out = queue_[taken];
    if (!out.control) {
      const size_t n =
          wsf::EncodeHeader(wsf::Opcode::kBinary, out.bytes->size(), headers_.data() + header_at);
      gather_.emplace_back(headers_.data() + header_at, n);
      header_at += n;
    }
    gather_.emplace_back(out.bytes->data(), out.bytes->size());
    bytes += out.bytes->size();
    ++taken;
  }
  in_flight_ = taken;
  writing_ = true;
  asio::async_write(socket_, gather_,
                    [self = shared_from_this()](beast::error_code ec, size_t) {
                      self->OnWritten(ec);
                    });
}

void WsConnection::OnWritten(beast::error_code ec) {
  writing_ = false;
  if (finished_) return;
  for (size_t i = 0; i < in_flight_ && !queue_.empty(); ++i) {
    const Outgoing& out = queue_.front();
    if (out.control) {
      if (out.bytes->size() >= 2 && ((*out.bytes)[0] & 0x0F) == 0x8) close_written_ = true;
    } else {
      Metrics().AddBytesOut(out.bytes->size());
      queued_bytes_ -= out.bytes->size();
      if (out.exempt) exempt_bytes_ -= out.bytes->size();
    }
    queue_.pop_front();
  }
  in_flight_ = 0;
  if (ec) {
    Finish();
    return;
  }
  if (close_written_) {
    // Nothing may follow a close frame. Done once the peer's close arrived too; otherwise
    // the read loop waits for it, and the close timer bounds the wait.
    queue_.clear();
    queued_bytes_ = exempt_bytes_ = 0;
    if (peer_closed_) {
      Finish();
    } else if (read_failed_) {
      // The peer broke the protocol, so its close frame could not be parsed: end our side
      // and let it close (shutting down, rather than closing with its bytes unread, avoids a
      // reset that could overtake the close frame).
      beast::error_code ignored;
      socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    }
    return;
  }
  Flush();
}

void WsConnection::DoClose(uint16_t code, std::string reason, CloseReason metric, bool drain) {
  if (closing_ || finished_) return;
  closing_ = true;
  close_code_ = code;
  close_reason_ = TrimReason(std::move(reason));
  Metrics().CountClose(metric);
  log::Debug("closing connection",
             {{"conn", id_}, {"remote", remote_}, {"code", code}, {"reason", close_reason_}});
  if (!drain) {
    // Drop what waits; the frames being written must finish first.
    queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(in_flight_), queue_.end());
    queued_bytes_ = exempt_bytes_ = 0;
    for (const auto& out : queue_) {
      if (!out.control) queued_bytes_ += out.bytes->size();
      if (out.exempt) exempt_bytes_ += out.bytes->size();
    }
  }
  close_timer_.expires_after(kCloseDeadline);
  close_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec) return;
    beast::error_code ignored;
    self->socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    self->socket_.close(ignored);
    if (!self->open_) self->Finish();  // still in the handshake
  });
  if (open_) QueueCloseFrame();
}

void WsConnection::ReadNext() {
  if (rbuf_.size() - rend_ < kMinReadSpace) {
    // Move the unparsed bytes to the front and make room for at least what the frame at the
    // front needs.
    const size_t pending = rend_ - rbegin_;
    if (rbegin_ > 0 && pending > 0) std::memmove(rbuf_.data(), rbuf_.data() + rbegin_, pending);
    rbegin_ = 0;
    rend_ = pending;
    const size_t want = std::max({kReadBufferBytes, reader_.bytes_needed(), pending + kMinReadSpace});
    if (rbuf_.size() < want) rbuf_.resize(want);
  }
  socket_.async_read_some(
      asio::buffer(rbuf_.data() + rend_, rbuf_.size() - rend_),
      [self = shared_from_this()](beast::error_code ec, size_t n) { self->OnRead(ec, n); });
}

void WsConnection::OnRead(beast::error_code ec, size_t bytes) {
  if (finished_) return;
  if (ec) {
    Finish();
    return;
  }
  last_read_ = std::chrono::steady_clock::now();
  rend_ += bytes;
  if (read_failed_) {
    rbegin_ = rend_ = 0;
  } else if (!HandleFrames()) {
    return;
  }
  if (finished_) return;
  if (rbegin_ == rend_) {
    rbegin_ = rend_ = 0;
    if (rbuf_.size() > kShrinkAbove) {
      rbuf_.resize(kReadBufferBytes);
      rbuf_.shrink_to_fit();
    }
  }
  ReadNext();
}

bool WsConnection::HandleFrames() {
  for (;;) {
    size_t used = 0;
    wsf::Event e = reader_.Next(std::span<uint8_t>(rbuf_.data() + rbegin_, rend_ - rbegin_), &used);
    rbegin_ += used;
    switch (e.kind) {
      case wsf::Event::Kind::kNeedMore:
        return true;
      case wsf::Event::Kind::kMessage: {
        if (closing_) break;  // a close is under way: the room no longer listens
        Metrics().AddBytesIn(e.payload.size());
        auto message = std::make_shared<Bytes>(e.payload.begin(), e.payload.end());
        if (handler_) handler_->OnMessage(std::move(message));
        if (finished_) return false;
        break;
      }
      case wsf::Event::Kind::kPing:
        if (!close_queued_) QueueControl(wsf::EncodeFrame(wsf::Opcode::kPong, e.payload));
        break;
      case wsf::Event::Kind::kPong:
        break;
      case wsf::Event::Kind::kClose:
        OnPeerClose(e.close_code);
        return !finished_;
      case wsf::Event::Kind::kError:
        read_failed_ = true;
        rbegin_ = rend_ = 0;
        if (!closing_) {
          log::Info("connection closed: bad frame",
                    {{"conn", id_}, {"remote", remote_}, {"code", e.close_code},
                     {"reason", e.reason}});
        }
        DoClose(e.close_code, e.reason, MetricForFrameError(e.close_code), false);
        return true;
    }
  }
}

void WsConnection::OnPeerClose(uint16_t code) {
  peer_closed_ = true;
  rbegin_ = rend_ = 0;
  read_failed_ = true;  // nothing may follow a close frame
  if (close_written_) {
    Finish();
    return;
  }
  if (!closing_) {
    // Echo the peer's code (RFC 6455 §5.5.1); the peer ended the session, which is no error.
    closing_ = true;
    close_code_ = code == wsf::kNoStatus ? close_code::kNormal : code;
    close_timer_.expires_after(kCloseDeadline);
    close_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->Finish();
    });
    queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(in_flight_), queue_.end());
    QueueCloseFrame();
  }
}

void WsConnection::ArmPingTimer() {
  const auto interval = std::chrono::milliseconds(options_.ping_interval_ms);
  if (interval.count() <= 0) return;
  // Checked twice per interval: a ping after one interval of silence, the drop after two.
  ping_timer_.expires_after(interval / 2);
  ping_timer_.async_wait([self = shared_from_this(), interval](beast::error_code ec) {
    if (ec || self->finished_) return;
    const auto idle = std::chrono::steady_clock::now() - self->last_read_;
    if (idle >= 2 * interval) {
      log::Info("connection dropped: no traffic",
                {{"conn", self->id_}, {"remote", self->remote_},
                 {"idle_ms", std::chrono::duration_cast<std::chrono::milliseconds>(idle).count()}});
      Metrics().CountClose(CloseReason::kIdleTimeout);
      self->Finish();
      return;
    }
    if (idle >= interval && !self->close_queued_) {
      self->QueueControl(wsf::EncodeFrame(wsf::Opcode::kPing, {}));
    }
    self->ArmPingTimer();
  });
}

void WsConnection::Finish() {
  if (finished_) return;
  finished_ = true;
  open_ = false;
  expiry_timer_.cancel();
  ping_timer_.cancel();
  {
    std::lock_guard lock(all_mu);
    AllConnections().erase(id_);
  }
  if (counted_) Metrics().ConnectionClosed(MetricsProtocol());
  close_timer_.cancel();
  queue_.clear();
  queued_bytes_ = exempt_bytes_ = 0;
  beast::error_code ignored;
  if (upgrade_) {
    beast::get_lowest_layer(*upgrade_).socket().close(ignored);
  } else {
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }
  if (auto h = std::move(handler_)) h->OnClosed();
}

}  // namespace symphony::server
