#include "bench/virtual_user.h"

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/websocket/error.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/stream_base.hpp>
#include <utility>

#include "bench/bench_clock.h"

namespace symphony::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {
constexpr uint16_t kCloseNormal = 1000;
constexpr uint16_t kCloseProtocolError = 1002;
constexpr uint16_t kCloseNoFrame = 1006;  // reported for a connection lost without a close frame
constexpr size_t kMaxMessageBytes = size_t{64} << 20;

double Period(double rate) { return rate > 0 ? 1e6 / rate : 0; }
}  // namespace

VirtualUser::VirtualUser(asio::io_context& ioc, UserPlan plan, LoadStats* stats, Progress* progress)
    : plan_(std::move(plan)),
      stats_(stats),
      progress_(progress),
      session_(plan_.session, stats, progress),
      ws_(ioc),
      timer_(ioc),
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
  auto& tcp = beast::get_lowest_layer(ws_);
  tcp.expires_after(plan_.connect_timeout);
  tcp.async_connect(plan_.endpoint, [self = shared_from_this()](boost::system::error_code ec) {
    self->OnConnected(ec);
  });
}

void VirtualUser::OnConnected(boost::system::error_code ec) {
  if (ec || stopping_) return ConnectFailed();
  auto& tcp = beast::get_lowest_layer(ws_);
  tcp.expires_never();
  boost::system::error_code ignored;
  tcp.socket().set_option(asio::ip::tcp::no_delay(true), ignored);
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = plan_.connect_timeout;  // also bounds the close handshake
  timeouts.idle_timeout = websocket::stream_base::none();
  timeouts.keep_alive_pings = false;
  ws_.set_option(timeouts);
  ws_.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
    req.set(beast::http::field::user_agent, "symphony-bench");
  }));
  ws_.read_message_max(kMaxMessageBytes);
  ws_.binary(true);
  ws_.async_handshake(
      plan_.host_header, plan_.target,
      [self = shared_from_this()](boost::system::error_code ec) { self->OnHandshake(ec); });
}

void VirtualUser::OnHandshake(boost::system::error_code ec) {
  if (ec || stopping_) return ConnectFailed();
  state_ = State::kOpen;
  for (Bytes& m : session_.Start(NowMicros(), connect_started_us_)) Send(std::move(m));
  Read();
}

void VirtualUser::ConnectFailed() {
  if (!stopping_) {
    stats_->connect_errors++;
    failed_ = true;
    progress_->failed.fetch_add(1, std::memory_order_relaxed);
  }
  state_ = State::kDone;
  progress_->closed.fetch_add(1, std::memory_order_relaxed);
  boost::system::error_code ignored;
  beast::get_lowest_layer(ws_).socket().close(ignored);
}

void VirtualUser::Read() {
  ws_.async_read(buffer_, [self = shared_from_this()](boost::system::error_code ec, size_t) {
    self->OnRead(ec);
  });
}

void VirtualUser::OnRead(boost::system::error_code ec) {
  if (ec) return Finish(ec);
  if (state_ != State::kOpen) {  // closing: drain until the close frame
    buffer_.consume(buffer_.size());
    return Read();
  }
  const bool was_synced = session_.synced();
  std::vector<Bytes> out;
  Status st = Status::Ok();
  if (ws_.got_binary()) {
    const auto data = buffer_.cdata();
    st = session_.OnMessage({static_cast<const uint8_t*>(data.data()), data.size()}, NowMicros(),
                            &out);
  }
  buffer_.consume(buffer_.size());
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
    return Read();
  }
  if (!was_synced && session_.synced() && sending_) ScheduleTick(NowMicros());
  Read();
}

void VirtualUser::Finish(boost::system::error_code ec) {
  const bool asked = stopping_ || failed_;
  if (!asked && state_ != State::kDone) {
    int code = kCloseNoFrame;
    if (ec == websocket::error::closed && ws_.reason().code != websocket::close_code::none) {
      code = ws_.reason().code;
    }
    if (session_.synced()) {
      stats_->unexpected_closes++;
      stats_->close_codes[code]++;
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
  queue_.clear();
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
  queued_bytes_ += message.size();
  queue_.push_back(std::move(message));
  if (!writing_) Write();
}

void VirtualUser::Write() {
  if (queue_.empty() || state_ != State::kOpen) {
    writing_ = false;
    return;
  }
  writing_ = true;
  ws_.async_write(asio::buffer(queue_.front()),
                  [self = shared_from_this()](boost::system::error_code ec, size_t) {
                    if (self->queue_.empty()) {
                      self->writing_ = false;
                      return;
                    }
                    self->queued_bytes_ -= self->queue_.front().size();
                    self->queue_.pop_front();
                    if (ec) {
                      self->writing_ = false;  // the read side reports the failure
                      return;
                    }
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
  state_ = State::kClosing;
  timer_.cancel();
  ws_.async_close(websocket::close_reason(code),
                  [self = shared_from_this()](boost::system::error_code ec) {
                    if (ec) {  // the read loop may be gone: make sure the socket closes
                      boost::system::error_code ignored;
                      beast::get_lowest_layer(self->ws_).socket().close(ignored);
                    }
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
    case State::kConnecting: {
      boost::system::error_code ignored;
      beast::get_lowest_layer(ws_).socket().close(ignored);  // fails the pending step
      return;
    }
    case State::kOpen:
      CloseWith(kCloseNormal);
      return;
    case State::kClosing:
    case State::kDone:
      return;
  }
}

}  // namespace symphony::bench
