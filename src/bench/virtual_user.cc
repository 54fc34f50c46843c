#include "bench/virtual_user.h"

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/websocket/detail/hybi13.hpp>
#include <algorithm>
#include <cctype>
#include <cstring>
#include <string_view>
#include <utility>

#include "bench/bench_clock.h"

namespace symphony::bench {

namespace asio = boost::asio;
namespace wsf = protocol::ws;

namespace {
constexpr uint16_t kCloseNormal = 1000;
constexpr uint16_t kCloseProtocolError = 1002;
constexpr uint16_t kCloseNoFrame = 1006;  // reported for a connection lost without a close frame
constexpr size_t kMaxMessageBytes = size_t{64} << 20;
constexpr size_t kMaxResponseHeader = 16 * 1024;
constexpr size_t kReadBufferBytes = 4096;
constexpr size_t kMinReadSpace = 1024;
constexpr size_t kMaxFramesPerWrite = 64;

double Period(double rate) { return rate > 0 ? 1e6 / rate : 0; }

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

// The value of header `name` in an HTTP response head, or "" when absent.
std::string_view HeaderValue(std::string_view head, std::string_view name) {
  size_t at = head.find("\r\n");
  while (at != std::string_view::npos) {
    const size_t line = at + 2;
    const size_t end = head.find("\r\n", line);
    std::string_view l = head.substr(line, end == std::string_view::npos ? end : end - line);
    if (StartsWithNoCase(l, name) && l.size() > name.size() && l[name.size()] == ':') {
      std::string_view v = l.substr(name.size() + 1);
      while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
      while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
      return v;
    }
    at = end;
  }
  return {};
}
}  // namespace

VirtualUser::VirtualUser(asio::io_context& ioc, UserPlan plan, LoadStats* stats, Progress* progress)
    : plan_(std::move(plan)),
      stats_(stats),
      progress_(progress),
      session_(plan_.session, stats, progress),
      socket_(ioc),
      timer_(ioc),
      deadline_(ioc),
      reader_(wsf::Role::kClient, kMaxMessageBytes),
      rng_(plan_.session.seed ^ 0x9e3779b97f4a7c15ull) {}

void VirtualUser::Start() {
  auto self = shared_from_this();
  timer_.expires_after(
      std::chrono::microseconds(std::max<int64_t>(0, plan_.connect_at_us - NowMicros())));
  timer_.async_wait([self](boost::system::error_code ec) {
    if (ec || self->stopping_) return;
    self->Connect();
  });
}

void VirtualUser::Connect() {
  state_ = State::kConnecting;
  connect_started_us_ = NowMicros();
  // One deadline for the TCP connect and the upgrade: past it the socket is closed, which
  // fails whichever step is pending.
  deadline_.expires_after(plan_.connect_timeout);
  deadline_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec) self->CloseSocket();
  });
  socket_.async_connect(plan_.endpoint, [self = shared_from_this()](boost::system::error_code ec) {
    self->OnConnected(ec);
  });
}

void VirtualUser::OnConnected(boost::system::error_code ec) {
  if (ec || stopping_) return ConnectFailed();
  boost::system::error_code ignored;
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
  boost::beast::websocket::detail::sec_ws_key_type key;
  boost::beast::websocket::detail::make_sec_ws_key(key);
  boost::beast::websocket::detail::sec_ws_accept_type accept;
  boost::beast::websocket::detail::make_sec_ws_accept(accept, {key.data(), key.size()});
  accept_key_.assign(accept.data(), accept.size());
  upgrade_request_ = "GET " + plan_.target + " HTTP/1.1\r\nHost: " + plan_.host_header +
                     "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " +
                     std::string(key.data(), key.size()) +
                     "\r\nSec-WebSocket-Version: 13\r\nUser-Agent: symphony-bench\r\n\r\n";
  state_ = State::kUpgrading;
  asio::async_write(socket_, asio::buffer(upgrade_request_),
                    [self = shared_from_this()](boost::system::error_code ec, size_t) {
                      if (ec || self->stopping_) return self->ConnectFailed();
                      self->Read();
                    });
}

void VirtualUser::OnUpgradeResponse() {
  // rbuf_[0, rend_) holds the response head and maybe the first frames after it.
  std::string_view data(reinterpret_cast<const char*>(rbuf_.data()), rend_);
  const size_t end = data.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    if (rend_ > kMaxResponseHeader) return ConnectFailed();
    return Read();
  }
  std::string_view head = data.substr(0, end);
  const bool switching = head.starts_with("HTTP/1.1 101");
  if (!switching || HeaderValue(head, "Sec-WebSocket-Accept") != accept_key_) {
    return ConnectFailed();
  }
  rbegin_ = end + 4;
  deadline_.cancel();
  OnOpen();
}

void VirtualUser::OnOpen() {
  state_ = State::kOpen;
  for (Bytes& m : session_.Start(NowMicros(), connect_started_us_)) Send(std::move(m));
  if (!HandleFrames()) return;
  Read();
}

