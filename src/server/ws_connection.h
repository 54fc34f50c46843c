// WsConnection: one accepted WebSocket, its read loop and its bounded send queue.
//
// A connection lives on one event loop (its executor) and touches its socket only there. Send
// and Close may be called from any thread: they dispatch to that loop (inline when already on
// it). Messages are shared immutable buffers, so a broadcast is encoded once and queued to every
// connection without copies.
//
// Limits: messages over max_frame_bytes fail the read and Beast closes with 1009; text frames
// close with 1003; when the bytes queued for sending exceed max_send_queue_bytes the connection
// is closed (a slow reader resyncs on reconnect instead of growing the server). Idle
// connections are pinged after ping_interval_ms and dropped after twice that with no traffic.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/system_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

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
  void DoSend(SharedBytes message);
  void DoClose(uint16_t code, std::string reason, CloseReason metric, bool drain);
  void ReadNext();
  void OnRead(boost::beast::error_code ec, size_t bytes);
  void WriteNext();
  void StartClose();
  void Finish();
  Protocol MetricsProtocol() const { return protocol_; }

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::asio::any_io_executor executor_;
  boost::asio::steady_timer close_timer_;
  boost::asio::system_timer expiry_timer_;
  int64_t expires_at_ = 0;
  boost::beast::flat_buffer read_buffer_;
  const ServerOptions& options_;
  const Protocol protocol_;
  const uint64_t id_;
  std::string remote_;
  std::shared_ptr<Handler> handler_;

  std::deque<SharedBytes> queue_;
  size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool open_ = false;     // handshake done, not yet closed
  bool closing_ = false;  // Close requested
  bool close_sent_ = false;
  bool drain_ = false;
  bool finished_ = false;
  bool counted_ = false;  // in the connections gauge
  uint16_t close_code_ = 0;
  std::string close_reason_;
};

}  // namespace symphony::server
