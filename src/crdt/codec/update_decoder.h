// Update format readers for v1 and v2 over untrusted bytes (Yjs's UpdateDecoderV1 / V2 and
// DSDecoderV1 / V2). Errors are sticky, as in lib0::Decoder: once a stream fails, its reads
// return zero values; failed() turns true for good and status() tells what and where. (In v2 the
// other column streams keep reading, so check failed() before trusting values.)
//
// Hot paths can use the concrete UpdateDecoderV1 / UpdateDecoderV2 directly (e.g. a template
// over the decoder type): they are final, so calls through them are direct and inlinable, and
// they can live on the stack.
//
// v2 columns are run-length encoded, so a few bytes can stand for any number of values: a caller
// looping on counts read from the input must bound its loops by its own limits.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "crdt/codec/update_encoder.h"
#include "crdt/id.h"
#include "crdt/lib0/any.h"
#include "crdt/lib0/decoder.h"
#include "crdt/lib0/encoder.h"
#include "util/status.h"

namespace symphony::crdt {

// Bounds for decoding untrusted updates.
struct DecodeLimits {
  int max_any_depth = 64;  // nesting of Any / JSON values
};

class DsDecoder {
 public:
  virtual ~DsDecoder() = default;
  virtual UpdateFormat format() const = 0;
  lib0::Decoder& rest() { return rest_; }
  virtual void ResetDsCurVal() = 0;
  virtual Clock ReadDsClock() = 0;
  virtual uint64_t ReadDsLen() = 0;
  // First error of the rest stream or of any column stream.
  virtual Status status() const = 0;
  // Cheap: no Status is built.
  bool failed() const { return HasError(); }

 protected:
  virtual bool HasError() const = 0;
  lib0::Decoder rest_{std::span<const uint8_t>()};
};

// v1: every field is read from rest(). v2: fields come from their column streams, and Any,
// Buf and JSON (as lib0 Any) from rest(). ReadJson in v1 is JSON.parse of a string.
// ReadTypeRef fails (kInvalid) above 255; v2 origin clocks below 0 fail (kInvalid).
class UpdateDecoder : public DsDecoder {
 public:
  virtual ID ReadLeftId() = 0;
  virtual ID ReadRightId() = 0;
  virtual ClientId ReadClient() = 0;
  virtual uint8_t ReadInfo() = 0;
  virtual std::u16string ReadString() = 0;
  virtual std::string ReadStringUtf8() = 0;
  virtual bool ReadParentInfo() = 0;
  virtual uint8_t ReadTypeRef() = 0;
  virtual uint64_t ReadLen() = 0;
  virtual Any ReadAny() = 0;
  virtual std::vector<uint8_t> ReadBuf() = 0;
  virtual Any ReadJson() = 0;
  virtual std::string ReadKey() = 0;
};

// Fails (non-OK status on the returned decoder is not possible, so this returns Result) when the
// v2 header or a column stream's length prefix is malformed.
Result<std::unique_ptr<UpdateDecoder>> MakeUpdateDecoder(std::span<const uint8_t> update,
                                                         UpdateFormat format,
                                                         const DecodeLimits& limits = {});
// A delete-set-only decoder over `bytes` (Yjs DSDecoderV1 / DSDecoderV2: snapshots, state
// vectors); everything is read from rest().
std::unique_ptr<DsDecoder> MakeDsDecoder(std::span<const uint8_t> bytes, UpdateFormat format);

// Yjs's DSDecoderV2 running clock: delete-set clocks are differences from the end of the
// previous range.
class DsCursorV2 {
 public:
  void Reset() { cur_ = 0; }
  Clock ReadClock(lib0::Decoder& d) {
    const uint64_t diff = d.ReadVarUint();
    return Advance(d, diff) ? cur_ : 0;
  }
  uint64_t ReadLen(lib0::Decoder& d) {
    const uint64_t len = d.ReadVarUint() + 1;
    return Advance(d, len) ? len : 0;
  }

 private:
  bool Advance(lib0::Decoder& d, uint64_t by) {
    if (d.failed()) return false;
    cur_ += by;  // both <= 2^53: no wrap
    if (cur_ > lib0::kMaxSafeInteger) [[unlikely]] {
      d.Fail(StatusCode::kOverflow, "delete set clock exceeds 2^53-1");
      cur_ = 0;
      return false;
    }
    return true;
  }
  uint64_t cur_ = 0;
};

class UpdateDecoderV1 final : public UpdateDecoder {
 public:
  explicit UpdateDecoderV1(std::span<const uint8_t> update, const DecodeLimits& limits = {})
      : limits_(limits) {
    rest_ = lib0::Decoder(update);
  }
  UpdateFormat format() const override { return UpdateFormat::kV1; }
  void ResetDsCurVal() override {}
  Clock ReadDsClock() override { return rest_.ReadVarUint(); }
  uint64_t ReadDsLen() override { return rest_.ReadVarUint(); }
  Status status() const override { return rest_.status(); }

