#include "crdt/lib0/decoder.h"

#include <algorithm>
#include <cstring>

#include "crdt/lib0/encoder.h"
#include "crdt/lib0/utf8.h"

namespace symphony::crdt::lib0 {

Decoder& Decoder::operator=(const Decoder& o) {
  if (this == &o) return *this;
  data_ = o.data_;
  size_ = o.size_;
  pos_ = o.pos_;
  base_ = o.base_;
  error_ = o.error_ ? std::make_unique<Status>(*o.error_) : nullptr;
  return *this;
}

const Status& Decoder::status() const {
  static const Status* const kOk = new Status();
  return error_ ? *error_ : *kOk;
}

void Decoder::FailAt(StatusCode code, std::string message, size_t at) {
  if (!error_) error_ = std::make_unique<Status>(code, std::move(message), base_ + at);
  pos_ = size_;
}

void Decoder::FailTruncated(const char* what, size_t at) {
  FailAt(StatusCode::kTruncated, std::string("input ends inside ") + what, at);
}

void Decoder::FailOverflow(const char* what, size_t at) {
  FailAt(StatusCode::kOverflow, std::string(what) + " exceeds 2^53-1", at);
}

void Decoder::FailInvalidUtf8(size_t bad, size_t at) {
  FailAt(StatusCode::kInvalid, "invalid UTF-8 in string (at +" + std::to_string(bad) + ")", at);
}

void Decoder::FailLength(uint64_t n, size_t at) {
  FailAt(StatusCode::kOverflow,
         "length " + std::to_string(n) + " exceeds the " + std::to_string(size_ - pos_) +
             " bytes left",
         at);
}

void Decoder::Fail(StatusCode code, std::string message) {
  FailAt(code, std::move(message), pos_);
}

uint64_t Decoder::ReadVarUintSlow() {
  const size_t start = pos_;
  if (size_ - pos_ >= 8) {
    // Common multi-byte case without per-byte bounds checks: ends within 8 bytes, so at most
    // 56 bits, checked against 2^53 once.
    const uint8_t* p = data_ + pos_;
    uint64_t v = p[0] & 0x7F;
#pragma GCC unroll 8
    for (unsigned i = 1; i < 7; ++i) {  // up to 49 bits: cannot exceed 2^53
      const uint64_t b = p[i];
      v |= (b & 0x7F) << (7 * i);
      if (b < 0x80) {
        pos_ += i + 1;
        return v;
      }
    }
    const uint64_t b = p[7];
    v |= (b & 0x7F) << 49;
    if (b < 0x80) {
      if (v > kMaxSafeInteger) {
        FailOverflow("varUint", start);
        return 0;
      }
      pos_ += 8;
      return v;
    }
  }
  uint64_t num = 0;
  unsigned shift = 0;
  while (pos_ < size_) {
    const uint8_t r = data_[pos_++];
    const uint64_t bits = r & 0x7F;
    if (bits != 0) {
      if (shift > 53) {
        FailOverflow("varUint", start);
        return 0;
      }
      num |= bits << shift;
      if (num > kMaxSafeInteger) {
        FailOverflow("varUint", start);
        return 0;
      }
    }
    if (r < 0x80) return num;
    if (shift < 64) shift += 7;
  }
  FailTruncated("varUint", start);
  return 0;
}

uint64_t Decoder::ReadVarIntSlow(bool* negative) {
  *negative = false;
  const size_t start = pos_;
  if (pos_ >= size_) {
    FailTruncated("varInt", start);
    return 0;
  }
  if (size_ - pos_ >= 8) {
    // See ReadVarUintSlow: ends within 8 bytes, so at most 55 bits.
    const uint8_t* p = data_ + pos_;
    uint64_t v = p[0] & 0x3F;
    if (p[0] < 0x80) {
      ++pos_;
      *negative = (p[0] & 0x40) != 0;
      return v;
    }
#pragma GCC unroll 8
    for (unsigned i = 1; i < 7; ++i) {  // up to 48 bits: cannot exceed 2^53
      const uint64_t b = p[i];
      v |= (b & 0x7F) << (7 * i - 1);
      if (b < 0x80) {
        pos_ += i + 1;
        *negative = (p[0] & 0x40) != 0;
        return v;
      }
    }
    const uint64_t b = p[7];
    v |= (b & 0x7F) << 48;
    if (b < 0x80) {
      if (v > kMaxSafeInteger) {
        FailOverflow("varInt", start);
        return 0;
      }
      pos_ += 8;
      *negative = (p[0] & 0x40) != 0;
      return v;
    }
  }
  uint8_t r = data_[pos_++];
  const bool neg = (r & 0x40) != 0;
  uint64_t num = r & 0x3F;
  if (r < 0x80) {
    *negative = neg;
    return num;
  }
  unsigned shift = 6;
  while (pos_ < size_) {
    r = data_[pos_++];
    const uint64_t bits = r & 0x7F;
    if (bits != 0) {
      if (shift > 53) {
        FailOverflow("varInt", start);
        return 0;
      }
      num |= bits << shift;
      if (num > kMaxSafeInteger) {
        FailOverflow("varInt", start);
        return 0;
      }
    }
    if (r < 0x80) {
      *negative = neg;
      return num;
    }
    if (shift < 64) shift += 7;
  }
  FailTruncated("varInt", start);
  return 0;
}

int64_t Decoder::ReadVarInt(bool* negative_zero) {
  bool neg;
  const uint64_t m = ReadVarIntSignMagnitude(&neg);
  if (negative_zero != nullptr) *negative_zero = neg && m == 0;
  return neg ? -static_cast<int64_t>(m) : static_cast<int64_t>(m);
}

std::span<const uint8_t> Decoder::ReadRaw(size_t n) {
  if (n > size_ - pos_) [[unlikely]] {
    FailTruncated("a fixed-size field", pos_);
    return {};
  }
  std::span<const uint8_t> out(data_ + pos_, n);
  pos_ += n;
  return out;
}

std::span<const uint8_t> Decoder::ReadRest() {
  std::span<const uint8_t> out(data_ + pos_, size_ - pos_);
  pos_ = size_;
  return out;
}

std::span<const uint8_t> Decoder::ReadVarUint8Array() {
  const size_t start = pos_;
  const uint64_t n = ReadVarUint();
  if (n > size_ - pos_) [[unlikely]] {
    FailLength(n, start);
    return {};
  }
  std::span<const uint8_t> out(data_ + pos_, static_cast<size_t>(n));
  pos_ += static_cast<size_t>(n);
  return out;
}

std::string_view Decoder::ReadVarStringView() {
  const size_t start = pos_;
  std::span<const uint8_t> b = ReadVarUint8Array();
  std::string_view s(reinterpret_cast<const char*>(b.data()), b.size());
  const size_t bad = FindInvalidUtf8(s);
  if (bad != std::string_view::npos) {
    FailInvalidUtf8(bad, start);
    return {};
  }
  return s;
}

std::string Decoder::ReadVarString() { return std::string(ReadVarStringView()); }

std::u16string Decoder::ReadVarString16() { return Utf8ToUtf16(ReadVarStringView()); }

float Decoder::ReadFloat32() {
  std::span<const uint8_t> b = ReadRaw(4);
  if (b.empty()) return 0;
  const uint32_t u = (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

double Decoder::ReadFloat64() {
  std::span<const uint8_t> b = ReadRaw(8);
  if (b.empty()) return 0;
  uint64_t u = 0;
  for (uint8_t x : b) u = (u << 8) | x;
  double d;
  std::memcpy(&d, &u, 8);
  return d;
}

int64_t Decoder::ReadBigInt64() {
  std::span<const uint8_t> b = ReadRaw(8);
  if (b.empty()) return 0;
  uint64_t u = 0;
  for (uint8_t x : b) u = (u << 8) | x;
  return static_cast<int64_t>(u);
}

Any Decoder::ReadAny(int max_depth) { return ReadAnyAt(0, max_depth); }

// `depth` counts the arrays / objects around the value being read.
Any Decoder::ReadAnyAt(int depth, int max_depth) {
  const size_t start = pos_;
  const uint8_t tag = ReadUint8();
  if (failed()) return Any();
  switch (tag) {
    case 127:
      return Any();
    case 126:
      return Any::Null();
    case 125: {
      bool neg;
      const uint64_t m = ReadVarIntSignMagnitude(&neg);
      const auto d = static_cast<double>(m);
      return Any::Number(neg ? -d : d);
    }
    case 124:
      return Any::Number(static_cast<double>(ReadFloat32()));
    case 123:
      return Any::Number(ReadFloat64());
    case 122:
      return Any::BigInt(ReadBigInt64());
    case 121:
      return Any::Bool(false);
    case 120:
      return Any::Bool(true);
    case 119:
      return Any::String(ReadVarString());
    case 118: {
      if (depth >= max_depth) {
        FailAt(StatusCode::kLimit, "any nested deeper than " + std::to_string(max_depth), start);
        return Any();
      }
      const size_t count_at = pos_;
      const uint64_t n = ReadVarUint();
      // Each entry takes at least two bytes (key length, value tag).
      if (n > (size_ - pos_) / 2) {
        FailAt(StatusCode::kOverflow,
               "object of " + std::to_string(n) + " entries exceeds the input", count_at);
        return Any();
      }
      std::vector<std::pair<std::string, Any>> entries;
      entries.reserve(std::min<uint64_t>(n, 64));
      for (uint64_t i = 0; i < n; ++i) {
        std::string key = ReadVarString();
        Any value = ReadAnyAt(depth + 1, max_depth);
        if (failed()) return Any();
        if (key == "__proto__") continue;
        entries.emplace_back(std::move(key), std::move(value));
      }
      return Any::ObjectFromEntries(std::move(entries));
    }
    case 117: {
      if (depth >= max_depth) {
        FailAt(StatusCode::kLimit, "any nested deeper than " + std::to_string(max_depth), start);
        return Any();
      }
      const size_t count_at = pos_;
      const uint64_t n = ReadVarUint();
      if (n > size_ - pos_) {
        FailAt(StatusCode::kOverflow,
               "array of " + std::to_string(n) + " elements exceeds the input", count_at);
        return Any();
      }
      Any::Array arr;
      arr.reserve(std::min<uint64_t>(n, 64));
      for (uint64_t i = 0; i < n; ++i) {
        arr.push_back(ReadAnyAt(depth + 1, max_depth));
        if (failed()) return Any();
      }
      return Any::MakeArray(std::move(arr));
    }
    case 116: {
      std::span<const uint8_t> b = ReadVarUint8Array();
      return Any::Bytes(std::vector<uint8_t>(b.begin(), b.end()));
    }
    default:
      FailAt(StatusCode::kInvalid, "unknown any type tag " + std::to_string(tag), start);
      return Any();
  }
}

void Decoder::SkipAny(int max_depth) {
  // The containers being read, innermost last: entries still to read, and whether each entry
  // starts with a key. An explicit stack instead of ReadAnyAt's recursion.
  struct Open {
    uint64_t left;
    bool object;
  };
  std::vector<Open> open;
  open.reserve(8);
  for (;;) {
    if (!open.empty() && open.back().object) (void)ReadVarStringView();  // the entry's key
    const size_t start = pos_;
    const uint8_t tag = ReadUint8();
    if (failed()) return;
    switch (tag) {
      case 127:
      case 126:
      case 121:
      case 120:
        break;
      case 125: {
        bool neg;
        (void)ReadVarIntSignMagnitude(&neg);
        break;
      }
      case 124:
        (void)ReadFloat32();
        break;
      case 123:
        (void)ReadFloat64();
        break;
      case 122:
        (void)ReadBigInt64();
        break;
      case 119:
        (void)ReadVarStringView();
        break;
      case 118:
      case 117: {
        const bool object = tag == 118;
        if (static_cast<int64_t>(open.size()) >= max_depth) {
          FailAt(StatusCode::kLimit, "any nested deeper than " + std::to_string(max_depth), start);
          return;
        }
        const size_t count_at = pos_;
        const uint64_t n = ReadVarUint();
        if (failed()) return;
        // Each object entry takes at least two bytes (key length, value tag), each element one.
        if (n > (size_ - pos_) / (object ? 2 : 1)) {
          FailAt(StatusCode::kOverflow,
                 std::string(object ? "object of " : "array of ") + std::to_string(n) +
                     (object ? " entries" : " elements") + " exceeds the input",
                 count_at);
          return;
        }
        if (n > 0) {
          open.push_back({n, object});
          continue;  // its first entry
        }
        break;
      }
      case 116:
        (void)ReadVarUint8Array();
        break;
      default:
        FailAt(StatusCode::kInvalid, "unknown any type tag " + std::to_string(tag), start);
        return;
    }
    if (failed()) return;
    // A whole value was read: it counts for the innermost container, which may be done too.
    for (;;) {
      if (open.empty()) return;
      if (--open.back().left > 0) break;
      open.pop_back();
    }
  }
}

// ---------------------------------------------------------------------------------------------

void RleDecoder::Refill() {
  s_ = d_.ReadUint8();
  count_ = d_.has_content() ? d_.ReadVarUint() + 1 : kForever;
}

int64_t IntDiffOptRleDecoder::Read() {
  if (count_ == 0) {
    bool neg;
    const uint64_t m = d_.ReadVarIntSignMagnitude(&neg);
    // The wire value is diff * 2 + has_count; for a negative value, floor(v / 2) = -ceil(m / 2).
    const bool has_count = (m & 1) != 0;
    diff_ = neg ? -static_cast<int64_t>((m + 1) / 2) : static_cast<int64_t>(m / 2);
    count_ = has_count ? d_.ReadVarUint() + 2 : 1;
  }
  // |s_| <= 2^53 and |diff_| <= 2^52 here, so the sum cannot overflow.
  s_ += diff_;
  if (s_ > static_cast<int64_t>(kMaxSafeInteger) || s_ < -static_cast<int64_t>(kMaxSafeInteger)) {
    d_.Fail(StatusCode::kOverflow, "delta-encoded value exceeds 2^53-1");
    s_ = 0;
    diff_ = 0;
  }
  if (d_.failed()) {
    s_ = 0;
    diff_ = 0;
    return 0;
  }
  --count_;
  return s_;
}

StringDecoder::StringDecoder(std::span<const uint8_t> b, uint64_t base) : lens_({}, 0) {
  Decoder d(b, base);
  const size_t start = d.pos();
  std::span<const uint8_t> s = d.ReadVarUint8Array();
  if (d.failed()) {
    status_ = d.status();
    return;
  }
  str_ = s;
  str_base_ = base + (d.pos() - s.size());
  std::string_view sv(reinterpret_cast<const char*>(s.data()), s.size());
  const size_t bad = FindInvalidUtf8(sv);
  if (bad != std::string_view::npos) {
    status_ = Status(StatusCode::kInvalid,
                     "invalid UTF-8 in string column (at +" + std::to_string(bad) + ")",
                     base + start);
    str_ = {};
    return;
  }
  lens_ = UintOptRleDecoder(b.subspan(d.pos()), base + d.pos());
}

const Status& StringDecoder::status() const {
  return status_.ok() ? lens_.status() : status_;
}

void StringDecoder::Fail(StatusCode code, std::string message) {
  if (status_.ok()) status_ = Status(code, std::move(message), str_base_ + spos_);
  spos_ = str_.size();
  pending_low_ = 0;
}

std::u16string StringDecoder::Read16() {
  const uint64_t n = lens_.Read();
  if (failed()) return {};
  std::u16string out;
  out.reserve(static_cast<size_t>(std::min<uint64_t>(n, str_.size() - spos_ + 1)));
  while (out.size() < n) {
    if (pending_low_ != 0) {
      out.push_back(pending_low_);
      pending_low_ = 0;
      continue;
    }
    if (spos_ >= str_.size()) {
      Fail(StatusCode::kOverflow, "string lengths run past the string column");
      return {};
    }
    if (str_[spos_] < 0x80) {
      out.push_back(str_[spos_++]);
      continue;
    }
    size_t len;
    char32_t cp = static_cast<char32_t>(DecodeUtf8Step(str_.data() + spos_, str_.size() - spos_, &len));
    spos_ += len;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 | (cp >> 10)));
      const auto lo = static_cast<char16_t>(0xDC00 | (cp & 0x3FF));
      if (out.size() < n) {
        out.push_back(lo);
      } else {
        pending_low_ = lo;
      }
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
  }
  return out;
}

std::string StringDecoder::Read() {
  const uint64_t n = lens_.Read();
  if (failed()) return {};
  std::string out;
  uint64_t units = 0;
  if (n > 0 && pending_low_ != 0) {
    AppendUtf8(&out, kReplacementChar);
    pending_low_ = 0;
    units = 1;
  }
  size_t run = spos_;  // bytes from here to spos_ are copied as they are
  while (units < n) {
    if (spos_ >= str_.size()) {
      Fail(StatusCode::kOverflow, "string lengths run past the string column");
      return {};
    }
    const uint8_t b = str_[spos_];
    if (b < 0x80) {
      ++spos_;
      ++units;
      continue;
    }
    // The column was validated, so the lead byte gives the sequence length.
    const size_t len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
    if (len == 4) {
      if (units + 2 > n) {
        // The length ends between the two halves of a surrogate pair.
        out.append(reinterpret_cast<const char*>(str_.data()) + run, spos_ - run);
        AppendUtf8(&out, kReplacementChar);
        size_t l;
        const auto cp =
            static_cast<char32_t>(DecodeUtf8Step(str_.data() + spos_, str_.size() - spos_, &l));
        pending_low_ = static_cast<char16_t>(0xDC00 | ((cp - 0x10000) & 0x3FF));
        spos_ += 4;
        return out;
      }
      units += 2;
    } else {
      units += 1;
    }
    spos_ += len;
  }
  out.append(reinterpret_cast<const char*>(str_.data()) + run, spos_ - run);
  return out;
}

}  // namespace symphony::crdt::lib0
