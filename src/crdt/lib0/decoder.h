// lib0 binary decoding over untrusted bytes.
//
// A Decoder is a bounded cursor with a sticky error: the first failed read records a Status
// (code, message, byte offset), moves the cursor to the end and makes every later read return a
// zero value. Callers check failed() where a loop or an allocation depends on what was read,
// and report status() at the end. No read can run past the input, and no allocation is larger
// than the bytes that remain could justify.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crdt/lib0/any.h"
#include "util/status.h"

namespace symphony::crdt::lib0 {

// Largest integer lib0 accepts for a varUint / varInt (Number.MAX_SAFE_INTEGER).
inline constexpr uint64_t kMaxSafeInteger = (uint64_t{1} << 53) - 1;

class Decoder {
 public:
  explicit Decoder(std::span<const uint8_t> bytes, uint64_t base_offset = 0)
      : data_(bytes.data()), size_(bytes.size()), base_(base_offset) {}
  Decoder(const Decoder& o) { *this = o; }
  Decoder& operator=(const Decoder& o);
  Decoder(Decoder&&) = default;
  Decoder& operator=(Decoder&&) = default;

  bool failed() const { return error_ != nullptr; }
  const Status& status() const;
  // Records an error found by the caller at the current position (keeps the first one).
  void Fail(StatusCode code, std::string message);
  // Same, at input position `at` (relative, like pos()).
  [[gnu::cold]] void FailAt(StatusCode code, std::string message, size_t at);

  size_t pos() const { return pos_; }
  size_t remaining() const { return size_ - pos_; }
  bool has_content() const { return pos_ < size_; }
  uint64_t offset() const { return base_ + pos_; }  // absolute offset, for messages

  uint8_t ReadUint8() {
    if (pos_ < size_) [[likely]] return data_[pos_++];
    FailTruncated("uint8", pos_);
    return 0;
  }
  // Error past kMaxSafeInteger (kOverflow). Overlong encodings (extra zero groups) are accepted,
  // as lib0 accepts them.
  uint64_t ReadVarUint() {
    if (pos_ < size_ && data_[pos_] < 0x80) [[likely]] return data_[pos_++];
    return ReadVarUintSlow();
  }
  // Returns the value; sets *negative_zero when the encoding was -0.
  int64_t ReadVarInt(bool* negative_zero = nullptr);
  // The varInt's wire parts: magnitude (<= kMaxSafeInteger) and sign bit (set for -0 too).
  uint64_t ReadVarIntSignMagnitude(bool* negative) {
    if (pos_ < size_ && data_[pos_] < 0x80) [[likely]] {
      const uint8_t r = data_[pos_++];
      *negative = (r & 0x40) != 0;
      return r & 0x3F;
    }
    return ReadVarIntSlow(negative);
  }
  // lib0 readVarString decodes with a fatal TextDecoder: invalid UTF-8 is an error (kInvalid),
  // and a leading BOM is kept as U+FEFF.
  std::string ReadVarString();
  std::string_view ReadVarStringView();  // same checks, a view into the input
  std::u16string ReadVarString16();      // same checks, as UTF-16
  std::span<const uint8_t> ReadVarUint8Array();  // view into the input
  std::span<const uint8_t> ReadRaw(size_t n);    // view into the input
  std::span<const uint8_t> ReadRest();           // all remaining bytes, as a view
  float ReadFloat32();
  double ReadFloat64();
  int64_t ReadBigInt64();
  // lib0 readAny; nesting deeper than max_depth is an error (kLimit).
  // Objects follow JS assignment semantics: a repeated key keeps its first position and takes
  // the last value, and "__proto__" keys are dropped (obj[key] = v sets the prototype in JS, it
  // does not create a property).
  Any ReadAny(int max_depth = 64);
  // Moves past one Any without building it: the same bytes consumed and the same errors as
  // ReadAny, allocating only its stack of open containers (for readers that need a field or two
  // of large content).
  void SkipAny(int max_depth = 64);

