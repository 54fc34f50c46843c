#include "crdt/lib0/encoder.h"

#include <cfloat>
#include <cmath>
#include <cstring>

#include "crdt/lib0/utf8.h"

namespace symphony::crdt::lib0 {

void Encoder::WriteVarUintSlow(uint64_t v) {
  while (v > 0x7F) {
    buf_.push_back(static_cast<uint8_t>(0x80 | (v & 0x7F)));
    v >>= 7;
  }
  buf_.push_back(static_cast<uint8_t>(v));
}

void Encoder::WriteVarIntSignMagnitude(uint64_t m, bool negative) {
  buf_.push_back(static_cast<uint8_t>((m > 0x3F ? 0x80 : 0) | (negative ? 0x40 : 0) | (m & 0x3F)));
  m >>= 6;
  while (m > 0) {
    buf_.push_back(static_cast<uint8_t>((m > 0x7F ? 0x80 : 0) | (m & 0x7F)));
    m >>= 7;
  }
}

void Encoder::WriteVarInt(int64_t v, bool negative_zero) {
  if (v < 0) {
    WriteVarIntSignMagnitude(uint64_t{0} - static_cast<uint64_t>(v), true);
  } else {
    WriteVarIntSignMagnitude(static_cast<uint64_t>(v), v == 0 && negative_zero);
  }
}

void Encoder::WriteVarString(std::string_view utf8) {
  if (IsValidUtf8(utf8)) {
    WriteVarUint(utf8.size());
    buf_.insert(buf_.end(), utf8.begin(), utf8.end());
    return;
  }
  std::string clean;
  AppendSanitizedUtf8(&clean, utf8);
  WriteVarUint(clean.size());
  buf_.insert(buf_.end(), clean.begin(), clean.end());
}

void Encoder::WriteVarString(std::u16string_view utf16) {
  const std::string s = Utf16ToUtf8(utf16);
  WriteVarUint(s.size());
  buf_.insert(buf_.end(), s.begin(), s.end());
}

void Encoder::WriteVarUint8Array(std::span<const uint8_t> bytes) {
  WriteVarUint(bytes.size());
  buf_.insert(buf_.end(), bytes.begin(), bytes.end());
}

void Encoder::WriteRaw(std::span<const uint8_t> bytes) {
  buf_.insert(buf_.end(), bytes.begin(), bytes.end());
}

void Encoder::WriteFloat32(float v) {
  uint32_t u;
  std::memcpy(&u, &v, 4);
  for (int i = 3; i >= 0; --i) buf_.push_back(static_cast<uint8_t>(u >> (8 * i)));
}

void Encoder::WriteFloat64(double v) {
  uint64_t u;
  std::memcpy(&u, &v, 8);
  for (int i = 7; i >= 0; --i) buf_.push_back(static_cast<uint8_t>(u >> (8 * i)));
}

void Encoder::WriteBigInt64(int64_t v) {
  const auto u = static_cast<uint64_t>(v);
  for (int i = 7; i >= 0; --i) buf_.push_back(static_cast<uint8_t>(u >> (8 * i)));
}

void Encoder::WriteAnyNumber(double d) {
  if (std::isnan(d)) {
    // V8 writes its canonical quiet NaN.
    buf_.push_back(123);
    uint64_t bits = 0x7FF8000000000000ull;
    double canonical;
    std::memcpy(&canonical, &bits, 8);
    WriteFloat64(canonical);
    return;
  }
  if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) <= 2147483647.0) {
    buf_.push_back(125);
    WriteVarInt(static_cast<int64_t>(d), std::signbit(d));
    return;
  }
  // Math.fround(d) === d; the range check keeps the narrowing conversion defined.
  if (std::isinf(d) || (std::fabs(d) <= FLT_MAX && static_cast<double>(static_cast<float>(d)) == d)) {
    buf_.push_back(124);
    WriteFloat32(static_cast<float>(d));
    return;
  }
  buf_.push_back(123);
  WriteFloat64(d);
}