void VirtualUser::ConnectFailed() {
  if (state_ == State::kDone) return;
  if (!stopping_) {
    stats_->connect_errors++;
    failed_ = true;
    progress_->failed.fetch_add(1, std::memory_order_relaxed);
  }
  state_ = State::kDone;
  progress_->closed.fetch_add(1, std::memory_order_relaxed);
  deadline_.cancel();
  CloseSocket();
}

void VirtualUser::CloseSocket() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

void VirtualUser::Read() {
  if (rbuf_.size() - rend_ < kMinReadSpace) {
    const size_t pending = rend_ - rbegin_;
    if (rbegin_ > 0 && pending > 0) std::memmove(rbuf_.data(), rbuf_.data() + rbegin_, pending);
    rbegin_ = 0;
    rend_ = pending;
    const size_t want =
        std::max({kReadBufferBytes, reader_.bytes_needed(), pending + kMinReadSpace});
    if (rbuf_.size() < want) rbuf_.resize(want);
  }
  socket_.async_read_some(
      asio::buffer(rbuf_.data() + rend_, rbuf_.size() - rend_),
      [self = shared_from_this()](boost::system::error_code ec, size_t n) { self->OnRead(ec, n); });
}

void VirtualUser::OnRead(boost::system::error_code ec, size_t bytes) {
  if (state_ == State::kDone) return;
  if (ec) {
    if (state_ == State::kConnecting || state_ == State::kUpgrading) return ConnectFailed();
    return Finish(kCloseNoFrame);
  }
  rend_ += bytes;
  if (state_ == State::kUpgrading) return OnUpgradeResponse();
  if (!HandleFrames()) return;
  if (rbegin_ == rend_) rbegin_ = rend_ = 0;
  Read();
}

bool VirtualUser::HandleFrames() {
  for (;;) {
    size_t used = 0;
    wsf::Event e =
        reader_.Next(std::span<uint8_t>(rbuf_.data() + rbegin_, rend_ - rbegin_), &used);
    rbegin_ += used;
    switch (e.kind) {
      case wsf::Event::Kind::kNeedMore:
        return true;
      case wsf::Event::Kind::kPing:
        if (state_ == State::kOpen) QueueFrame(wsf::Opcode::kPong, e.payload);
        break;
      case wsf::Event::Kind::kPong:
        break;
      case wsf::Event::Kind::kClose:
        if (state_ == State::kOpen) {
          // Answer the server's close, then end.
          QueueFrame(wsf::Opcode::kClose, e.payload.empty()
                                              ? std::span<const uint8_t>()
                                              : std::span<const uint8_t>(e.payload));
        }
        Finish(e.close_code == wsf::kNoStatus ? kCloseNoFrame : e.close_code);
        return false;
      case wsf::Event::Kind::kError:
        stats_->protocol_errors++;
        failed_ = true;
        Finish(kCloseNoFrame);
        return false;
      case wsf::Event::Kind::kMessage: {
        if (state_ != State::kOpen) break;  // closing: drain until the close frame
        const bool was_synced = session_.synced();
        std::vector<Bytes> out;
        Status st = session_.OnMessage(e.payload, NowMicros(), &out);
        for (Bytes& m : out) Send(std::move(m));
        if (!st.ok()) {
          if (session_.synced()) {
            stats_->protocol_errors++;
          } else {
            stats_->connect_errors++;
            progress_->failed.fetch_add(1, std::memory_order_relaxed);
          }
          failed_ = true;
          CloseWith(kCloseProtocolError);
          break;
        }
        if (!was_synced && session_.synced() && sending_) ScheduleTick(NowMicros());
        break;
      }
    }
  }
}

void VirtualUser::Finish(uint16_t close_code) {
  const bool asked = stopping_ || failed_;
  if (!asked && state_ != State::kDone) {
    if (session_.synced()) {
      stats_->unexpected_closes++;
      stats_->close_codes[close_code]++;
    } else {
      stats_->connect_errors++;
      progress_->failed.fetch_add(1, std::memory_order_relaxed);
    }
    failed_ = true;
  }
  if (state_ != State::kDone) {
    state_ = State::kDone;
    progress_->closed.fetch_add(1, std::memory_order_relaxed);
  }
  timer_.cancel();
  deadline_.cancel();
  if (writing_) {
    // Let the last frames (a close answer) go out; the socket closes when the write ends.
    queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(in_flight_), queue_.end());
  } else {
    queue_.clear();
    CloseSocket();
  }
  queued_bytes_ = 0;
}

void VirtualUser::Send(Bytes message) {
  if (state_ != State::kOpen) return;
  if (queued_bytes_ + message.size() > kMaxQueuedBytes || queue_.size() >= kMaxQueuedMessages) {
    stats_->send_overflows++;
    failed_ = true;
    CloseWith(kCloseNormal);
    return;
  }
  QueueFrame(wsf::Opcode::kBinary, message);
}