 private:
  uint64_t ReadVarUintSlow();
  uint64_t ReadVarIntSlow(bool* negative);
  Any ReadAnyAt(int depth, int max_depth);
  // Out of line so the hot readers stay small.
  [[gnu::cold, gnu::noinline]] void FailTruncated(const char* what, size_t at);
  [[gnu::cold, gnu::noinline]] void FailOverflow(const char* what, size_t at);
  [[gnu::cold, gnu::noinline]] void FailLength(uint64_t n, size_t at);
  [[gnu::cold, gnu::noinline]] void FailInvalidUtf8(size_t bad, size_t at);

  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t pos_ = 0;
  uint64_t base_ = 0;
  std::unique_ptr<Status> error_;  // null while OK: keeps decoders cheap to make and destroy
};

// Decoders for the v2 run-length streams. Each reads from its own byte span; an exhausted stream
// reads as the format's implied value where lib0 does, and otherwise fails.
// Like lib0, the last run repeats forever (the encoder never writes its count); reading an
// empty stream fails.
class RleDecoder {
 public:
  explicit RleDecoder(std::span<const uint8_t> b, uint64_t base = 0) : d_(b, base) {}
  uint8_t Read() {
    if (count_ == 0) Refill();
    if (count_ != kForever) --count_;
    return s_;
  }
  const Status& status() const { return d_.status(); }
  bool failed() const { return d_.failed(); }
 private:
  static constexpr uint64_t kForever = ~uint64_t{0};
  void Refill();
  Decoder d_;
  uint8_t s_ = 0;
  uint64_t count_ = 0;
};

// Reading past the end fails (lib0 would silently return 0s; Yjs never does it).
class UintOptRleDecoder {
 public:
  explicit UintOptRleDecoder(std::span<const uint8_t> b, uint64_t base = 0) : d_(b, base) {}
  uint64_t Read() {
    if (count_ == 0) {
      bool repeated;
      s_ = d_.ReadVarIntSignMagnitude(&repeated);
      count_ = repeated ? d_.ReadVarUint() + 2 : 1;
    }
    --count_;
    return s_;
  }
  const Status& status() const { return d_.status(); }
  bool failed() const { return d_.failed(); }
 private:
  Decoder d_;
  uint64_t s_ = 0;
  uint64_t count_ = 0;
};

// Reading past the end fails; a running value beyond +-kMaxSafeInteger fails (kOverflow).
class IntDiffOptRleDecoder {
 public:
  explicit IntDiffOptRleDecoder(std::span<const uint8_t> b, uint64_t base = 0) : d_(b, base) {}
  int64_t Read();
  const Status& status() const { return d_.status(); }
  bool failed() const { return d_.failed(); }
 private:
  Decoder d_;
  int64_t s_ = 0;
  uint64_t count_ = 0;
  int64_t diff_ = 0;
};

// lib0 StringDecoder: one UTF-8 string (checked as a fatal TextDecoder would) followed by a
// UintOptRle stream of UTF-16 lengths that slice it. A length that splits a surrogate pair
// yields the two halves in consecutive reads (Read16), or U+FFFD for each half (Read, since
// UTF-8 cannot hold a lone surrogate; this is what TextEncoder would make of the halves).
// Lengths running past the string fail.
class StringDecoder {
 public:
  StringDecoder(std::span<const uint8_t> b, uint64_t base = 0);
  std::u16string Read16();
  std::string Read();  // UTF-8
  const Status& status() const;
  bool failed() const { return !status_.ok() || lens_.failed(); }
 private:
  void Fail(StatusCode code, std::string message);
  std::span<const uint8_t> str_;  // view into the input
  uint64_t str_base_ = 0;         // absolute offset of str_[0]
  size_t spos_ = 0;               // byte position in str_
  char16_t pending_low_ = 0;      // low surrogate left over from a split pair
  UintOptRleDecoder lens_;
  Status status_;
};

}  // namespace symphony::crdt::lib0
