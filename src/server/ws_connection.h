// WsConnection: one accepted WebSocket, its read loop and its bounded send queue.
//
// A connection lives on one event loop (its executor) and touches its socket only there. Send
// and Close may be called from any thread: they dispatch to that loop (inline when already on
// it). Messages are shared immutable buffers, so a broadcast is encoded once and queued to every
// connection without copies.
//
// Beast performs the upgrade; after it the connection owns the TCP socket and does the framing
// itself (protocol/ws_frame.h), because that is where the time goes under load:
//  - Writes are gathered: messages queued while the loop is busy (a room broadcasting a batch
//    of committed updates, awareness from several users) leave in one writev, each behind its
//    own frame header, instead of one send per message. The flush runs after the handlers
//    already queued on the loop, so one loop pass produces one write per socket.
//  - Reads take whatever the socket has (several frames per recv) into a small per-connection
//    buffer that grows only for a large frame; unfragmented payloads are unmasked in place.
//
// Limits: a message over max_frame_bytes is refused on its frame header and closed with 1009;
// text frames close with 1003, other protocol violations with 1002; when the bytes queued for
// sending exceed max_send_queue_bytes the connection is closed (a slow reader resyncs on
// reconnect instead of growing the server). A connection is pinged after ping_interval_ms
// without receiving anything and dropped, without a close frame, after twice that.
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/system_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocol/ws_frame.h"
#include "server/metrics.h"
#include "server/options.h"

namespace symphony::server {

using Bytes = std::vector<uint8_t>;
using SharedBytes = std::shared_ptr<const Bytes>;

// WebSocket close codes the server uses (RFC 6455 §7.4.1, plus the private range).
namespace close_code {
inline constexpr uint16_t kNormal = 1000;
inline constexpr uint16_t kGoingAway = 1001;        // server shutting down
inline constexpr uint16_t kProtocolError = 1002;    // malformed message
inline constexpr uint16_t kUnsupportedData = 1003;  // text frame
inline constexpr uint16_t kPolicy = 1008;           // rate limit, bad room name, slow reader
inline constexpr uint16_t kTooBig = 1009;           // frame or document over its limit
inline constexpr uint16_t kInternal = 1011;         // storage failure, failed room load
inline constexpr uint16_t kTryAgain = 1013;         // room full, room being deleted
inline constexpr uint16_t kTokenExpired = 4401;     // the connection's token expired
inline constexpr uint16_t kRoomDeleted = 4404;      // the room was deleted through the API
}  // namespace close_code

class WsConnection : public std::enable_shared_from_this<WsConnection> {
 public:
  // Receives the connection's events on its loop. Called until OnClosed, never after.
  class Handler {
   public:
    virtual ~Handler() = default;
    // One complete binary message.
    virtual void OnMessage(SharedBytes message) = 0;
    // The connection is gone (closed by either side or failed). Called exactly once.
    virtual void OnClosed() = 0;
  };

  using Protocol = server::Protocol;  // metrics.h: kYws, kHocuspocus

  WsConnection(boost::asio::ip::tcp::socket socket, const ServerOptions& options,
               Protocol protocol);
  ~WsConnection();

  // Closes every open connection with 1001 after its queued messages (server shutdown).
  static void CloseAll(const std::string& reason);

  // Completes the upgrade for `request` (already read) and starts reading. `handler` receives
  // the events; the connection keeps it alive until OnClosed has been delivered.
  void Start(boost::beast::http::request<boost::beast::http::string_body> request,
             std::shared_ptr<Handler> handler);

  // Queues a binary message (any thread).
  void Send(SharedBytes message);
  // Closes with `code` and `reason` (any thread). With drain, queued messages are written
  // first (shutdown); otherwise they are dropped (errors). Idempotent: the first call wins.
  void Close(uint16_t code, std::string reason, CloseReason metric, bool drain = false);

  // Closes the connection with 4401 at `unix_seconds` (a token's expiry); 0 does nothing. The
  // earliest expiry set wins. Any thread.
  void ExpireAt(int64_t unix_seconds);

  boost::asio::any_io_executor executor() const { return executor_; }
  Protocol protocol() const { return protocol_; }
  uint64_t id() const { return id_; }
  const std::string& remote() const { return remote_; }
  bool closing() const { return closing_; }

 private:
  // One queued frame: a message (its header is written at flush time) or a control frame
  // already encoded whole.
  struct Outgoing {
    SharedBytes bytes;
    bool control = false;
    bool exempt = false;  // over max_send_queue_bytes by itself: not counted against it
  };

  void OnUpgraded();
  void DoSend(SharedBytes message);
  void DoClose(uint16_t code, std::string reason, CloseReason metric, bool drain);
  void QueueControl(std::vector<uint8_t> frame);
  void QueueCloseFrame();
  void ScheduleFlush();
  void Flush();
  void OnWritten(boost::beast::error_code ec);
  void ReadNext();
  void OnRead(boost::beast::error_code ec, size_t bytes);
  // Handles the frames buffered; false when the connection is done with reading.
  bool HandleFrames();
  void OnPeerClose(uint16_t code);
  void ArmPingTimer();
  void Finish();
  Protocol MetricsProtocol() const { return protocol_; }

  // The upgrade's stream, until the handshake is done; then the socket is moved to socket_.
  std::optional<boost::beast::websocket::stream<boost::beast::tcp_stream>> upgrade_;
  boost::asio::any_io_executor executor_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer close_timer_;
  boost::asio::steady_timer ping_timer_;
  boost::asio::system_timer expiry_timer_;
  int64_t expires_at_ = 0;
  const ServerOptions& options_;
  const Protocol protocol_;
  const uint64_t id_;
  std::string remote_;
  std::shared_ptr<Handler> handler_;

  // Reading: rbuf_[rbegin_, rend_) holds bytes received and not yet parsed.
  protocol::ws::Reader reader_;
  std::vector<uint8_t> rbuf_;
  size_t rbegin_ = 0;
  size_t rend_ = 0;
  bool read_failed_ = false;  // the peer broke the protocol: discard until the socket closes
  std::chrono::steady_clock::time_point last_read_;

  // Writing: queue_'s first `in_flight_` entries are being written.
  std::deque<Outgoing> queue_;
  size_t in_flight_ = 0;
  size_t queued_bytes_ = 0;  // message bytes queued, in flight included
  size_t exempt_bytes_ = 0;  // of which in oversized messages (see DoSend)
  std::vector<uint8_t> headers_;
  std::vector<boost::asio::const_buffer> gather_;
  bool writing_ = false;
  bool flush_posted_ = false;

  bool open_ = false;     // handshake done, not yet finished
  bool closing_ = false;  // Close requested (or the peer's close received)
  bool close_queued_ = false;
  bool close_written_ = false;
  bool peer_closed_ = false;
  bool finished_ = false;
  bool counted_ = false;  // in the connections gauge
  uint16_t close_code_ = 0;
  std::string close_reason_;
};

}  // namespace symphony::server
