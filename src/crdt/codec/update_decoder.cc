#include "crdt/codec/update_decoder.h"

#include <utility>
#include <vector>

namespace symphony::crdt {

namespace {

using lib0::Decoder;

class DsDecoderV1 final : public DsDecoder {
 public:
  explicit DsDecoderV1(std::span<const uint8_t> bytes) { rest_ = std::make_unique<Decoder>(bytes); }
  UpdateFormat format() const override { return UpdateFormat::kV1; }
  void ResetDsCurVal() override {}
  Clock ReadDsClock() override { return rest_->ReadVarUint(); }
  uint64_t ReadDsLen() override { return rest_->ReadVarUint(); }
  Status status() const override { return rest_->status(); }
};

// Yjs DSDecoderV2's running clock; shared by the DS-only and full v2 decoders.
class DsCursorV2 {
 public:
  void Reset() { cur_ = 0; }
  Clock ReadClock(Decoder& d) {
    const uint64_t diff = d.ReadVarUint();
    return Advance(d, diff) ? cur_ : 0;
  }
  uint64_t ReadLen(Decoder& d) {
    const uint64_t len = d.ReadVarUint() + 1;
    if (d.failed()) return 0;
    return Advance(d, len) ? len : 0;
  }

 private:
  bool Advance(Decoder& d, uint64_t by) {
    if (d.failed()) return false;
    cur_ += by;  // both <= 2^53, no wrap
    if (cur_ > lib0::kMaxSafeInteger) {
      d.Fail(StatusCode::kOverflow, "delete set clock exceeds 2^53-1");
      cur_ = 0;
      return false;
    }
    return true;
  }
  uint64_t cur_ = 0;
};

class DsDecoderV2 final : public DsDecoder {
 public:
  explicit DsDecoderV2(std::span<const uint8_t> bytes) { rest_ = std::make_unique<Decoder>(bytes); }
  UpdateFormat format() const override { return UpdateFormat::kV2; }
  void ResetDsCurVal() override { ds_.Reset(); }
  Clock ReadDsClock() override { return ds_.ReadClock(*rest_); }
  uint64_t ReadDsLen() override { return ds_.ReadLen(*rest_); }
  Status status() const override { return rest_->status(); }

 private:
  DsCursorV2 ds_;
};

class UpdateDecoderV1 final : public UpdateDecoder {
 public:
  UpdateDecoderV1(std::span<const uint8_t> bytes, const DecodeLimits& limits) : limits_(limits) {
    rest_ = std::make_unique<Decoder>(bytes);
  }
  UpdateFormat format() const override { return UpdateFormat::kV1; }
  void ResetDsCurVal() override {}
  Clock ReadDsClock() override { return rest_->ReadVarUint(); }
  uint64_t ReadDsLen() override { return rest_->ReadVarUint(); }
  Status status() const override { return rest_->status(); }

  ID ReadLeftId() override {
    const ClientId client = rest_->ReadVarUint();
    return ID{client, rest_->ReadVarUint()};
  }
  ID ReadRightId() override {
    const ClientId client = rest_->ReadVarUint();
    return ID{client, rest_->ReadVarUint()};
  }
  ClientId ReadClient() override { return rest_->ReadVarUint(); }
  uint8_t ReadInfo() override { return rest_->ReadUint8(); }
  std::u16string ReadString() override { return rest_->ReadVarString16(); }
  std::string ReadStringUtf8() override { return rest_->ReadVarString(); }
  bool ReadParentInfo() override { return rest_->ReadVarUint() == 1; }
  uint8_t ReadTypeRef() override {
    const size_t at = rest_->pos();
    const uint64_t v = rest_->ReadVarUint();
    if (v > 255) {
      rest_->FailAt(StatusCode::kInvalid, "type ref " + std::to_string(v) + " out of range", at);
      return 0;
    }
    return static_cast<uint8_t>(v);
  }
  uint64_t ReadLen() override { return rest_->ReadVarUint(); }
  Any ReadAny() override { return rest_->ReadAny(limits_.max_any_depth); }
  std::vector<uint8_t> ReadBuf() override {
    std::span<const uint8_t> b = rest_->ReadVarUint8Array();
    return std::vector<uint8_t>(b.begin(), b.end());
  }
  Any ReadJson() override {
    std::string_view text = rest_->ReadVarStringView();
    if (rest_->failed()) return Any();
    const size_t text_pos = rest_->pos() - text.size();
    Result<Any> v = ParseJson(text, limits_.max_any_depth);
    if (!v.ok()) {
      const Status& st = v.status();
      rest_->FailAt(st.code(), "JSON: " + st.message(),
                    text_pos + (st.has_offset() ? static_cast<size_t>(st.offset()) : 0));
      return Any();
    }
    return std::move(v).value();
  }
  std::string ReadKey() override { return rest_->ReadVarString(); }

 private:
  DecodeLimits limits_;
};

class UpdateDecoderV2 final : public UpdateDecoder {
 public:
  struct Columns {
    std::span<const uint8_t> col[9];
    uint64_t at[9];
    std::span<const uint8_t> rest;
    uint64_t rest_at;
  };

