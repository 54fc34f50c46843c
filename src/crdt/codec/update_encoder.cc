#include "crdt/codec/update_encoder.h"

#include <cassert>

namespace symphony::crdt {

namespace {

class DsEncoderV1 final : public DsEncoder {
 public:
  UpdateFormat format() const override { return UpdateFormat::kV1; }
  void ResetDsCurVal() override {}
  void WriteDsClock(Clock clock) override { rest_.WriteVarUint(clock); }
  void WriteDsLen(uint64_t len) override { rest_.WriteVarUint(len); }
  std::vector<uint8_t> Finish() override { return rest_.Take(); }
};

class DsEncoderV2 final : public DsEncoder {
 public:
  UpdateFormat format() const override { return UpdateFormat::kV2; }
  void ResetDsCurVal() override { cur_ = 0; }
  void WriteDsClock(Clock clock) override {
    rest_.WriteVarUint(clock - cur_);
    cur_ = clock;
  }
  void WriteDsLen(uint64_t len) override {
    assert(len > 0);
    rest_.WriteVarUint(len - 1);
    cur_ += len;
  }
  std::vector<uint8_t> Finish() override { return rest_.Take(); }

 private:
  uint64_t cur_ = 0;
};

class UpdateEncoderV1 final : public UpdateEncoder {
 public:
  UpdateFormat format() const override { return UpdateFormat::kV1; }
  void ResetDsCurVal() override {}
  void WriteDsClock(Clock clock) override { rest_.WriteVarUint(clock); }
  void WriteDsLen(uint64_t len) override { rest_.WriteVarUint(len); }
  std::vector<uint8_t> Finish() override { return rest_.Take(); }

  void WriteLeftId(ID id) override {
    rest_.WriteVarUint(id.client);
    rest_.WriteVarUint(id.clock);
  }
  void WriteRightId(ID id) override {
    rest_.WriteVarUint(id.client);
    rest_.WriteVarUint(id.clock);
  }
  void WriteClient(ClientId client) override { rest_.WriteVarUint(client); }
  void WriteInfo(uint8_t info) override { rest_.WriteUint8(info); }
  void WriteString(std::u16string_view s) override { rest_.WriteVarString(s); }
  void WriteStringUtf8(std::string_view s) override { rest_.WriteVarString(s); }
  void WriteParentInfo(bool is_ykey) override { rest_.WriteVarUint(is_ykey ? 1 : 0); }
  void WriteTypeRef(uint8_t type_ref) override { rest_.WriteVarUint(type_ref); }
  void WriteLen(uint64_t len) override { rest_.WriteVarUint(len); }
  void WriteAny(const Any& v) override { rest_.WriteAny(v); }
  void WriteBuf(std::span<const uint8_t> buf) override { rest_.WriteVarUint8Array(buf); }
  void WriteJson(const Any& v) override { rest_.WriteVarString(StringifyJson(v)); }
  void WriteKey(std::string_view key) override { rest_.WriteVarString(key); }
};

class UpdateEncoderV2 final : public UpdateEncoder {
 public:
  UpdateFormat format() const override { return UpdateFormat::kV2; }
  void ResetDsCurVal() override { ds_cur_ = 0; }
  void WriteDsClock(Clock clock) override {
    rest_.WriteVarUint(clock - ds_cur_);
    ds_cur_ = clock;
  }
  void WriteDsLen(uint64_t len) override {
    assert(len > 0);
    rest_.WriteVarUint(len - 1);
    ds_cur_ += len;
  }

  std::vector<uint8_t> Finish() override {
    lib0::Encoder out;
    out.WriteVarUint(0);  // feature flag, always 0 in Yjs 13.6
    out.WriteVarUint8Array(key_clock_.Finish());
    out.WriteVarUint8Array(client_.Finish());
    out.WriteVarUint8Array(left_clock_.Finish());
    out.WriteVarUint8Array(right_clock_.Finish());
    out.WriteVarUint8Array(info_.Finish());
    out.WriteVarUint8Array(string_.Finish());
    out.WriteVarUint8Array(parent_info_.Finish());
    out.WriteVarUint8Array(type_ref_.Finish());
    out.WriteVarUint8Array(len_.Finish());
    out.WriteRaw(rest_.bytes());  // no length prefix: the rest runs to the end
    rest_.Clear();
    ds_cur_ = 0;
    key_clock_value_ = 0;
    return out.Take();
  }

  void WriteLeftId(ID id) override {
    client_.Write(id.client);
    left_clock_.Write(static_cast<int64_t>(id.clock));
  }
  void WriteRightId(ID id) override {
    client_.Write(id.client);
    right_clock_.Write(static_cast<int64_t>(id.clock));
  }
  void WriteClient(ClientId client) override { client_.Write(client); }
  void WriteInfo(uint8_t info) override { info_.Write(info); }
  void WriteString(std::u16string_view s) override { string_.Write(s); }
  void WriteStringUtf8(std::string_view s) override { string_.Write(s); }
  void WriteParentInfo(bool is_ykey) override { parent_info_.Write(is_ykey ? 1 : 0); }
  void WriteTypeRef(uint8_t type_ref) override { type_ref_.Write(type_ref); }
  void WriteLen(uint64_t len) override { len_.Write(len); }
  void WriteAny(const Any& v) override { rest_.WriteAny(v); }
  void WriteBuf(std::span<const uint8_t> buf) override { rest_.WriteVarUint8Array(buf); }
  void WriteJson(const Any& v) override { rest_.WriteAny(v); }
  // Yjs 13.6 declares a key cache but never fills it, so every key gets a fresh key clock and
  // its text in the string column. Decoders do honour back-references (see UpdateDecoderV2).
  void WriteKey(std::string_view key) override {
    key_clock_.Write(static_cast<int64_t>(key_clock_value_++));
    string_.Write(key);
  }

 private:
  uint64_t ds_cur_ = 0;
  uint64_t key_clock_value_ = 0;
  lib0::IntDiffOptRleEncoder key_clock_;
  lib0::UintOptRleEncoder client_;
  lib0::IntDiffOptRleEncoder left_clock_;
  lib0::IntDiffOptRleEncoder right_clock_;
  lib0::RleEncoder info_;
  lib0::StringEncoder string_;
  lib0::RleEncoder parent_info_;
  lib0::UintOptRleEncoder type_ref_;
  lib0::UintOptRleEncoder len_;
};

}  // namespace

std::unique_ptr<UpdateEncoder> MakeUpdateEncoder(UpdateFormat format) {
  if (format == UpdateFormat::kV2) return std::make_unique<UpdateEncoderV2>();
  return std::make_unique<UpdateEncoderV1>();
}

std::unique_ptr<DsEncoder> MakeDsEncoder(UpdateFormat format) {
  if (format == UpdateFormat::kV2) return std::make_unique<DsEncoderV2>();
  return std::make_unique<DsEncoderV1>();
}

}  // namespace symphony::crdt
