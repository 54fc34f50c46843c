#include "server/url.h"

#include <algorithm>

namespace symphony::server {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<std::string> PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) {
      return Status(StatusCode::kInvalid, "cut percent escape at character " + std::to_string(i));
    }
    const int hi = HexValue(s[i + 1]), lo = HexValue(s[i + 2]);
    if (hi < 0 || lo < 0) {
      return Status(StatusCode::kInvalid, "bad percent escape at character " + std::to_string(i));
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

std::string_view TargetPath(std::string_view target) {
  return target.substr(0, target.find_first_of("?#"));
}

std::string QueryParam(std::string_view target, std::string_view name) {
  const size_t q = target.find('?');
  if (q == std::string_view::npos) return "";
  std::string_view query = target.substr(q + 1);
  query = query.substr(0, query.find('#'));
  while (!query.empty()) {
    const size_t end = query.find('&');
    const std::string_view part = query.substr(0, end);
    const size_t eq = part.find('=');
    if (part.substr(0, eq) == name) {
      std::string value(eq == std::string_view::npos ? "" : part.substr(eq + 1));
      std::replace(value.begin(), value.end(), '+', ' ');
      Result<std::string> decoded = PercentDecode(value);
      return decoded.ok() ? std::move(decoded).value() : "";
    }
    if (end == std::string_view::npos) break;
    query.remove_prefix(end + 1);
  }
  return "";
}

}  // namespace symphony::server
