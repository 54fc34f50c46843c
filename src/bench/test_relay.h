// TestRelay: a minimal y-websocket relay for the bench's own tests (not a server to measure).
//
// Every binary message is sent to every connection of the same room, the sender included (as
// y-websocket echoes), except sync step 1, which is answered with an empty step 2 (the relay
// keeps no document, so content sent before a user joined is not replayed). Optionally closes
// a connection with `close_code` when it sends its first document update. One thread, one
// io_context; Stop() before destruction.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "protocol/sync.h"
#include "protocol/y_websocket.h"

namespace symphony::bench::testing {

class TestRelay {
 public:
  explicit TestRelay(uint16_t close_code = 0) : close_code_(close_code) {
    namespace asio = boost::asio;
    acceptor_.open(asio::ip::tcp::v4());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    Accept();
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~TestRelay() { Stop(); }
  void Stop() {
    if (!thread_.joinable()) return;
    ioc_.stop();
    thread_.join();
  }
  uint16_t port() const { return port_; }

 private:
  using Bytes = std::vector<uint8_t>;
  struct Conn : std::enable_shared_from_this<Conn> {
    explicit Conn(boost::asio::ip::tcp::socket s) : ws(std::move(s)) {}
    boost::beast::websocket::stream<boost::beast::tcp_stream> ws;
    boost::beast::flat_buffer buf;
    std::deque<std::shared_ptr<const Bytes>> queue;
    std::string room;
    bool closing = false;
    void Send(std::shared_ptr<const Bytes> m) {
      if (closing) return;
      queue.push_back(std::move(m));
      if (queue.size() == 1) Write();
    }
    void Write() {
      ws.binary(true);
      ws.async_write(boost::asio::buffer(*queue.front()),
                     [self = shared_from_this()](boost::system::error_code ec, size_t) {
                       self->queue.pop_front();
                       if (!ec && !self->queue.empty() && !self->closing) self->Write();
                     });
    }
  };

  void Accept() {
    namespace http = boost::beast::http;
    acceptor_.async_accept([this](boost::system::error_code ec, boost::asio::ip::tcp::socket s) {
      if (ec) return;
      auto c = std::make_shared<Conn>(std::move(s));
      auto req = std::make_shared<http::request<http::string_body>>();
      http::async_read(c->ws.next_layer(), c->buf, *req,
                       [this, c, req](boost::system::error_code ec, size_t) {
                         if (ec) return;
                         c->room = std::string(req->target());
                         c->ws.async_accept(*req, [this, c](boost::system::error_code ec) {
                           if (ec) return;
                           rooms_[c->room].insert(c);
                           Read(c);
                         });
                       });
      Accept();
    });
  }

  void Read(const std::shared_ptr<Conn>& c) {
    c->ws.async_read(c->buf, [this, c](boost::system::error_code ec, size_t) {
      if (ec) {
        rooms_[c->room].erase(c);
        return;
      }
      const auto data = c->buf.cdata();
      const auto* p = static_cast<const uint8_t*>(data.data());
      Bytes msg(p, p + data.size());
      c->buf.consume(c->buf.size());
      OnMessage(c, std::move(msg));
      Read(c);
    });
  }

  void OnMessage(const std::shared_ptr<Conn>& c, Bytes msg) {
    namespace yws = protocol::y_websocket;
    if (c->closing) return;
    Result<yws::Message> m = yws::Parse(msg);
    if (m.ok() && m->type == yws::MessageType::kSync) {
      Result<protocol::SyncMessage> s = protocol::DecodeSyncMessage(m->payload);
      if (s.ok() && s->type == protocol::SyncMessageType::kStep1) {
        const uint8_t kEmptyUpdate[] = {0, 0};
        c->Send(std::make_shared<const Bytes>(yws::SyncStep2(kEmptyUpdate)));
        return;
      }
      if (s.ok() && s->type == protocol::SyncMessageType::kUpdate && close_code_ != 0) {
        c->closing = true;
        rooms_[c->room].erase(c);
        c->ws.async_close(boost::beast::websocket::close_reason(close_code_), [c](auto) {});
        return;
      }
    }
    auto shared = std::make_shared<const Bytes>(std::move(msg));
    for (const auto& other : rooms_[c->room]) other->Send(shared);
  }

  boost::asio::io_context ioc_{1};
  boost::asio::ip::tcp::acceptor acceptor_{ioc_};
  std::thread thread_;
  uint16_t port_ = 0;
  uint16_t close_code_;
  std::map<std::string, std::set<std::shared_ptr<Conn>>> rooms_;
};

}  // namespace symphony::bench::testing
