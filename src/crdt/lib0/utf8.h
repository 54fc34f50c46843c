// UTF-8 primitives shared by the lib0 encoder, decoder and JSON code.
//
// Invalid input is handled as the WHATWG encoding standard's UTF-8 decoder does (what
// TextDecoder implements): each maximal invalid subpart becomes one U+FFFD. A "fatal" decoder
// (what lib0 uses for readVarString) rejects such input instead.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace symphony::crdt::lib0 {

inline constexpr char32_t kReplacementChar = 0xFFFD;

// Decodes one code point from p[0..n), n >= 1. Returns the code point, or -1 for an invalid
// sequence; *len is the number of bytes consumed (>= 1; for an invalid sequence, its maximal
// subpart, so that the next call resumes where TextDecoder would).
inline int32_t DecodeUtf8Step(const uint8_t* p, size_t n, size_t* len) {
  const uint8_t b0 = p[0];
  if (b0 < 0x80) {
    *len = 1;
    return b0;
  }
  size_t need;
  uint8_t lo = 0x80, hi = 0xBF;
  int32_t cp;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2;
    cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3;
    cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    *len = 1;
    return -1;
  }
  size_t i = 1;
  for (; i <= need; ++i) {
    if (i >= n || p[i] < lo || p[i] > hi) {
      *len = i;
      return -1;
    }
    lo = 0x80;
    hi = 0xBF;
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  *len = i;
  return cp;
}

// Offset of the first invalid sequence, or std::string_view::npos when `s` is valid UTF-8.
size_t FindInvalidUtf8(std::string_view s);
inline bool IsValidUtf8(std::string_view s) { return FindInvalidUtf8(s) == std::string_view::npos; }

// Appends the UTF-8 form of `cp` (a scalar value; surrogates are the caller's problem).
inline void AppendUtf8(std::string* out, char32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Appends `s` with every invalid sequence replaced by U+FFFD.
void AppendSanitizedUtf8(std::string* out, std::string_view s);

}  // namespace symphony::crdt::lib0