void VirtualUser::QueueFrame(wsf::Opcode opcode, std::span<const uint8_t> payload) {
  uint8_t key[4];
  const uint64_t r = rng_();
  std::memcpy(key, &r, 4);
  Bytes frame(wsf::kMaxHeaderBytes + payload.size());
  const size_t header = wsf::EncodeHeader(opcode, payload.size(), frame.data(), key);
  if (!payload.empty()) std::memcpy(frame.data() + header, payload.data(), payload.size());
  frame.resize(header + payload.size());
  wsf::Mask(std::span<uint8_t>(frame).subspan(header), key);
  queued_bytes_ += frame.size();
  queue_.push_back(std::move(frame));
  if (!writing_) Write();
}

void VirtualUser::Write() {
  if (queue_.empty() || state_ == State::kDone) {
    writing_ = false;
    return;
  }
  writing_ = true;
  gather_.clear();
  in_flight_ = std::min(queue_.size(), kMaxFramesPerWrite);
  for (size_t i = 0; i < in_flight_; ++i) gather_.emplace_back(asio::buffer(queue_[i]));
  asio::async_write(socket_, gather_,
                    [self = shared_from_this()](boost::system::error_code ec, size_t) {
                      self->writing_ = false;
                      for (size_t i = 0; i < self->in_flight_ && !self->queue_.empty(); ++i) {
                        self->queued_bytes_ -= std::min(self->queued_bytes_,
                                                        self->queue_.front().size());
                        self->queue_.pop_front();
                      }
                      self->in_flight_ = 0;
                      if (self->state_ == State::kDone) {
                        self->queue_.clear();
                        self->CloseSocket();
                        return;
                      }
                      if (ec) return;  // the read side reports the failure
                      self->Write();
                    });
}

void VirtualUser::BeginSending(int64_t from_us, int64_t until_us) {
  sending_ = true;
  send_until_us_ = until_us;
  std::uniform_real_distribution<double> phase(0, 1);
  next_doc_us_ = from_us + static_cast<int64_t>(Period(plan_.doc_rate) * phase(rng_));
  next_aw_us_ = from_us + static_cast<int64_t>(Period(plan_.presence_rate) * phase(rng_));
  last_aw_us_ = from_us;
  if (state_ == State::kOpen && session_.synced()) ScheduleTick(from_us);
}

void VirtualUser::ScheduleTick(int64_t at_us) {
  timer_.expires_after(std::chrono::microseconds(std::max<int64_t>(0, at_us - NowMicros())));
  timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec) self->Tick();
  });
}

void VirtualUser::Tick() {
  if (state_ != State::kOpen || stopping_ || !session_.synced()) return;
  const int64_t now = NowMicros();
  if (now >= send_until_us_) return;
  std::uniform_real_distribution<double> jitter(0.9, 1.1);
  // Falling behind (a busy loop) must not turn into a burst: skip what is over a period late.
  auto advance = [&](int64_t* next, double period) {
    *next += static_cast<int64_t>(period * jitter(rng_));
    if (*next < now - static_cast<int64_t>(period)) *next = now;
  };
  const double doc_period = Period(plan_.doc_rate);
  const double aw_period = Period(plan_.presence_rate);
  if (doc_period > 0 && now >= next_doc_us_) {
    Send(session_.MakeStroke(now, true));
    advance(&next_doc_us_, doc_period);
  }
  if (aw_period > 0 && now >= next_aw_us_) {
    Send(session_.MakePresence(now, true));
    last_aw_us_ = now;
    advance(&next_aw_us_, aw_period);
  } else if (now - last_aw_us_ >= kRenewUs) {
    Send(session_.MakePresence(now, false));
    last_aw_us_ = now;
  }
  int64_t next = std::min(send_until_us_, last_aw_us_ + kRenewUs);
  if (doc_period > 0) next = std::min(next, next_doc_us_);
  if (aw_period > 0) next = std::min(next, next_aw_us_);
  if (state_ == State::kOpen) ScheduleTick(std::max(next, now + 100));
}

void VirtualUser::CloseWith(uint16_t code) {
  if (state_ != State::kOpen) return;
  timer_.cancel();
  const uint8_t payload[2] = {static_cast<uint8_t>(code >> 8), static_cast<uint8_t>(code)};
  QueueFrame(wsf::Opcode::kClose, payload);
  state_ = State::kClosing;
  // The server answers with its close frame (the read loop then finishes); a server that does
  // not is cut off after the connect timeout.
  deadline_.expires_after(plan_.connect_timeout);
  deadline_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec || self->state_ == State::kDone) return;
    self->Finish(kCloseNoFrame);
  });
}

void VirtualUser::Stop() {
  stopping_ = true;
  timer_.cancel();
  switch (state_) {
    case State::kWaiting:
      state_ = State::kDone;
      progress_->closed.fetch_add(1, std::memory_order_relaxed);
      return;
    case State::kConnecting:
    case State::kUpgrading:
      CloseSocket();  // fails the pending step
      return;
    case State::kOpen:
      CloseWith(kCloseNormal);
      return;
    case State::kClosing:
    case State::kDone:
      return;
  }
}

}  // namespace symphony::bench
