// VirtualUser: one ClientSession on a Boost.Beast WebSocket, with its send schedule.
//
// Life: Start() waits for the user's ramp slot, connects (TCP, WebSocket handshake), and runs
// the session's handshake. BeginSending(from, until) makes the user send strokes and presence
// updates at its rates, evenly spread with ±10 % jitter from a random phase, while it is synced
// and now < until; every 15 s without a presence update it renews its state (unmeasured), as
// y-protocols does, so servers do not time it out. Stop() closes the connection (bounded by the
// close handshake timeout). A user never reconnects: failures are counted and the user is done.
//
// Counting, into the LoadStats given (see load_stats.h): a failure before the user synced is a
// connect error; after, a close not asked for by Stop() is an unexpected close (with its close
// code, 1006 when the connection dropped without one); a malformed message from the server is a
// protocol error (we close with 1002). Progress::closed is incremented exactly once per user,
// when its connection is over (or would never start).
//
// Threading: all methods must be called on the user's io_context thread (post them); the object
// must be held by a shared_ptr (handlers keep it alive). After the io_context stopped, session()
// may be read from any one thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "bench/client_session.h"
#include "bench/load_stats.h"

namespace symphony::bench {

struct UserPlan {
  SessionConfig session;
  boost::asio::ip::tcp::endpoint endpoint;
  std::string host_header;    // "host:port" for the HTTP upgrade request
  std::string target;         // request target, e.g. "/bench-3" or "/hocuspocus"
  int64_t connect_at_us = 0;  // NowMicros() when to begin connecting (the ramp slot)
  double doc_rate = 1;        // strokes per second
  double presence_rate = 5;   // presence updates per second
  std::chrono::milliseconds connect_timeout{10000};  // TCP connect, then the WebSocket handshake
};

class VirtualUser : public std::enable_shared_from_this<VirtualUser> {
 public:
  // Bounds of the send queue: a server that stops reading makes the user give up, not grow.
  static constexpr size_t kMaxQueuedBytes = size_t{8} << 20;
  static constexpr size_t kMaxQueuedMessages = 10000;
  static constexpr int64_t kRenewUs = 15'000'000;

  VirtualUser(boost::asio::io_context& ioc, UserPlan plan, LoadStats* stats, Progress* progress);

  void Start();
  void BeginSending(int64_t from_us, int64_t until_us);
  void Stop();

  ClientSession& session() { return session_; }
  // Synced, and its connection was not lost or failed before Stop().
  bool healthy() const { return session_.synced() && !failed_; }

 private:
  enum class State : uint8_t { kWaiting, kConnecting, kOpen, kClosing, kDone };
  using Ws = boost::beast::websocket::stream<boost::beast::tcp_stream>;
  using Bytes = std::vector<uint8_t>;

  void Connect();
  void OnConnected(boost::system::error_code ec);
  void OnHandshake(boost::system::error_code ec);
  void Read();
  void OnRead(boost::system::error_code ec);
  void Send(Bytes message);
  void Write();
  void Tick();
  void ScheduleTick(int64_t at_us);
  void CloseWith(uint16_t code);
  void ConnectFailed();
  void Finish(boost::system::error_code ec);

  UserPlan plan_;
  LoadStats* stats_;
  Progress* progress_;
  ClientSession session_;
  Ws ws_;
  boost::asio::steady_timer timer_;
  boost::beast::flat_buffer buffer_;
  std::deque<Bytes> queue_;
  size_t queued_bytes_ = 0;
  bool writing_ = false;
  State state_ = State::kWaiting;
  bool stopping_ = false;
  bool failed_ = false;
  bool sending_ = false;
  int64_t connect_started_us_ = 0;
  int64_t send_until_us_ = 0;
  int64_t next_doc_us_ = 0;
  int64_t next_aw_us_ = 0;
  int64_t last_aw_us_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace symphony::bench
