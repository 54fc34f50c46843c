#include "bench/ws_url.h"

#include <boost/asio/ip/address.hpp>
#include <charconv>

namespace symphony::bench {

namespace {
Status Invalid(std::string_view url, const std::string& why) {
  return Status(StatusCode::kInvalid, "bad URL '" + std::string(url) + "': " + why);
}
}  // namespace

Result<WsUrl> ParseWsUrl(std::string_view url) {
  constexpr std::string_view kScheme = "ws://";
  if (url.starts_with("wss://")) {
    return Status(StatusCode::kUnsupported, "wss:// is not supported; use ws://");
  }
  if (!url.starts_with(kScheme)) return Invalid(url, "expected ws://host:port[/path]");
  if (url.find_first_of("?#") != std::string_view::npos) {
    return Invalid(url, "no query or fragment allowed");
  }
  std::string_view rest = url.substr(kScheme.size());
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  WsUrl out;
  if (slash != std::string_view::npos) {
    out.path = std::string(rest.substr(slash));
    while (!out.path.empty() && out.path.back() == '/') out.path.pop_back();
  }
  std::string_view port_text;
  if (authority.starts_with('[')) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return Invalid(url, "unclosed '['");
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return Invalid(url, "expected ':' after ']'");
      port_text = after.substr(1);
    }
  } else {
    const size_t colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (out.host.empty()) return Invalid(url, "no host");
  if (!port_text.empty() || authority.ends_with(':')) {
    unsigned port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
      return Invalid(url, "bad port '" + std::string(port_text) + "'");
    }
    out.port = static_cast<uint16_t>(port);
  }
  return out;
}

bool IsLoopbackHost(std::string_view host) {
  if (host == "localhost") return true;
  boost::system::error_code ec;
  const auto addr = boost::asio::ip::make_address(std::string(host), ec);
  return !ec && addr.is_loopback();
}

std::string YwsTarget(const WsUrl& url, std::string_view room) {
  return url.path + "/" + std::string(room);
}

std::string HocuspocusTarget(const WsUrl& url) {
  return url.path.empty() ? std::string("/hocuspocus") : url.path;
}

}  // namespace symphony::bench
