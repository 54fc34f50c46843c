// lib0 binary encoding (what lib0/encoding.js writes), plus the run-length encoders the Yjs
// update format v2 uses. Bytes only: no I/O.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crdt/lib0/any.h"

namespace symphony::crdt::lib0 {

class Encoder {
 public:
  void WriteUint8(uint8_t v) { buf_.push_back(v); }
  void WriteVarUint(uint64_t v) {
    if (v < 0x80) {
      buf_.push_back(static_cast<uint8_t>(v));
    } else {
      WriteVarUintSlow(v);
    }
  }
  // Sign-magnitude varint as lib0 writes it; negative_zero writes -0.
  void WriteVarInt(int64_t v, bool negative_zero = false);
  // The same wire form from its parts (what the RLE encoders need, e.g. "-0 with a count").
  void WriteVarIntSignMagnitude(uint64_t magnitude, bool negative);
  // Length-prefixed UTF-8. The u16 overload converts UTF-16 to UTF-8, lone surrogates as U+FFFD
  // (what TextEncoder does). Invalid UTF-8 input is written with each invalid sequence replaced
  // by U+FFFD, so the output is always something lib0's fatal TextDecoder accepts.
  void WriteVarString(std::string_view utf8);
  void WriteVarString(std::u16string_view utf16);
  void WriteVarUint8Array(std::span<const uint8_t> bytes);
  void WriteRaw(std::span<const uint8_t> bytes);  // lib0 writeUint8Array: no length
  void WriteFloat32(float v);                     // big-endian
  void WriteFloat64(double v);                    // big-endian
  void WriteBigInt64(int64_t v);                  // big-endian
  void WriteAny(const Any& v);                    // lib0 writeAny tags 116..127
  // writeAny for a number alone (tag 125 / 124 / 123, as lib0 picks).
  void WriteAnyNumber(double d);

  size_t size() const { return buf_.size(); }
  const std::vector<uint8_t>& bytes() const { return buf_; }
  std::vector<uint8_t> Take() { return std::move(buf_); }
  void Clear() { buf_.clear(); }
  void Reserve(size_t n) { buf_.reserve(n); }

 private:
  void WriteVarUintSlow(uint64_t v);
  std::vector<uint8_t> buf_;
};

// lib0 RleEncoder over writeUint8. Like lib0, the last run's count is not written (the decoder
// repeats the last value forever).
class RleEncoder {
 public:
  void Write(uint8_t v);
  std::vector<uint8_t> Finish();  // resets the encoder
 private:
  Encoder enc_;
  int state_ = -1;
  uint64_t count_ = 0;
};

// lib0 UintOptRleEncoder.
class UintOptRleEncoder {
 public:
  void Write(uint64_t v);
  std::vector<uint8_t> Finish();  // resets the encoder
 private:
  void Flush();
  Encoder enc_;
  uint64_t s_ = 0;
  uint64_t count_ = 0;
};

// lib0 IntDiffOptRleEncoder.
class IntDiffOptRleEncoder {
 public:
  void Write(int64_t v);
  std::vector<uint8_t> Finish();  // resets the encoder
 private:
  void Flush();
  Encoder enc_;
  int64_t s_ = 0;
  uint64_t count_ = 0;
  int64_t diff_ = 0;
};

// lib0 StringEncoder: all strings concatenated, lengths (UTF-16 units) in a UintOptRleEncoder.
// As in JS, the concatenation is converted to UTF-8 as a whole, so a lone high surrogate ending
// one UTF-16 write and a lone low surrogate starting the next form one code point.
class StringEncoder {
 public:
  void Write(std::u16string_view s);
  void Write(std::string_view utf8);
  std::vector<uint8_t> Finish();  // resets the encoder
 private:
  void FlushPendingHigh();
  std::string utf8_;           // concatenation so far, minus pending_high_
  char16_t pending_high_ = 0;  // lone high surrogate that ended the last UTF-16 write
  UintOptRleEncoder lens_;
};

// UTF-8 <-> UTF-16 helpers shared by the codecs.
std::u16string Utf8ToUtf16(std::string_view utf8);  // invalid sequences -> U+FFFD (TextDecoder)
std::string Utf16ToUtf8(std::u16string_view utf16);  // lone surrogates -> U+FFFD (TextEncoder)
size_t Utf16Length(std::string_view utf8);           // length of Utf8ToUtf16(utf8)

}  // namespace symphony::crdt::lib0