void Encoder::WriteAny(const Any& v) {
  switch (v.type()) {
    case Any::Type::kUndefined:
      buf_.push_back(127);
      return;
    case Any::Type::kNull:
      buf_.push_back(126);
      return;
    case Any::Type::kBool:
      buf_.push_back(v.as_bool() ? 120 : 121);
      return;
    case Any::Type::kNumber:
      WriteAnyNumber(v.as_number());
      return;
    case Any::Type::kBigInt:
      buf_.push_back(122);
      WriteBigInt64(v.as_bigint());
      return;
    case Any::Type::kString:
      buf_.push_back(119);
      WriteVarString(v.as_string());
      return;
    case Any::Type::kBytes:
      buf_.push_back(116);
      WriteVarUint8Array(v.as_bytes());
      return;
    case Any::Type::kArray: {
      buf_.push_back(117);
      const auto& arr = v.as_array();
      WriteVarUint(arr.size());
      for (const Any& e : arr) WriteAny(e);
      return;
    }
    case Any::Type::kObject: {
      buf_.push_back(118);
      const auto& obj = v.as_object();
      WriteVarUint(obj.size());
      for (const auto& [k, e] : obj) {
        WriteVarString(k);
        WriteAny(e);
      }
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------------

void RleEncoder::Write(uint8_t v) {
  if (state_ == v) {
    ++count_;
    return;
  }
  if (count_ > 0) enc_.WriteVarUint(count_ - 1);
  count_ = 1;
  enc_.WriteUint8(v);
  state_ = v;
}

std::vector<uint8_t> RleEncoder::Finish() {
  state_ = -1;
  count_ = 0;
  return enc_.Take();
}

void UintOptRleEncoder::Flush() {
  if (count_ == 0) return;
  // A negative sign (even on 0, i.e. -0) announces that a repeat count follows.
  enc_.WriteVarIntSignMagnitude(s_, count_ > 1);
  if (count_ > 1) enc_.WriteVarUint(count_ - 2);
}

void UintOptRleEncoder::Write(uint64_t v) {
  if (s_ == v) {
    ++count_;
    return;
  }
  Flush();
  count_ = 1;
  s_ = v;
}

std::vector<uint8_t> UintOptRleEncoder::Finish() {
  Flush();
  s_ = 0;
  count_ = 0;
  return enc_.Take();
}

void IntDiffOptRleEncoder::Flush() {
  if (count_ == 0) return;
  // Low bit: whether a repeat count follows.
  const auto encoded =
      static_cast<int64_t>(static_cast<uint64_t>(diff_) * 2 + (count_ == 1 ? 0 : 1));
  enc_.WriteVarInt(encoded);
  if (count_ > 1) enc_.WriteVarUint(count_ - 2);
}

void IntDiffOptRleEncoder::Write(int64_t v) {
  const auto diff = static_cast<int64_t>(static_cast<uint64_t>(v) - static_cast<uint64_t>(s_));
  if (diff_ == diff) {
    s_ = v;
    ++count_;
    return;
  }
  Flush();
  count_ = 1;
  diff_ = diff;
  s_ = v;
}

std::vector<uint8_t> IntDiffOptRleEncoder::Finish() {
  Flush();
  s_ = 0;
  count_ = 0;
  diff_ = 0;
  return enc_.Take();
}

void StringEncoder::FlushPendingHigh() {
  if (pending_high_ != 0) {
    AppendUtf8(&utf8_, kReplacementChar);
    pending_high_ = 0;
  }
}

void StringEncoder::Write(std::u16string_view s) {
  lens_.Write(s.size());
  const size_t n = s.size();
  for (size_t i = 0; i < n; ++i) {
    char32_t c = s[i];
    if (c < 0x80 && pending_high_ == 0) {
      utf8_.push_back(static_cast<char>(c));
      continue;
    }
    if (pending_high_ != 0) {
      if (c >= 0xDC00 && c <= 0xDFFF) {
        c = 0x10000 + ((static_cast<char32_t>(pending_high_) - 0xD800) << 10) + (c - 0xDC00);
        pending_high_ = 0;
        AppendUtf8(&utf8_, c);
        continue;
      }
      FlushPendingHigh();
    }
    if (c >= 0xD800 && c <= 0xDBFF) {
      pending_high_ = static_cast<char16_t>(c);  // resolved by the next unit, in any write
      continue;
    }
    if (c >= 0xDC00 && c <= 0xDFFF) c = kReplacementChar;
    AppendUtf8(&utf8_, c);
  }
}

void StringEncoder::Write(std::string_view utf8) {
  lens_.Write(Utf16Length(utf8));
  if (utf8.empty()) return;
  FlushPendingHigh();
  if (IsValidUtf8(utf8)) {
    utf8_.append(utf8);
  } else {
    AppendSanitizedUtf8(&utf8_, utf8);
  }
}

std::vector<uint8_t> StringEncoder::Finish() {
  FlushPendingHigh();
  Encoder e;
  std::vector<uint8_t> lens = lens_.Finish();
  e.Reserve(utf8_.size() + lens.size() + 10);
  e.WriteVarUint(utf8_.size());
  e.WriteRaw({reinterpret_cast<const uint8_t*>(utf8_.data()), utf8_.size()});
  e.WriteRaw(lens);
  utf8_.clear();
  return e.Take();
}

}  // namespace symphony::crdt::lib0
