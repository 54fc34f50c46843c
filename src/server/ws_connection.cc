#include "server/ws_connection.h"

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <chrono>
#include <mutex>
#include <unordered_map>

#include "util/log.h"

namespace symphony::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

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

}  // namespace

WsConnection::WsConnection(asio::ip::tcp::socket socket, const ServerOptions& options,
                           Protocol protocol)
    : ws_(std::move(socket)),
      executor_(ws_.get_executor()),
      close_timer_(executor_),
      expiry_timer_(executor_),
      options_(options),
      protocol_(protocol),
      id_(next_connection_id.fetch_add(1, std::memory_order_relaxed)) {
  beast::error_code ec;
  auto ep = beast::get_lowest_layer(ws_).socket().remote_endpoint(ec);
  if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
}

WsConnection::~WsConnection() = default;

void WsConnection::Start(beast::http::request<beast::http::string_body> request,
                         std::shared_ptr<Handler> handler) {
  handler_ = std::move(handler);
  {
    std::lock_guard lock(all_mu);
    AllConnections()[id_] = weak_from_this();
  }
  beast::get_lowest_layer(ws_).expires_never();
  websocket::stream_base::timeout timeout{};
  timeout.handshake_timeout = std::chrono::seconds(10);
  timeout.idle_timeout = std::chrono::milliseconds(uint64_t{options_.ping_interval_ms} * 2);
  timeout.keep_alive_pings = true;
  ws_.set_option(timeout);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(beast::http::field::server, "symphony"); }));
  ws_.read_message_max(options_.max_frame_bytes);
  ws_.binary(true);
  ws_.auto_fragment(false);
  ws_.async_accept(request, [self = shared_from_this()](beast::error_code ec) {
    if (ec) {
      log::Debug("websocket handshake failed",
                 {{"conn", self->id_}, {"remote", self->remote_}, {"error", ec.message()}});
      self->Finish();
      return;
    }
    self->open_ = true;
    self->counted_ = true;
    Metrics().ConnectionOpened(self->MetricsProtocol());
    if (self->closing_) {
      self->StartClose();
      return;
    }
    self->ReadNext();
    self->WriteNext();
  });
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
  // One message may exceed the bound when nothing else waits (a large sync step 2).
  if (!queue_.empty() && queued_bytes_ + message->size() > options_.max_send_queue_bytes) {
    DoClose(close_code::kPolicy,
            "send queue over " + std::to_string(options_.max_send_queue_bytes) +
                " bytes: the client reads too slowly",
            CloseReason::kSlowReader, false);
    return;
  }
  queued_bytes_ += message->size();
  queue_.push_back(std::move(message));
  if (open_ && !writing_) WriteNext();
}

void WsConnection::WriteNext() {
  if (writing_ || finished_) return;
  if (queue_.empty()) {
    if (closing_ && !close_sent_) StartClose();
    return;
  }
  writing_ = true;
  const SharedBytes& front = queue_.front();
  ws_.async_write(asio::buffer(*front), [self = shared_from_this()](beast::error_code ec, size_t) {
    self->writing_ = false;
    if (self->queue_.empty()) return;  // cleared by a close
    Metrics().AddBytesOut(self->queue_.front()->size());
    self->queued_bytes_ -= self->queue_.front()->size();
    self->queue_.pop_front();
    if (ec) {
      self->queue_.clear();
      self->queued_bytes_ = 0;
      self->Finish();
      return;
    }
    self->WriteNext();
  });
}

void WsConnection::DoClose(uint16_t code, std::string reason, CloseReason metric, bool drain) {
  if (closing_ || finished_) return;
  closing_ = true;
  drain_ = drain;
  close_code_ = code;
  close_reason_ = TrimReason(std::move(reason));
  Metrics().CountClose(metric);
  log::Debug("closing connection",
             {{"conn", id_}, {"remote", remote_}, {"code", code}, {"reason", close_reason_}});
  if (!drain_ && !writing_) {
    queue_.clear();
    queued_bytes_ = 0;
  } else if (!drain_ && queue_.size() > 1) {
    // Keep only the message being written: the write in flight must finish first.
    queue_.erase(queue_.begin() + 1, queue_.end());
    queued_bytes_ = queue_.front()->size();
  }
  close_timer_.expires_after(kCloseDeadline);
  close_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec) return;
    beast::error_code ignored;
    beast::get_lowest_layer(self->ws_).socket().shutdown(asio::ip::tcp::socket::shutdown_both,
                                                         ignored);
    beast::get_lowest_layer(self->ws_).close();
  });
  if (open_ && !writing_ && (queue_.empty() || !drain_)) StartClose();
}

void WsConnection::StartClose() {
  if (close_sent_ || finished_) return;
  close_sent_ = true;
  websocket::close_reason cr(static_cast<websocket::close_code>(close_code_), close_reason_);
  ws_.async_close(cr, [self = shared_from_this()](beast::error_code) {
    // The read loop sees the peer's close (or the failure) and finishes the connection.
  });
}

void WsConnection::ReadNext() {
  ws_.async_read(read_buffer_, [self = shared_from_this()](beast::error_code ec, size_t n) {
    self->OnRead(ec, n);
  });
}

void WsConnection::OnRead(beast::error_code ec, size_t bytes) {
  if (ec) {
    if (ec == websocket::error::message_too_big && !closing_) {
      // Beast has already sent close 1009; count it.
      closing_ = true;
      close_sent_ = true;
      Metrics().CountClose(CloseReason::kTooBig);
      log::Info("connection closed: frame too big",
                {{"conn", id_}, {"remote", remote_}, {"limit", options_.max_frame_bytes}});
    }
    Finish();
    return;
  }
  if (closing_) {
    read_buffer_.consume(read_buffer_.size());
    ReadNext();
    return;
  }
  if (!ws_.got_binary()) {
    read_buffer_.consume(read_buffer_.size());
    DoClose(close_code::kUnsupportedData,
            "text frames are not supported: send binary y-websocket or Hocuspocus messages",
            CloseReason::kTextFrame, false);
    ReadNext();
    return;
  }
  auto message = std::make_shared<Bytes>(bytes);
  asio::buffer_copy(asio::buffer(*message), read_buffer_.data());
  read_buffer_.consume(bytes);
  Metrics().AddBytesIn(bytes);
  if (handler_) handler_->OnMessage(std::move(message));
  if (!finished_) ReadNext();
}

void WsConnection::Finish() {
  if (finished_) return;
  finished_ = true;
  open_ = false;
  expiry_timer_.cancel();
  {
    std::lock_guard lock(all_mu);
    AllConnections().erase(id_);
  }
  if (counted_) Metrics().ConnectionClosed(MetricsProtocol());
  close_timer_.cancel();
  queue_.clear();
  queued_bytes_ = 0;
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().close(ignored);
  if (auto h = std::move(handler_)) h->OnClosed();
}

}  // namespace symphony::server
