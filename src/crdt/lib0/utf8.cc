#include "crdt/lib0/utf8.h"

#include <cstring>

#include "crdt/lib0/encoder.h"

namespace symphony::crdt::lib0 {

namespace {

// Skips a run of ASCII bytes eight at a time; returns the index of the first non-ASCII byte.
inline size_t SkipAscii(const uint8_t* p, size_t i, size_t n) {
  while (i + 8 <= n) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    if (w & 0x8080808080808080ull) break;
    i += 8;
  }
  while (i < n && p[i] < 0x80) ++i;
  return i;
}

}  // namespace

size_t FindInvalidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (true) {
    i = SkipAscii(p, i, n);
    if (i >= n) return std::string_view::npos;
    size_t len;
    if (DecodeUtf8Step(p + i, n - i, &len) < 0) return i;
    i += len;
  }
}

void AppendSanitizedUtf8(std::string* out, std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    size_t j = SkipAscii(p, i, n);
    // Copy valid runs in one go; only invalid sequences are rewritten.
    while (j < n) {
      size_t len;
      if (DecodeUtf8Step(p + j, n - j, &len) < 0) break;
      j += len;
    }
    out->append(s.data() + i, j - i);
    if (j >= n) return;
    size_t len;
    DecodeUtf8Step(p + j, n - j, &len);
    AppendUtf8(out, kReplacementChar);
    i = j + len;
  }
}

std::u16string Utf8ToUtf16(std::string_view utf8) {
  const auto* p = reinterpret_cast<const uint8_t*>(utf8.data());
  const size_t n = utf8.size();
  // Never more UTF-16 units than UTF-8 bytes: write in place, then trim.
  std::u16string out(n, u'\0');
  char16_t* o = out.data();
  size_t k = 0;
  size_t i = 0;
  while (i < n) {
    // ASCII runs (most text) are widened in bulk.
    const size_t j = SkipAscii(p, i, n);
    for (; i < j; ++i) o[k++] = p[i];
    if (i >= n) break;
    size_t len;
    int32_t cp = DecodeUtf8Step(p + i, n - i, &len);
    i += len;
    if (cp < 0) {
      o[k++] = static_cast<char16_t>(kReplacementChar);
    } else if (cp >= 0x10000) {  // four bytes in, two units out
      cp -= 0x10000;
      o[k++] = static_cast<char16_t>(0xD800 | (cp >> 10));
      o[k++] = static_cast<char16_t>(0xDC00 | (cp & 0x3FF));
    } else {
      o[k++] = static_cast<char16_t>(cp);
    }
  }
  out.resize(k);
  return out;
}

std::string Utf16ToUtf8(std::u16string_view utf16) {
  std::string out;
  out.reserve(utf16.size());
  const size_t n = utf16.size();
  size_t i = 0;
  while (i < n) {
    // ASCII runs are narrowed in bulk.
    size_t j = i;
    while (j < n && utf16[j] < 0x80) ++j;
    if (j > i) {
      const size_t at = out.size();
      out.resize(at + (j - i));
      char* d = out.data() + at;
      for (; i < j; ++i) *d++ = static_cast<char>(utf16[i]);
      if (i >= n) break;
    }
    char32_t c = utf16[i];
    if (c >= 0xD800 && c <= 0xDFFF) {
      if (c <= 0xDBFF && i + 1 < n && utf16[i + 1] >= 0xDC00 && utf16[i + 1] <= 0xDFFF) {
        c = 0x10000 + ((c - 0xD800) << 10) + (utf16[i + 1] - 0xDC00);
        ++i;
      } else {
        c = kReplacementChar;
      }
    }
    AppendUtf8(&out, c);
    ++i;
  }
  return out;
}

size_t Utf16Length(std::string_view utf8) {
  const auto* p = reinterpret_cast<const uint8_t*>(utf8.data());
  const size_t n = utf8.size();
  size_t units = 0;
  size_t i = 0;
  while (i < n) {
    size_t j = SkipAscii(p, i, n);
    units += j - i;
    i = j;
    if (i >= n) break;
    size_t len;
    int32_t cp = DecodeUtf8Step(p + i, n - i, &len);
    units += cp >= 0x10000 ? 2 : 1;
    i += len;
  }
  return units;
}

}  // namespace symphony::crdt::lib0
