// Helpers shared by the lib0 and codec tests: hex conversion and the golden vector files that
// testdata/gen_vectors.mjs writes (one record a line, fields separated by TAB).
#pragma once

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace symphony::crdt::testing {

inline std::vector<uint8_t> FromHex(std::string_view h) {
  auto nib = [](char c) -> uint8_t {
    return static_cast<uint8_t>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
  };
  std::vector<uint8_t> out;
  out.reserve(h.size() / 2);
  for (size_t i = 0; i + 1 < h.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(nib(h[i]) << 4 | nib(h[i + 1])));
  }
  return out;
}

inline std::string ToHex(const std::vector<uint8_t>& b) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (uint8_t x : b) {
    s.push_back(kHex[x >> 4]);
    s.push_back(kHex[x & 15]);
  }
  return s;
}

// UTF-16 code units given as groups of four hex digits.
inline std::u16string FromU16Hex(std::string_view h) {
  std::u16string s;
  for (size_t i = 0; i + 3 < h.size(); i += 4) {
    s.push_back(static_cast<char16_t>(std::stoul(std::string(h.substr(i, 4)), nullptr, 16)));
  }
  return s;
}

inline std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t p = s.find(sep, start);
    out.emplace_back(s.substr(start, p == std::string_view::npos ? p : p - start));
    if (p == std::string_view::npos) return out;
    start = p + 1;
  }
}

// Records of `path` (relative to the source root) whose first field is `kind`.
inline std::vector<std::vector<std::string>> LoadVectors(const std::string& path,
                                                         std::string_view kind) {
  std::ifstream in(std::string(SYMPHONY_SOURCE_DIR) + "/" + path);
  std::vector<std::vector<std::string>> out;
  std::string line;
  while (std::getline(in, line)) {
    auto f = Split(line, '\t');
    if (!f.empty() && f[0] == kind) out.push_back(std::move(f));
  }
  return out;
}

}  // namespace symphony::crdt::testing
