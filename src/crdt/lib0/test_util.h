// Helpers shared by the lib0 and codec tests: hex conversion and the golden vector files that
// testdata/gen_vectors.mjs writes (one record a line, fields separated by TAB).
#pragma once

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "support/hex.h"

namespace symphony::crdt::testing {

using symphony::testing::FromHex;
using symphony::testing::ToHex;

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