  ID ReadLeftId() override {
    const ClientId client = rest_.ReadVarUint();
    return ID{client, rest_.ReadVarUint()};
  }
  ID ReadRightId() override {
    const ClientId client = rest_.ReadVarUint();
    return ID{client, rest_.ReadVarUint()};
  }
  ClientId ReadClient() override { return rest_.ReadVarUint(); }
  uint8_t ReadInfo() override { return rest_.ReadUint8(); }
  std::u16string ReadString() override { return rest_.ReadVarString16(); }
  std::string ReadStringUtf8() override { return rest_.ReadVarString(); }
  // A view into the update: valid as long as the update bytes are.
  std::string_view ReadStringView() { return rest_.ReadVarStringView(); }
  bool ReadParentInfo() override { return rest_.ReadVarUint() == 1; }
  uint8_t ReadTypeRef() override;
  uint64_t ReadLen() override { return rest_.ReadVarUint(); }
  Any ReadAny() override { return rest_.ReadAny(limits_.max_any_depth); }
  std::vector<uint8_t> ReadBuf() override {
    std::span<const uint8_t> b = rest_.ReadVarUint8Array();
    return std::vector<uint8_t>(b.begin(), b.end());
  }
  Any ReadJson() override;
  std::string ReadKey() override { return rest_.ReadVarString(); }

 protected:
  bool HasError() const override { return rest_.failed(); }

 private:
  DecodeLimits limits_;
};

class UpdateDecoderV2 final : public UpdateDecoder {
 public:
  // A malformed header (feature flag, column lengths, string column) makes the decoder failed()
  // from the start.
  explicit UpdateDecoderV2(std::span<const uint8_t> update, const DecodeLimits& limits = {})
      : UpdateDecoderV2(SplitColumns(update), limits) {}
  UpdateFormat format() const override { return UpdateFormat::kV2; }
  void ResetDsCurVal() override { ds_.Reset(); }
  Clock ReadDsClock() override { return ds_.ReadClock(rest_); }
  uint64_t ReadDsLen() override { return ds_.ReadLen(rest_); }
  Status status() const override;

  ID ReadLeftId() override {
    const ClientId client = client_.Read();
    return ID{client, Nonnegative(left_clock_.Read())};
  }
  ID ReadRightId() override {
    const ClientId client = client_.Read();
    return ID{client, Nonnegative(right_clock_.Read())};
  }
  ClientId ReadClient() override { return client_.Read(); }
  uint8_t ReadInfo() override { return info_.Read(); }
  std::u16string ReadString() override { return string_.Read16(); }
  std::string ReadStringUtf8() override { return string_.Read(); }
  bool ReadParentInfo() override { return parent_info_.Read() == 1; }
  uint8_t ReadTypeRef() override;
  uint64_t ReadLen() override { return len_.Read(); }
  Any ReadAny() override { return rest_.ReadAny(limits_.max_any_depth); }
  std::vector<uint8_t> ReadBuf() override {
    std::span<const uint8_t> b = rest_.ReadVarUint8Array();
    return std::vector<uint8_t>(b.begin(), b.end());
  }
  Any ReadJson() override { return rest_.ReadAny(limits_.max_any_depth); }
  // A key clock below the number of keys read so far refers back to that key (Yjs 13.6 writers
  // never do this, its reader accepts it); otherwise the key is the next string.
  std::string ReadKey() override;

 protected:
  bool HasError() const override {
    return !own_.ok() || rest_.failed() || key_clock_.failed() || client_.failed() ||
           left_clock_.failed() || right_clock_.failed() || info_.failed() || string_.failed() ||
           parent_info_.failed() || type_ref_.failed() || len_.failed();
  }

 private:
  struct Columns {
    static constexpr int kCount = 9;
    std::span<const uint8_t> col[kCount];
    uint64_t at[kCount] = {};
    std::span<const uint8_t> rest;
    uint64_t rest_at = 0;
    Status status;
  };
  static Columns SplitColumns(std::span<const uint8_t> update);
  UpdateDecoderV2(const Columns& c, const DecodeLimits& limits);

  [[gnu::cold]] void Fail(StatusCode code, std::string message);
  Clock Nonnegative(int64_t v) {
    if (v < 0) [[unlikely]] {
      Fail(StatusCode::kInvalid, "negative origin clock");
      return 0;
    }
    return static_cast<Clock>(v);
  }

  DecodeLimits limits_;
  Status own_;
  DsCursorV2 ds_;
  std::vector<std::string> keys_;
  lib0::IntDiffOptRleDecoder key_clock_;
  lib0::UintOptRleDecoder client_;
  lib0::IntDiffOptRleDecoder left_clock_;
  lib0::IntDiffOptRleDecoder right_clock_;
  lib0::RleDecoder info_;
  lib0::StringDecoder string_;
  lib0::RleDecoder parent_info_;
  lib0::UintOptRleDecoder type_ref_;
  lib0::UintOptRleDecoder len_;
};

}  // namespace symphony::crdt
