#include "crdt/codec/update_decoder.h"

#include <utility>
#include <vector>

namespace symphony::crdt {

namespace {

using lib0::Decoder;

class DsDecoderV1 final : public DsDecoder {
 public:
  explicit DsDecoderV1(std::span<const uint8_t> bytes) { rest_ = Decoder(bytes); }
  UpdateFormat format() const override { return UpdateFormat::kV1; }
  void ResetDsCurVal() override {}
  Clock ReadDsClock() override { return rest_.ReadVarUint(); }
  uint64_t ReadDsLen() override { return rest_.ReadVarUint(); }
  Status status() const override { return rest_.status(); }

 protected:
  bool HasError() const override { return rest_.failed(); }
};

class DsDecoderV2 final : public DsDecoder {
 public:
  explicit DsDecoderV2(std::span<const uint8_t> bytes) { rest_ = Decoder(bytes); }
  UpdateFormat format() const override { return UpdateFormat::kV2; }
  void ResetDsCurVal() override { ds_.Reset(); }
  Clock ReadDsClock() override { return ds_.ReadClock(rest_); }
  uint64_t ReadDsLen() override { return ds_.ReadLen(rest_); }
  Status status() const override { return rest_.status(); }

 protected:
  bool HasError() const override { return rest_.failed(); }

 private:
  DsCursorV2 ds_;
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// v1

uint8_t UpdateDecoderV1::ReadTypeRef() {
  const size_t at = rest_.pos();
  const uint64_t v = rest_.ReadVarUint();
  if (v > 255) [[unlikely]] {
    rest_.FailAt(StatusCode::kInvalid, "type ref " + std::to_string(v) + " out of range", at);
    return 0;
  }
  return static_cast<uint8_t>(v);
}

Any UpdateDecoderV1::ReadJson() {
  std::string_view text = rest_.ReadVarStringView();
  if (rest_.failed()) return Any();
  const size_t text_pos = rest_.pos() - text.size();
  Result<Any> v = ParseJson(text, limits_.max_any_depth);
  if (!v.ok()) {
    const Status& st = v.status();
    rest_.FailAt(st.code(), "JSON: " + st.message(),
                 text_pos + (st.has_offset() ? static_cast<size_t>(st.offset()) : 0));
    return Any();
  }
  return std::move(v).value();
}

// ---------------------------------------------------------------------------------------------
// v2

UpdateDecoderV2::Columns UpdateDecoderV2::SplitColumns(std::span<const uint8_t> update) {
  Columns c;
  Decoder d(update);
  d.ReadVarUint();  // feature flag; Yjs 13.6 ignores its value
  for (int i = 0; i < Columns::kCount; ++i) {
    c.col[i] = d.ReadVarUint8Array();
    c.at[i] = d.pos() - c.col[i].size();
  }
  if (d.failed()) {
    const Status& st = d.status();
    c.status = Status(st.code(), "v2 update header: " + st.message(), st.offset());
    return c;
  }
  c.rest_at = d.pos();
  c.rest = d.ReadRest();
  return c;
}

UpdateDecoderV2::UpdateDecoderV2(const Columns& c, const DecodeLimits& limits)
    : limits_(limits),
      own_(c.status),
      key_clock_(c.col[0], c.at[0]),
      client_(c.col[1], c.at[1]),
      left_clock_(c.col[2], c.at[2]),
      right_clock_(c.col[3], c.at[3]),
      info_(c.col[4], c.at[4]),
      string_(c.col[5], c.at[5]),
      parent_info_(c.col[6], c.at[6]),
      type_ref_(c.col[7], c.at[7]),
      len_(c.col[8], c.at[8]) {
  rest_ = Decoder(c.rest, c.rest_at);
}

Status UpdateDecoderV2::status() const {
  if (!own_.ok()) return own_;
  if (rest_.failed()) return rest_.status();
  for (const Status* s : {&key_clock_.status(), &client_.status(), &left_clock_.status(),
                          &right_clock_.status(), &info_.status(), &string_.status(),
                          &parent_info_.status(), &type_ref_.status(), &len_.status()}) {
    if (!s->ok()) return *s;
  }
  return Status();
}

void UpdateDecoderV2::Fail(StatusCode code, std::string message) {
  if (own_.ok()) own_ = Status(code, std::move(message), rest_.offset());
}

uint8_t UpdateDecoderV2::ReadTypeRef() {
  const uint64_t v = type_ref_.Read();
  if (v > 255) [[unlikely]] {
    Fail(StatusCode::kInvalid, "type ref " + std::to_string(v) + " out of range");
    return 0;
  }
  return static_cast<uint8_t>(v);
}

std::string UpdateDecoderV2::ReadKey() {
  const int64_t clock = key_clock_.Read();
  if (clock < 0) [[unlikely]] {
    Fail(StatusCode::kInvalid, "negative key clock");
    return {};
  }
  if (static_cast<uint64_t>(clock) < keys_.size()) return keys_[static_cast<size_t>(clock)];
  std::string key = string_.Read();
  if (!string_.failed()) keys_.push_back(key);
  return key;
}

// ---------------------------------------------------------------------------------------------

Result<std::unique_ptr<UpdateDecoder>> MakeUpdateDecoder(std::span<const uint8_t> update,
                                                         UpdateFormat format,
                                                         const DecodeLimits& limits) {
  if (format != UpdateFormat::kV2) {
    return std::unique_ptr<UpdateDecoder>(std::make_unique<UpdateDecoderV1>(update, limits));
  }
  auto dec = std::make_unique<UpdateDecoderV2>(update, limits);
  // The header and the string column (UTF-8, length) are checked up front, as Yjs does.
  if (dec->failed()) return dec->status();
  return std::unique_ptr<UpdateDecoder>(std::move(dec));
}

std::unique_ptr<DsDecoder> MakeDsDecoder(std::span<const uint8_t> bytes, UpdateFormat format) {
  if (format == UpdateFormat::kV2) return std::make_unique<DsDecoderV2>(bytes);
  return std::make_unique<DsDecoderV1>(bytes);
}

}  // namespace symphony::crdt