  UpdateDecoderV2(const Columns& c, const DecodeLimits& limits)
      : limits_(limits),
        key_clock_(c.col[0], c.at[0]),
        client_(c.col[1], c.at[1]),
        left_clock_(c.col[2], c.at[2]),
        right_clock_(c.col[3], c.at[3]),
        info_(c.col[4], c.at[4]),
        string_(c.col[5], c.at[5]),
        parent_info_(c.col[6], c.at[6]),
        type_ref_(c.col[7], c.at[7]),
        len_(c.col[8], c.at[8]) {
    rest_ = std::make_unique<Decoder>(c.rest, c.rest_at);
  }

  UpdateFormat format() const override { return UpdateFormat::kV2; }
  void ResetDsCurVal() override { ds_.Reset(); }
  Clock ReadDsClock() override { return ds_.ReadClock(*rest_); }
  uint64_t ReadDsLen() override { return ds_.ReadLen(*rest_); }

  Status status() const override {
    if (!own_.ok()) return own_;
    if (rest_->failed()) return rest_->status();
    for (const Status* s : {&key_clock_.status(), &client_.status(), &left_clock_.status(),
                            &right_clock_.status(), &info_.status(), &string_.status(),
                            &parent_info_.status(), &type_ref_.status(), &len_.status()}) {
      if (!s->ok()) return *s;
    }
    return Status();
  }

  ID ReadLeftId() override {
    const ClientId client = client_.Read();
    return ID{client, Nonnegative(left_clock_.Read(), "left origin clock")};
  }
  ID ReadRightId() override {
    const ClientId client = client_.Read();
    return ID{client, Nonnegative(right_clock_.Read(), "right origin clock")};
  }
  ClientId ReadClient() override { return client_.Read(); }
  uint8_t ReadInfo() override { return info_.Read(); }
  std::u16string ReadString() override { return string_.Read16(); }
  std::string ReadStringUtf8() override { return string_.Read(); }
  bool ReadParentInfo() override { return parent_info_.Read() == 1; }
  uint8_t ReadTypeRef() override {
    const uint64_t v = type_ref_.Read();
    if (v > 255) {
      Fail(StatusCode::kInvalid, "type ref " + std::to_string(v) + " out of range");
      return 0;
    }
    return static_cast<uint8_t>(v);
  }
  uint64_t ReadLen() override { return len_.Read(); }
  Any ReadAny() override { return rest_->ReadAny(limits_.max_any_depth); }
  std::vector<uint8_t> ReadBuf() override {
    std::span<const uint8_t> b = rest_->ReadVarUint8Array();
    return std::vector<uint8_t>(b.begin(), b.end());
  }
  Any ReadJson() override { return rest_->ReadAny(limits_.max_any_depth); }
  // A key clock below the number of keys seen so far refers back to that key; otherwise the key
  // text is the next string in the string column.
  std::string ReadKey() override {
    const int64_t clock = key_clock_.Read();
    if (clock < 0) {
      Fail(StatusCode::kInvalid, "negative key clock");
      return {};
    }
    if (static_cast<uint64_t>(clock) < keys_.size()) return keys_[static_cast<size_t>(clock)];
    std::string key = string_.Read();
    if (string_.status().ok()) keys_.push_back(key);
    return key;
  }

 private:
  void Fail(StatusCode code, std::string message) {
    if (own_.ok()) own_ = Status(code, std::move(message), rest_->offset());
  }
  Clock Nonnegative(int64_t v, const char* what) {
    if (v < 0) {
      Fail(StatusCode::kInvalid, std::string("negative ") + what);
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

}  // namespace

Result<std::unique_ptr<UpdateDecoder>> MakeUpdateDecoder(std::span<const uint8_t> update,
                                                         UpdateFormat format,
                                                         const DecodeLimits& limits) {
  if (format != UpdateFormat::kV2) {
    return std::unique_ptr<UpdateDecoder>(std::make_unique<UpdateDecoderV1>(update, limits));
  }
  Decoder d(update);
  d.ReadVarUint();  // feature flag; Yjs 13.6 ignores its value
  UpdateDecoderV2::Columns c;
  for (int i = 0; i < 9; ++i) {
    c.col[i] = d.ReadVarUint8Array();
    c.at[i] = d.pos() - c.col[i].size();
  }
  if (d.failed()) {
    const Status& st = d.status();
    return Status(st.code(), "v2 update header: " + st.message(), st.offset());
  }
  c.rest_at = d.pos();
  c.rest = d.ReadRest();
  auto dec = std::make_unique<UpdateDecoderV2>(c, limits);
  // The string column is checked (UTF-8, length) up front, as lib0's StringDecoder does.
  Status st = dec->status();
  if (!st.ok()) return st;
  return std::unique_ptr<UpdateDecoder>(std::move(dec));
}

std::unique_ptr<DsDecoder> MakeDsDecoder(std::span<const uint8_t> bytes, UpdateFormat format) {
  if (format == UpdateFormat::kV2) return std::make_unique<DsDecoderV2>(bytes);
  return std::make_unique<DsDecoderV1>(bytes);
}

}  // namespace symphony::crdt
