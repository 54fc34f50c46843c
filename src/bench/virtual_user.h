// VirtualUser: one ClientSession on a WebSocket client connection, with its send schedule.
//
// The connection is a plain TCP socket: the upgrade request is written and its response parsed
// here, and frames go through protocol/ws_frame.h. Messages queued while a write is in flight
// leave together in one gathered write; reads take whatever the socket holds and hand every
// complete message to the session. (Beast's stream cost the bench as much CPU as the server it
// measured; the bench must stay cheap so that it measures the server, not itself.)
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

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "bench/client_session.h"
#include "bench/load_stats.h"
#include "protocol/ws_frame.h"

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
  enum class State : uint8_t { kWaiting, kConnecting, kUpgrading, kOpen, kClosing, kDone };
  using Bytes = std::vector<uint8_t>;

  void Connect();
  void OnConnected(boost::system::error_code ec);
  void OnUpgradeResponse();
  void OnOpen();
  void Read();
  void OnRead(boost::system::error_code ec, size_t bytes);
  // Handles the complete frames buffered; false when the connection is over.
  bool HandleFrames();
  void Send(Bytes message);
  void QueueFrame(protocol::ws::Opcode opcode, std::span<const uint8_t> payload);
  void Write();
  void Tick();
  void ScheduleTick(int64_t at_us);
  void CloseWith(uint16_t code);
  void ConnectFailed();
  // The connection is over: `close_code` is the server's close code, 1006 for none.
  void Finish(uint16_t close_code);
  void CloseSocket();

  UserPlan plan_;
  LoadStats* stats_;
  Progress* progress_;
  ClientSession session_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;     // the ramp slot, then the send schedule
  boost::asio::steady_timer deadline_;  // bounds the connect, the upgrade and the close
  std::string upgrade_request_;
  std::string accept_key_;  // the Sec-WebSocket-Accept the server must answer with

  protocol::ws::Reader reader_;
  Bytes rbuf_;  // [rbegin_, rend_): received, not yet parsed
  size_t rbegin_ = 0;
  size_t rend_ = 0;

  std::deque<Bytes> queue_;  // whole frames; the first in_flight_ are being written
  size_t in_flight_ = 0;
  size_t queued_bytes_ = 0;
  std::vector<boost::asio::const_buffer> gather_;
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
