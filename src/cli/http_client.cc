#include "cli/http_client.h"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/coroutine.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <nlohmann/json.hpp>

namespace symphony::cli {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr size_t kChunkBytes = 256 * 1024;
constexpr uint64_t kMaxReplyBytes = uint64_t{64} << 20;

#include <boost/asio/yield.hpp>  // reenter / yield, undefined after the class

// One request, as a stackless coroutine (asio::coroutine): resolve, connect, write the header,
// write the body in chunks (reporting progress), read the answer.
class Exchange : public asio::coroutine {
 public:
  Exchange(asio::io_context& ioc, const HttpUrl& url, const HttpCall& call, Result<HttpReply>* out)
      : state_(std::make_shared<State>(ioc, url, call, out)) {}

  void operator()(beast::error_code ec = {}, size_t = 0) { Step(ec); }
  void operator()(beast::error_code ec, const tcp::resolver::results_type& results) {
    state_->results = results;
    Step(ec);
  }
  void operator()(beast::error_code ec, const tcp::endpoint&) { Step(ec); }

 private:
  struct State {
    State(asio::io_context& ioc, const HttpUrl& u, const HttpCall& c, Result<HttpReply>* o)
        : resolver(ioc), stream(ioc), url(u), call(c), out(o) {}
    tcp::resolver resolver;
    beast::tcp_stream stream;
    tcp::resolver::results_type results;
    http::request<http::empty_body> request;
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    size_t sent = 0;
    beast::error_code write_error;
    const HttpUrl& url;
    const HttpCall& call;
    Result<HttpReply>* out;
  };

  std::string Where() const { return state_->url.host + ":" + state_->url.port; }
  void Fail(const std::string& what, beast::error_code ec) {
    const std::string why =
        ec == beast::error::timeout
            ? "no progress within " + std::to_string(state_->call.timeout.count()) + " ms"
            : ec.message();
    *state_->out = Status(StatusCode::kIo, what + ": " + why);
  }

  void Step(beast::error_code ec) {
    State& s = *state_;
    reenter(this) {
      yield s.resolver.async_resolve(s.url.host, s.url.port, std::move(*this));
      if (ec) return Fail("cannot resolve " + s.url.host, ec);
      s.stream.expires_after(s.call.timeout);
      yield s.stream.async_connect(s.results, std::move(*this));
      if (ec) return Fail("cannot connect to " + Where(), ec);

      s.request.method_string(s.call.method);
      s.request.target(s.url.path + s.call.target);
      s.request.version(11);
      s.request.set(http::field::host, s.url.host + ":" + s.url.port);
      s.request.set(http::field::user_agent, "symphony-cli");
      s.request.set(http::field::connection, "close");
      for (const auto& [name, value] : s.call.headers) s.request.set(name, value);
      if (!s.call.body.empty() || s.call.method == "POST" || s.call.method == "PUT") {
        s.request.content_length(s.call.body.size());
      }
      s.stream.expires_after(s.call.timeout);
      yield http::async_write(s.stream, s.request, std::move(*this));
      if (ec) return Fail("cannot send the request to " + Where(), ec);

      while (s.sent < s.call.body.size()) {
        s.stream.expires_after(s.call.timeout);
        yield asio::async_write(s.stream,
                                asio::buffer(s.call.body.data() + s.sent,
                                             std::min(kChunkBytes, s.call.body.size() - s.sent)),
                                std::move(*this));
        if (ec) {
          // The server may answer before reading everything (413): read that answer below.
          s.write_error = ec;
          break;
        }
        s.sent += std::min(kChunkBytes, s.call.body.size() - s.sent);
        if (s.call.on_progress) s.call.on_progress(s.sent, s.call.body.size());
      }

      s.parser.body_limit(kMaxReplyBytes);
      s.stream.expires_after(s.call.timeout);
      yield http::async_read(s.stream, s.buffer, s.parser, std::move(*this));
      if (ec) {
        if (s.write_error) {
          return Fail("the connection to " + Where() + " closed after " + std::to_string(s.sent) +
                          " of " + std::to_string(s.call.body.size()) + " bytes",
                      s.write_error);
        }
        return Fail("no answer from " + Where(), ec);
      }
      HttpReply reply;
      reply.status = static_cast<int>(s.parser.get().result_int());
      reply.content_type = std::string(s.parser.get()[http::field::content_type]);
      reply.body = std::move(s.parser.get().body());
      *s.out = std::move(reply);
      beast::error_code ignored;
      s.stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    }
  }

  std::shared_ptr<State> state_;
};
#include <boost/asio/unyield.hpp>

}  // namespace

std::string HttpUrl::Base() const {
  const bool v6 = host.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + host + "]" : host) + ":" + port + path;
}

Result<HttpUrl> ParseHttpUrl(std::string_view url) {
  const std::string given(url);
  std::string_view rest = url;
  if (rest.starts_with("https://") || rest.starts_with("wss://")) {
    return Status(StatusCode::kUnsupported,
                  "'" + given +
                      "': https is not supported here; give the server's plain http address "
                      "(e.g. http://127.0.0.1:8080)");
  }
  if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else if (rest.starts_with("ws://")) {
    rest.remove_prefix(5);
  } else {
    return Status(StatusCode::kInvalid, "'" + given +
                                            "' is not a URL of the form http://HOST[:PORT], e.g. " +
                                            "http://127.0.0.1:8080");
  }
  const size_t slash = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) {
    return Status(StatusCode::kInvalid, "'" + given + "': user names in URLs are not supported");
  }
  HttpUrl out;
  out.port = "80";
  if (authority.starts_with("[")) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return Status(StatusCode::kInvalid, "'" + given + "': unclosed '[' in the host");
    }
    out.host = std::string(authority.substr(1, close - 1));
    authority.remove_prefix(close + 1);
    if (!authority.empty() && authority[0] != ':') {
      return Status(StatusCode::kInvalid, "'" + given + "': expected ':PORT' after the host");
    }
    if (!authority.empty()) out.port = std::string(authority.substr(1));
  } else {
    const size_t colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) out.port = std::string(authority.substr(colon + 1));
  }
  if (out.host.empty()) return Status(StatusCode::kInvalid, "'" + given + "' has no host");
  if (out.port.empty() || out.port.size() > 5 ||
      !std::all_of(out.port.begin(), out.port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      std::stoi(out.port) > 65535) {
    return Status(StatusCode::kInvalid, "'" + given + "': the port must be a number 0..65535");
  }
  // Only a path is kept (a query or fragment of a base URL means nothing here).
  path = path.substr(0, path.find_first_of("?#"));
  while (path.ends_with("/")) path.remove_suffix(1);
  out.path = std::string(path);
  return out;
}

Result<HttpReply> Fetch(const HttpUrl& url, const HttpCall& call) {
  asio::io_context ioc;
  Result<HttpReply> out = Status(StatusCode::kInternal, "the request did not run");
  Exchange(ioc, url, call, &out)();
  ioc.run();
  return out;
}

std::string PercentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string ServerErrorMessage(const HttpReply& reply) {
  nlohmann::json j = nlohmann::json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_object() && j.contains("error") && j["error"].is_object() &&
      j["error"].contains("message") && j["error"]["message"].is_string()) {
    return j["error"]["message"].get<std::string>();
  }
  std::string body = reply.body.substr(0, 200);
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
  return body.empty() ? "HTTP " + std::to_string(reply.status) : body;
}

}  // namespace symphony::cli
