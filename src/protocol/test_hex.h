// Hex helpers for the protocol tests.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace symphony::protocol::testing {

inline std::vector<uint8_t> FromHex(std::string_view h) {
  auto nib = [](char c) {
    return static_cast<uint8_t>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
  };
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(nib(h[i]) << 4 | nib(h[i + 1])));
  }
  return out;
}

inline std::string ToHex(std::span<const uint8_t> b) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (uint8_t x : b) {
    s.push_back(kHex[x >> 4]);
    s.push_back(kHex[x & 15]);
  }
  return s;
}

// Golden vectors from testdata/gen_protocol_vectors.mjs (y-protocols 1.0.7, yjs, lib0).
inline constexpr std::string_view kStateVector = "012a02";
inline constexpr std::string_view kUpdate = "01012a000401017402686900";
inline constexpr std::string_view kAwarenessUpdate =
    "022a01267b2275736572223a7b226e616d65223a22416e6e222c22636f6c6f72223a2223663030227d7de0a71"
    "201077b226e223a317d";
inline constexpr std::string_view kAwarenessRemoved = "01e0a71201046e756c6c";

}  // namespace symphony::protocol::testing
