#include "crdt/types/js_value.h"

#include <algorithm>

#include "crdt/lib0/encoder.h"
#include "crdt/lib0/utf8.h"

namespace symphony::crdt {

std::string JsToString(const Any& value) {
  switch (value.type()) {
    case Any::Type::kUndefined:
      return "undefined";
    case Any::Type::kNull:
      return "null";
    case Any::Type::kBool:
      return value.as_bool() ? "true" : "false";
    case Any::Type::kNumber:
      return JsNumberToString(value.as_number());
    case Any::Type::kBigInt:
      return std::to_string(value.as_bigint());
    case Any::Type::kString:
      return value.as_string();
    case Any::Type::kBytes: {
      std::string out;
      bool first = true;
      for (uint8_t b : value.as_bytes()) {
        if (!first) out += ',';
        first = false;
        out += std::to_string(b);
      }
      return out;
    }
    case Any::Type::kArray: {
      std::string out;
      bool first = true;
      for (const Any& e : value.as_array()) {
        if (!first) out += ',';
        first = false;
        if (e.type() != Any::Type::kUndefined && e.type() != Any::Type::kNull) {
          out += JsToString(e);
        }
      }
      return out;
    }
    case Any::Type::kObject:
      return "[object Object]";
  }
  return {};
}

bool JsStringLess(std::string_view a, std::string_view b) {
  // UTF-8 byte order equals code point order; UTF-16 order differs only where a supplementary
  // character meets U+E000..U+FFFF, so compare UTF-16 units.
  std::u16string ua = lib0::Utf8ToUtf16(a);
  std::u16string ub = lib0::Utf8ToUtf16(b);
  return std::lexicographical_compare(ua.begin(), ua.end(), ub.begin(), ub.end());
}

namespace {

char32_t LowerCodePoint(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c < 0x80) return c;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
  if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 32;
  if (c >= 0x410 && c <= 0x42F) return c + 32;
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  return c;
}

}  // namespace

std::string JsLowerCase(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  size_t i = 0;
  while (i < s.size()) {
    if (p[i] < 0x80) {
      out.push_back(static_cast<char>(LowerCodePoint(p[i])));
      ++i;
      continue;
    }
    size_t len = 0;
    int32_t cp = lib0::DecodeUtf8Step(p + i, s.size() - i, &len);
    if (cp < 0) {
      lib0::AppendUtf8(&out, lib0::kReplacementChar);
    } else {
      lib0::AppendUtf8(&out, LowerCodePoint(static_cast<char32_t>(cp)));
    }
    i += len;
  }
  return out;
}

}  // namespace symphony::crdt
